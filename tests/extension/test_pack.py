"""Tests for pingcrm_cli.extension_pack."""

from __future__ import annotations

import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from pingcrm_cli.extension_pack import ExtensionPackError, pack_extension

EXTENSION_DIR = Path(__file__).resolve().parents[2] / "extension"


def _manifest() -> dict:
    return json.loads((EXTENSION_DIR / "manifest.json").read_text(encoding="utf-8"))


def test_pack_real_extension(tmp_path: Path) -> None:
    version = _manifest()["version"]
    out = pack_extension(EXTENSION_DIR, tmp_path / "dist")

    assert out == tmp_path / "dist" / f"pingcrm-extension-{version}.zip"
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert "manifest.json" in names
        packed = json.loads(zf.read("manifest.json"))
        assert packed["version"] == version
        assert "key" not in packed, "the Web Store rejects a manifest key"
        for required in (
            packed["background"]["service_worker"],
            packed["action"]["default_popup"],
            *packed["icons"].values(),
        ):
            assert required in names
        assert not [n for n in names if "test" in n.lower() or n.lower().endswith(".md") or "/." in f"/{n}"]
        assert all(info.date_time == (1980, 1, 1, 0, 0, 0) for info in zf.infolist())
        assert zf.testzip() is None
    assert [p.name for p in out.parent.iterdir()] == [out.name], "no temporary files left behind"


def test_pack_excludes_non_runtime_files_and_is_deterministic(tmp_path: Path) -> None:
    src = tmp_path / "ext"
    shutil.copytree(EXTENSION_DIR, src)
    (src / "README.md").write_text("docs")
    (src / ".env").write_text("SECRET=1")
    (src / ".git").mkdir()
    (src / ".git" / "config").write_text("x")
    (src / "tests").mkdir()
    (src / "tests" / "a.js").write_text("test")
    (src / "lib" / "url.test.mjs").write_text("test")
    (src / "dev.pem").write_text("-----BEGIN PRIVATE KEY-----")
    (src / "background" / "worker.js.map").write_text("{}")

    first = pack_extension(src, tmp_path / "a")
    second = pack_extension(src, tmp_path / "b")
    assert hashlib.sha256(first.read_bytes()).digest() == hashlib.sha256(second.read_bytes()).digest()

    with zipfile.ZipFile(first) as zf:
        names = set(zf.namelist())
    for excluded in (
        "README.md",
        ".env",
        ".git/config",
        "tests/a.js",
        "lib/url.test.mjs",
        "dev.pem",
        "background/worker.js.map",
    ):
        assert excluded not in names
    assert {"manifest.json", "background/worker.js", "popup/popup.html", "lib/storage.js"} <= names


@pytest.mark.parametrize(
    "manifest_text",
    [None, "{not json", json.dumps({"name": "x"}), json.dumps({"version": "1.0-beta"})],
)
def test_pack_rejects_a_bad_manifest(tmp_path: Path, manifest_text: str | None) -> None:
    src = tmp_path / "ext"
    src.mkdir()
    if manifest_text is not None:
        (src / "manifest.json").write_text(manifest_text)
    with pytest.raises(ExtensionPackError):
        pack_extension(src, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
