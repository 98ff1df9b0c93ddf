"""The error-code check `./dev lint` runs: the repository passes it, the READMEs'
tables are the registries, and each way of getting a code wrong fails it
with a line that says where and what to do.

Broken variants are made in a copy of the repository's product code and
docs (`checkout`), so the real files are never touched.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tools import gen_error_codes as gen
from tools.error_code_scan import scan_python


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """What the check reads, copied: product packages, Markdown files, the extension's codes, the fake backend."""
    ignore = shutil.ignore_patterns("__pycache__", "node_modules")
    for package in gen.product_packages():
        shutil.copytree(gen.REPO / package, tmp_path / package, ignore=ignore)
    for markdown in gen.markdown_files():
        target = tmp_path / markdown.relative_to(gen.REPO)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(markdown, target)
    for path in (gen.EXTENSION_ERRORS, gen.FAKE_BACKEND):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(gen.REPO / path, tmp_path / path)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _check(repo: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = gen.main(["--check", "--repo", str(repo)])
    return status, capsys.readouterr().err


def test_the_repository_passes(capsys) -> None:
    assert _check(gen.REPO, capsys) == (0, "")


def test_each_readme_table_is_its_registry(capsys) -> None:
    registries = gen.load_registries()
    assert set(registries) == {
        "pingcrm_common",
        "auth_service",
        "contacts_service",
        "suggestions_service",
        "media_service",
        "edge",
    }
    for package, registry in registries.items():
        readme = (gen.REPO / package / "README.md").read_text()
        block = re.search(rf"<!-- error-codes {package}\b[^>]*-->\n(.*?)<!-- /error-codes -->", readme, re.DOTALL)
        assert block is not None, package
        assert block.group(1) == gen.render(registry)
        for entry in registry:
            assert f"| `{entry.code}` |" in block.group(1)
    auth = (gen.REPO / "auth_service" / "README.md").read_text()
    assert "| `email_taken` | ALREADY_EXISTS → 409 | RegisterUser | an account with this email exists |" in auth
    top = (gen.REPO / "README.md").read_text()
    assert "| 413 | `request_too_large`, `photo_too_large` |" in top
    assert re.search(r"\| 401 \| [^\n]*`refresh_declined`", top)


def test_a_stale_table_fails_and_regenerating_mends_it(checkout, capsys) -> None:
    readme = checkout / "auth_service" / "README.md"
    fresh = readme.read_text()
    _edit(readme, "| fewer than 10 characters |", "| fewer than 8 characters |")
    assert _check(checkout, capsys) == (
        1,
        "error codes:\n  auth_service/README.md: error-code table is stale; run `./dev error-codes`\n",
    )
    assert gen.main(["--repo", str(checkout)]) == 0
    assert readme.read_text() == fresh
    assert _check(checkout, capsys) == (0, "")


def test_a_registry_without_its_table_fails(checkout, capsys) -> None:
    readme = checkout / "media_service" / "README.md"
    readme.write_text(
        re.sub(r"<!-- error-codes media_service.*?<!-- /error-codes -->\n", "", readme.read_text(), flags=re.DOTALL)
    )
    status, err = _check(checkout, capsys)
    assert status == 1
    assert "media_service/README.md has no `<!-- error-codes media_service -->` table" in err


def test_an_unregistered_code_fails(checkout, capsys) -> None:
    _edit(
        checkout / "contacts_service" / "domain" / "contacts.py",
        'raise InvalidArgument("give a member_id or a slug", code="identity_required")',
        'raise InvalidArgument("give a member_id or a slug", code="identity_missing")',
    )
    status, err = _check(checkout, capsys)
    assert status == 1
    assert re.search(
        r"contacts_service/domain/contacts\.py:\d+: `identity_missing` is not registered; "
        r"add it to contacts_service/error_codes\.py\n",
        err,
    )
    # The registered code is now raised nowhere: its README row would be stale.
    assert (
        "contacts_service/error_codes.py: `identity_required` is raised nowhere in contacts_service; remove it" in err
    )


def test_a_code_of_another_service_fails(checkout) -> None:
    # contacts_service may raise its own codes and pingcrm_common's, not auth_service's.
    (checkout / "contacts_service" / "borrowed.py").write_text(
        "from pingcrm_common.errors import AlreadyExists\n\n\n"
        "def taken() -> AlreadyExists:\n"
        '    return AlreadyExists("taken", code="email_taken")\n'
    )
    uses, _ = scan_python(checkout, gen.product_packages(checkout))
    assert gen.use_problems(gen.load_registries(), uses) == [
        "contacts_service/borrowed.py:5: `email_taken` is not registered; add it to contacts_service/error_codes.py"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        pytest.param(
            'return AlreadyExists("pairing code was already used", code="pairing_code_used")',
            'return Expired("pairing code was already used", code="pairing_code_used")',
            "`pairing_code_used` is raised as FAILED_PRECONDITION but registered as ALREADY_EXISTS",
            id="exception",
        ),
        # hit_all hands its `code` to RateLimited, so its callers' codes must be RESOURCE_EXHAUSTED ones.
        pytest.param(
            'code="polling_too_fast"',
            'code="wrong_poll_secret"',
            "`wrong_poll_secret` is raised as RESOURCE_EXHAUSTED but registered as PERMISSION_DENIED",
            id="through-the-rate-limiter",
        ),
    ],
)
def test_a_code_raised_with_another_status_fails(checkout, capsys, old, new, expected) -> None:
    _edit(checkout / "auth_service" / "pairing.py", old, new)
    status, err = _check(checkout, capsys)
    assert status == 1
    assert re.search(r"auth_service/pairing\.py:\d+: " + re.escape(expected), err)


def test_a_code_that_cannot_be_read_fails(checkout, capsys) -> None:
    _edit(
        checkout / "contacts_service" / "domain" / "contacts.py",
        'code="contact_not_found"',
        'code="contact_" + "not_found"',
    )
    status, err = _check(checkout, capsys)
    assert status == 1
    assert re.search(
        r"contacts_service/domain/contacts\.py:\d+: NotFound\(code=…\) is not a string literal or module constant", err
    )


def test_a_new_package_needs_a_registry(checkout) -> None:
    (checkout / "imports_service").mkdir()
    (checkout / "imports_service" / "__init__.py").write_text("")
    (checkout / "imports_service" / "csv_rows.py").write_text(
        "from pingcrm_common.errors import InvalidArgument\n\n"
        'EMPTY = InvalidArgument("the file has no rows", code="csv_empty")\n'
    )
    uses, _ = scan_python(checkout, gen.product_packages(checkout))
    assert gen.use_problems(gen.load_registries(), uses) == [
        "imports_service/csv_rows.py:3: `csv_empty` is not registered; add it to imports_service/error_codes.py "
        "(create it: a pingcrm_common.errors.ErrorCodes named CODES)"
    ]


def test_extension_codes_are_checked_against_the_backend(checkout, capsys) -> None:
    errors_js = checkout / gen.EXTENSION_ERRORS
    _edit(errors_js, "  UNAVAILABLE: 'unavailable',", "  UNAVAILABLE: 'service_unavailable',")
    _edit(errors_js, "  NOT_PAIRED: 'not_paired',", "  NOT_PAIRED: 'not_paired',\n  TOKEN_EXPIRED: 'token_expired',")
    _edit(checkout / gen.FAKE_BACKEND, "problem(410, 'pairing_code_expired'", "problem(404, 'pairing_code_expired'")
    status, err = _check(checkout, capsys)
    assert status == 1
    assert err.splitlines()[1:] == [
        "  extension/lib/errors.js: SERVER_ERR.UNAVAILABLE = 'service_unavailable' is no backend code",
        "  extension/lib/errors.js: ERR.TOKEN_EXPIRED = 'token_expired' is a backend code too; name it in "
        "SERVER_ERR if it means the same, or rename the extension's own",
        "  tests/extension/helpers/fake-backend.mjs: answers 'pairing_code_expired' with 404; the backend's is 410",
    ]
