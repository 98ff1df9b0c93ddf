"""Finds every place an error code is named outside the registries.

Python (read with `ast`, so branches no test reaches are covered too):
- `code="..."` given to any call, e.g. `InvalidArgument("...", code="x")`,
  `limiter.hit_all(..., code="x")`, `problem(422, code="x", ...)`;
- a string assigned to a variable named `code` (also as a dict value or
  `.get` default), and a string compared with `<something>.code`;
- a module constant holding the string, where one of the above uses it.
When the call is a `pingcrm_common.errors` exception (or a function that
hands its `code` parameter to one), the use also carries the gRPC status it
is raised with. A `code=` given to such an exception that is none of these
(and not a forwarded `code` parameter) is reported: it could not be checked.

JavaScript: the backend codes `extension/lib/errors.js` names (its
`SERVER_ERR`), its own codes (`ERR`'s literal entries), and the problems the
extension tests' fake backend answers (`problem(status, 'code', ...)`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import grpc

from pingcrm_common.errors import DomainError


@dataclass(frozen=True)
class CodeUse:
    """A code named in product code."""

    package: str  # the top-level package whose code names it
    where: str  # path:line, relative to the repository
    code: str
    status: grpc.StatusCode | None  # the status it is raised with, when the call shows it


def exception_statuses() -> dict[str, grpc.StatusCode]:
    """Class name → status of DomainError and every subclass."""
    found: dict[str, grpc.StatusCode] = {}
    pending: list[type[DomainError]] = [DomainError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls.status
        pending.extend(cls.__subclasses__())
    return found


def _callee(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _literals(node: ast.expr, constants: dict[str, str]) -> list[str] | None:
    """The strings an expression can evaluate to, or None when it is not made of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    parts: list[ast.expr | None]
    if isinstance(node, ast.Dict):
        parts = list(node.values)
    elif isinstance(node, ast.IfExp):
        parts = [node.body, node.orelse]
    elif isinstance(node, ast.BoolOp):
        parts = list(node.values)
    elif isinstance(node, ast.Call) and _callee(node) == "get" and isinstance(node.func, ast.Attribute):
        parts = [node.func.value, *node.args[1:]]
    else:
        return None
    strings: list[str] = []
    for part in parts:
        found = _literals(part, constants) if part is not None else None
        if found is None:
            return None
        strings.extend(found)
    return strings


def _module_constants(tree: ast.Module) -> dict[str, str]:
    constants = {}
    for statement in tree.body:
        if (
            isinstance(statement, ast.Assign)
            and len(statement.targets) == 1
            and isinstance(statement.targets[0], ast.Name)
            and isinstance(statement.value, ast.Constant)
            and isinstance(statement.value.value, str)
        ):
            constants[statement.targets[0].id] = statement.value.value
    return constants


def _functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    args = function.args
    return {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}


def _code_keyword(call: ast.Call) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == "code"), None)


def forwarders(trees: list[ast.Module], exceptions: dict[str, grpc.StatusCode]) -> dict[str, grpc.StatusCode]:
    """Functions that hand their own `code` parameter to an exception: name → that exception's status."""
    found = {}
    for tree in trees:
        for function in _functions(tree):
            if "code" not in _parameters(function):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and (name := _callee(node)) in exceptions:
                    value = _code_keyword(node)
                    if isinstance(value, ast.Name) and value.id == "code":
                        found[function.name] = exceptions[name]
    return found


class _FileScan(ast.NodeVisitor):
    def __init__(
        self,
        package: str,
        path: str,
        constants: dict[str, str],
        exceptions: dict[str, grpc.StatusCode],
        forwarding: dict[str, grpc.StatusCode],
    ) -> None:
        self.package, self.path = package, path
        self.constants, self.exceptions, self.forwarding = constants, exceptions, forwarding
        self.uses: list[CodeUse] = []
        self.unchecked: list[str] = []
        self._parameters: list[set[str]] = []

    def _use(self, node: ast.AST, codes: list[str], status: grpc.StatusCode | None) -> None:
        where = f"{self.path}:{getattr(node, 'lineno', 0)}"
        self.uses.extend(CodeUse(self.package, where, code, status) for code in codes)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._parameters.append(_parameters(node))
        self.generic_visit(node)
        self._parameters.pop()

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Call(self, node: ast.Call) -> None:
        name = _callee(node)
        value = _code_keyword(node)
        status = self.exceptions.get(name or "") or self.forwarding.get(name or "")
        if value is not None:
            codes = _literals(value, self.constants)
            if codes is not None:
                self._use(node, codes, status)
            elif name in self.exceptions and not self._forwarded(value):
                self.unchecked.append(
                    f"{self.path}:{node.lineno}: {name}(code=…) is not a string literal or module constant, "
                    "so it cannot be checked against the registry"
                )
        elif name in self.exceptions:
            self.unchecked.append(f"{self.path}:{node.lineno}: {name}(…) without code=")
        self.generic_visit(node)

    def _forwarded(self, value: ast.expr) -> bool:
        return isinstance(value, ast.Name) and bool(self._parameters) and value.id in self._parameters[-1]

    def visit_Assign(self, node: ast.Assign) -> None:
        if any(isinstance(t, ast.Name) and t.id == "code" for t in node.targets):
            if (codes := _literals(node.value, self.constants)) is not None:
                self._use(node, codes, None)
        self.generic_visit(node)

    def visit_Compare(self, node: ast.Compare) -> None:
        sides = [node.left, *node.comparators]
        if any(isinstance(s, ast.Attribute) and s.attr == "code" for s in sides):
            for side in sides:
                if isinstance(side, ast.Constant) and isinstance(side.value, str):
                    self._use(node, [side.value], None)
        self.generic_visit(node)


def scan_python(repo: Path, packages: list[str]) -> tuple[list[CodeUse], list[str]]:
    """Every code named in the packages' Python files, and the `code=`s that cannot be checked."""
    exceptions = exception_statuses()
    files = [(package, path) for package in packages for path in sorted((repo / package).rglob("*.py"))]
    trees = [ast.parse(path.read_text(), filename=str(path)) for _, path in files]
    forwarding = forwarders(trees, exceptions)
    uses: list[CodeUse] = []
    unchecked: list[str] = []
    for (package, path), tree in zip(files, trees, strict=True):
        if path.name == "error_codes.py":
            continue  # the registry itself
        scan = _FileScan(package, str(path.relative_to(repo)), _module_constants(tree), exceptions, forwarding)
        scan.visit(tree)
        uses.extend(scan.uses)
        unchecked.extend(scan.unchecked)
    return uses, unchecked


_ENTRY = re.compile(r"^\s*([A-Z][A-Z0-9_]*)\s*:\s*'([^']*)'", re.MULTILINE)


def frozen_object_entries(source: str, name: str) -> dict[str, str]:
    """The `KEY: 'value'` entries of `export const <name> = Object.freeze({ ... });`."""
    match = re.search(rf"export const {name} = Object\.freeze\(\{{(.*?)\n\}}\);", source, re.DOTALL)
    if match is None:
        raise ValueError(f"no `export const {name} = Object.freeze({{...}});` found")
    return dict(_ENTRY.findall(match.group(1)))


_FAKE_PROBLEM = re.compile(r"\bproblem\(\s*(\d{3})\s*,\s*'([a-z0-9_]+)'")


def fake_backend_problems(source: str) -> list[tuple[int, str]]:
    """(HTTP status, code) of every `problem(status, 'code', ...)` the fake backend answers."""
    return [(int(status), code) for status, code in _FAKE_PROBLEM.findall(source)]
