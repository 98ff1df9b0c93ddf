"""Error codes: the READMEs' tables from the registries, and a check of every use.

    uv run python -m tools.gen_error_codes          # rewrite the tables (./dev error-codes)
    uv run python -m tools.gen_error_codes --check  # exit 1 on a stale table or a wrong use (./dev lint)

A package that raises codes lists them once, in `<package>/error_codes.py`
(`CODES`, a pingcrm_common.errors.ErrorCodes). A Markdown file shows a
registry's table between `<!-- error-codes <package> … -->` and
`<!-- /error-codes -->`; `all` is every code the API answers, by HTTP status.

--check fails when
- a table differs from its registry, or a registry has no table in its package's README.md;
- product code names a code that neither its package's registry nor
  pingcrm_common's has, raises one with another status than registered, or
  passes a `code=` that cannot be read (tools/error_code_scan.py);
- a registered code is raised nowhere in its package (a stale row);
- two registries give one code different statuses;
- extension/lib/errors.js names a backend code (`SERVER_ERR`) that no
  registry has, or gives one of its own codes (`ERR`) a backend code's name;
- the extension tests' fake backend answers a code, or a status, the backend does not.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from edge.grpc_status import HTTP_STATUS
from pingcrm_common.errors import ErrorCode, ErrorCodes
from tools.error_code_scan import CodeUse, fake_backend_problems, frozen_object_entries, scan_python

REPO = Path(__file__).resolve().parent.parent
COMMON = "pingcrm_common"
NOT_PRODUCT = {"tests", "tools", "bench"}
EXTENSION_ERRORS = Path("extension/lib/errors.js")
FAKE_BACKEND = Path("tests/extension/helpers/fake-backend.mjs")
BLOCK = re.compile(r"(<!-- error-codes (\w+)[^>]*-->\n)(.*?)(<!-- /error-codes -->)", re.DOTALL)


def product_packages(repo: Path = REPO) -> list[str]:
    return sorted(p.name for p in repo.iterdir() if (p / "__init__.py").is_file() and p.name not in NOT_PRODUCT)


def load_registries(repo: Path = REPO) -> dict[str, ErrorCodes]:
    """Package → its registry; pingcrm_common first, then alphabetical.

    The registries are imported (as `<package>.error_codes`); `repo` only says
    which packages have one.
    """
    registries = {}
    for package in sorted(product_packages(repo), key=lambda name: (name != COMMON, name)):
        if (repo / package / "error_codes.py").is_file():
            registry = importlib.import_module(f"{package}.error_codes").CODES
            if registry.owner != package:
                raise ValueError(f"{package}/error_codes.py: CODES is named {registry.owner!r}, not {package!r}")
            registries[package] = registry
    return registries


def http_status(entry: ErrorCode) -> int | None:
    if entry.status is None:
        return entry.http_status
    return HTTP_STATUS[entry.status]


def _status_cell(entry: ErrorCode) -> str:
    if entry.status is not None:
        return f"{entry.status.name} → {http_status(entry)}"
    return str(entry.http_status) if entry.http_status is not None else "varies"


def render(registry: ErrorCodes) -> str:
    """The Markdown table of one registry."""
    entries = list(registry)
    if not entries:
        return f"No codes of its own yet: add them to `{registry.owner}/error_codes.py`.\n"
    with_rpcs = registry.service is not None
    head = ["Code", "Status → HTTP", *(["RPCs"] if with_rpcs else []), "When"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for entry in entries:
        cells = [f"`{entry.code}`", _status_cell(entry)]
        if with_rpcs:
            cells.append(", ".join(entry.rpcs) or "any")
        cells.append(entry.meaning)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_all(registries: dict[str, ErrorCodes]) -> str:
    """Every code the API can answer, one row per HTTP status."""
    by_status: dict[int | None, list[str]] = {}
    for registry in registries.values():
        for entry in registry:
            codes = by_status.setdefault(http_status(entry), [])
            if entry.code not in codes:
                codes.append(entry.code)
    lines = ["| HTTP | codes |", "| --- | --- |"]
    for status in sorted(by_status, key=lambda s: (s is None, s or 0)):
        label = str(status) if status is not None else "other"
        lines.append(f"| {label} | " + ", ".join(f"`{code}`" for code in by_status[status]) + " |")
    return "\n".join(lines) + "\n"


def tables(registries: dict[str, ErrorCodes]) -> dict[str, str]:
    return {"all": render_all(registries)} | {name: render(registry) for name, registry in registries.items()}


def markdown_files(repo: Path = REPO) -> list[Path]:
    return sorted(
        p
        for p in repo.rglob("*.md")
        if not any(part.startswith(".") or part == "node_modules" for part in p.relative_to(repo).parts)
    )


def rewrite(text: str, rendered: dict[str, str], where: str) -> str:
    """`text` with every error-codes block filled from `rendered`."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in rendered:
            raise ValueError(f"{where}: no registry named {name!r} (known: {', '.join(sorted(rendered))})")
        return match.group(1) + rendered[name] + match.group(4)

    return BLOCK.sub(fill, text)


def table_problems(registries: dict[str, ErrorCodes], repo: Path = REPO, *, fix: bool = False) -> list[str]:
    """Stale tables (rewritten when `fix`), and registries without a table in their README."""
    rendered = tables(registries)
    problems = []
    shown: set[tuple[Path, str]] = set()
    for path in markdown_files(repo):
        text = path.read_text()
        shown.update((path.relative_to(repo), m.group(2)) for m in BLOCK.finditer(text))
        fresh = rewrite(text, rendered, str(path.relative_to(repo)))
        if fresh != text:
            if fix:
                path.write_text(fresh)
            else:
                problems.append(f"{path.relative_to(repo)}: error-code table is stale; run `./dev error-codes`")
    for package in registries:
        if (Path(package) / "README.md", package) not in shown:
            problems.append(f"{package}/README.md has no `<!-- error-codes {package} -->` table")
    if (Path("README.md"), "all") not in shown:
        problems.append("README.md has no `<!-- error-codes all -->` table")
    return problems


def _entry(registries: dict[str, ErrorCodes], package: str, code: str) -> ErrorCode | None:
    for owner in (package, COMMON):
        if owner in registries and code in registries[owner]:
            return registries[owner][code]
    return None


def use_problems(registries: dict[str, ErrorCodes], uses: Iterable[CodeUse]) -> list[str]:
    """Codes named in product code that are unregistered, raised with the wrong status, or never raised."""
    problems = []
    named: set[tuple[str, str]] = set()
    for use in uses:
        entry = _entry(registries, use.package, use.code)
        if entry is None:
            home = f"{use.package}/error_codes.py"
            if use.package not in registries:
                home += " (create it: a pingcrm_common.errors.ErrorCodes named CODES)"
            problems.append(f"{use.where}: `{use.code}` is not registered; add it to {home}")
            continue
        named.add((use.package, use.code))
        if use.status is not None and entry.status != use.status:
            registered = entry.status.name if entry.status else f"HTTP {entry.http_status} only"
            problems.append(f"{use.where}: `{use.code}` is raised as {use.status.name} but registered as {registered}")
    for package, registry in registries.items():
        for entry in registry:
            if not entry.by_rule and (package, entry.code) not in named:
                problems.append(f"{package}/error_codes.py: `{entry.code}` is raised nowhere in {package}; remove it")
    return problems


def registry_problems(registries: dict[str, ErrorCodes]) -> list[str]:
    """One code, one status across registries; pingcrm_common's codes are not registered again."""
    problems = []
    first: dict[str, tuple[str, ErrorCode]] = {}
    for package, registry in registries.items():
        for entry in registry:
            if entry.code not in first:
                first[entry.code] = (package, entry)
                continue
            owner, earlier = first[entry.code]
            if owner == COMMON:
                problems.append(f"{package}/error_codes.py: `{entry.code}` is pingcrm_common's; raise that one")
            elif (earlier.status, earlier.http_status) != (entry.status, entry.http_status):
                problems.append(
                    f"{package}/error_codes.py: `{entry.code}` has another status than in {owner}/error_codes.py"
                )
    return problems


def extension_problems(registries: dict[str, ErrorCodes], repo: Path = REPO) -> list[str]:
    """errors.js against the registries, and the Node tests' fake backend against the real one."""
    backend = {entry.code: entry for registry in registries.values() for entry in registry}
    problems = []
    errors_js = (repo / EXTENSION_ERRORS).read_text()
    try:
        server, own = frozen_object_entries(errors_js, "SERVER_ERR"), frozen_object_entries(errors_js, "ERR")
    except ValueError as error:
        return [f"{EXTENSION_ERRORS}: {error}"]
    for key, code in server.items():
        if code not in backend:
            problems.append(f"{EXTENSION_ERRORS}: SERVER_ERR.{key} = '{code}' is no backend code")
    for key, code in own.items():
        if code in backend:
            problems.append(
                f"{EXTENSION_ERRORS}: ERR.{key} = '{code}' is a backend code too; name it in SERVER_ERR "
                "if it means the same, or rename the extension's own"
            )
    for status, code in fake_backend_problems((repo / FAKE_BACKEND).read_text()):
        if code not in backend:
            problems.append(f"{FAKE_BACKEND}: answers '{code}', which the backend never does")
        elif (expected := http_status(backend[code])) is not None and expected != status:
            problems.append(f"{FAKE_BACKEND}: answers '{code}' with {status}; the backend's is {expected}")
    return problems


def all_problems(repo: Path = REPO, *, fix_tables: bool = False) -> list[str]:
    registries = load_registries(repo)
    uses, unchecked = scan_python(repo, product_packages(repo))
    return [
        *registry_problems(registries),
        *unchecked,
        *use_problems(registries, uses),
        *extension_problems(registries, repo),
        *table_problems(registries, repo, fix=fix_tables),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on any problem")
    parser.add_argument("--repo", type=Path, default=REPO, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    problems = all_problems(args.repo, fix_tables=not args.check)
    if problems:
        sys.stderr.write("error codes:\n" + "".join(f"  {problem}\n" for problem in problems))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
