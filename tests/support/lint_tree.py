"""A throwaway copy of the product code, to prove that a lint step fails on a deliberate violation.

The copy holds pyproject.toml (the tools' configuration), the generated stubs
and the product packages; a test adds one offending line to one module and
runs the tool in the copy, which comes first on its import path.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
# The product code is what the import contracts cover.
PRODUCT_PACKAGES: list[str] = PYPROJECT["tool"]["importlinter"]["root_packages"]


def copy_product(destination: Path) -> Path:
    for name in ("pyproject.toml",):
        shutil.copy2(REPO / name, destination / name)
    for folder in ("gen", *PRODUCT_PACKAGES):
        shutil.copytree(REPO / folder, destination / folder, ignore=shutil.ignore_patterns("__pycache__"))
    return destination


def add_line(tree: Path, module: str, line: str) -> None:
    """Append `line` to `module` (dotted name) in the copy."""
    path = tree / Path(*module.split("."))
    path = path / "__init__.py" if path.is_dir() else path.with_suffix(".py")
    with path.open("a") as source:
        source.write(f"\n{line}\n")


def run_tool(tree: Path, tool: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a console script of this environment (lint-imports, mypy) in `tree`; output as text."""
    executable = Path(sys.executable).parent / tool
    env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1"}  # no wrapped or coloured lines to match against
    return subprocess.run(
        [str(executable), *arguments], cwd=tree, env=env, capture_output=True, text=True, timeout=600
    )
