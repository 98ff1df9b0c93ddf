"""The product code is statically typed, and the type check (mypy, run by `./dev lint`) fails on a
type error, on an unannotated function and on a `# type: ignore` that silences nothing.

The configuration is in pyproject.toml [tool.mypy]; the tree passes it, and a copy of the tree with
one deliberate mistake added fails naming the file, the line and the error code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.lint_tree import REPO, copy_product, run_tool

MODULE = "contacts_service/domain/limits.py"


def test_the_tree_passes_the_type_check() -> None:
    result = run_tool(REPO, "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # One copy (and one mypy cache) for every case; each case restores what it changed.
    copy = copy_product(tmp_path_factory.mktemp("typed"))
    clean = run_tool(copy, "mypy")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    yield copy


@pytest.mark.parametrize(
    ("mistake", "error"),
    [
        pytest.param(
            'def deliberate() -> int:\n    return "not a number"',
            'Incompatible return value type (got "str", expected "int")  [return-value]',
            id="a type error",
        ),
        pytest.param(
            "def deliberate(count):\n    return count",
            "Function is missing a type annotation  [no-untyped-def]",
            id="an unannotated function",
        ),
        pytest.param(
            "DELIBERATE = 1  # type: ignore[assignment]",
            'Unused "type: ignore" comment  [unused-ignore]',
            id="a type: ignore that silences nothing",
        ),
    ],
)
def test_a_deliberate_mistake_fails_the_type_check(tree: Path, mistake: str, error: str) -> None:
    path = tree / MODULE
    original = path.read_text()
    path.write_text(f"{original}\n\n{mistake}\n")
    try:
        result = run_tool(tree, "mypy")
    finally:
        path.write_text(original)
    first = len(original.splitlines()) + 3  # the mistake follows two blank lines
    assert result.returncode == 1, result.stdout + result.stderr
    reported = re.findall(rf"^{re.escape(MODULE)}:(\d+): error: {re.escape(error)}$", result.stdout, re.MULTILINE)
    assert [int(line) in range(first, first + len(mistake.splitlines())) for line in reported] == [True], result.stdout
