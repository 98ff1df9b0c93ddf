"""The import boundaries are checked, not hoped for (docs/architecture.md §3, §4).

`./dev lint` runs import-linter with the contracts in pyproject.toml. The
tree keeps them, and each kind of forbidden import, added to a copy of the
tree, makes lint-imports fail naming the broken contract and the import.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.support.lint_tree import PYPROJECT, REPO, add_line, copy_product, run_tool

CONTRACTS = {contract["id"]: contract["name"] for contract in PYPROJECT["tool"]["importlinter"]["contracts"]}


def test_the_tree_keeps_every_import_contract() -> None:
    result = run_tool(REPO, "lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    ("module", "offending_import", "contract", "reported"),
    [
        pytest.param(
            "edge.routes.contacts",
            "from contacts_service.domain import limits",
            "processes",
            "edge.routes.contacts -> contacts_service.domain.limits",
            id="edge imports a service",
        ),
        pytest.param(
            "contacts_service.server",
            "import auth_service.models",
            "processes",
            "contacts_service.server -> auth_service.models",
            id="a service imports another",
        ),
        pytest.param(
            "pingcrm_common.clock",
            "import edge.settings",
            "processes",
            "pingcrm_common.clock -> edge.settings",
            id="pingcrm_common imports the edge",
        ),
        pytest.param(
            "contacts_service.domain.limits",
            "import sqlalchemy",
            "domain-plain",
            "contacts_service.domain.limits -> sqlalchemy",
            id="domain imports sqlalchemy",
        ),
        pytest.param(
            "contacts_service.domain.push",
            "from pingcrm.contacts.v1 import contacts_service_pb2",
            "domain-plain",
            "contacts_service.domain.push -> pingcrm",  # external packages are reported by their top name
            id="domain imports the stubs",
        ),
        pytest.param(
            "contacts_service.store.sync_state",
            "import grpc",
            "store-no-stubs",
            "contacts_service.store.sync_state -> grpc",
            id="store imports grpc",
        ),
        pytest.param(
            "contacts_service.servicer",
            "from contacts_service.store import contacts",
            "servicer-no-store",
            "contacts_service.servicer -> contacts_service.store.contacts",
            id="servicer imports the store",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    tmp_path: Path, module: str, offending_import: str, contract: str, reported: str
) -> None:
    tree = copy_product(tmp_path)
    add_line(tree, module, f"{offending_import}  # noqa: E402,F401")
    result = run_tool(tree, "lint-imports", "--no-cache")
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{CONTRACTS[contract]} BROKEN" in result.stdout
    assert re.search(rf"^-\s+{re.escape(reported)} \(l\.\d+\)$", result.stdout, re.MULTILINE), result.stdout
    assert "Contracts: 3 kept, 1 broken." in result.stdout
