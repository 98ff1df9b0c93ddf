"""Pack the Chrome extension into a Chrome Web Store upload zip.

``pack_extension(extension_dir, out_dir)`` writes
``pingcrm-extension-<version>.zip`` with ``manifest.json`` at the zip root and
only the files the extension needs at run time. The version is read from
``manifest.json`` (its one home). The archive is deterministic: sorted
entries, fixed timestamps and permissions, so the same tree always gives the
same bytes.

The manifest's ``key`` (which pins the extension id for unpacked development
installs) is removed from the packed manifest: the Chrome Web Store rejects
uploads that carry it and assigns the store id itself.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

__all__ = ["RUNTIME_SUFFIXES", "ExtensionPackError", "collect_files", "pack_extension"]

#: File types the extension loads at run time. Anything else is left out.
RUNTIME_SUFFIXES = frozenset({".js", ".mjs", ".html", ".css", ".json", ".png", ".svg", ".ico", ".webp", ".woff2"})

_EXCLUDED_DIRS = frozenset({"tests", "test", "__tests__", "node_modules", "__pycache__"})
_TEST_FILE = re.compile(r"(\.|_|-)(test|spec)\.[cm]?js$")
_VERSION = re.compile(r"^\d+(\.\d+){0,3}$")
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


class ExtensionPackError(ValueError):
    """The extension folder cannot be packed (bad or missing manifest)."""


def _read_manifest(extension_dir: Path) -> dict[str, Any]:
    path = extension_dir / "manifest.json"
    try:
        manifest: object = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExtensionPackError(f"no manifest.json in {extension_dir}") from exc
    except json.JSONDecodeError as exc:
        raise ExtensionPackError(f"{path} is not valid JSON: {exc}") from exc
    version = manifest.get("version") if isinstance(manifest, dict) else None
    if not isinstance(manifest, dict) or not isinstance(version, str) or not _VERSION.match(version):
        raise ExtensionPackError(f"{path} has no valid Chrome version (1 to 4 dot-separated integers)")
    return manifest


def _is_runtime_file(rel: PurePosixPath) -> bool:
    if any(part.startswith(".") for part in rel.parts):
        return False
    if any(part in _EXCLUDED_DIRS for part in rel.parts[:-1]):
        return False
    name = rel.name
    if _TEST_FILE.search(name) or name.endswith(".map"):
        return False
    if name.lower().startswith(("readme", "license", "changelog")):
        return False
    return rel.suffix.lower() in RUNTIME_SUFFIXES


def collect_files(extension_dir: Path) -> list[PurePosixPath]:
    """Return the runtime files of ``extension_dir``, as sorted relative POSIX paths."""
    found = []
    for root, dirs, files in os.walk(extension_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _EXCLUDED_DIRS)
        for name in files:
            path = Path(root, name)
            if path.is_symlink() or not path.is_file():
                continue
            rel = PurePosixPath(path.relative_to(extension_dir).as_posix())
            if _is_runtime_file(rel):
                found.append(rel)
    return sorted(found)


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.create_system = 3  # Unix, so the permission bits below are honoured
    info.external_attr = (0o100644 & 0xFFFF) << 16
    return info


def pack_extension(extension_dir: Path, out_dir: Path) -> Path:
    """Zip ``extension_dir`` for the Chrome Web Store into ``out_dir``; return the zip path."""
    extension_dir = Path(extension_dir)
    out_dir = Path(out_dir)
    manifest = _read_manifest(extension_dir)
    files = collect_files(extension_dir)

    packed_manifest = {k: v for k, v in manifest.items() if k != "key"}
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"pingcrm-extension-{manifest['version']}.zip"

    # Write next to the target and rename, so a failed pack never leaves a
    # truncated zip under the final name.
    fd, tmp_name = tempfile.mkstemp(prefix=".pack-", suffix=".zip", dir=out_dir)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        with zipfile.ZipFile(tmp, "w") as zf:
            for rel in files:
                name = rel.as_posix()
                if name == "manifest.json":
                    data = (json.dumps(packed_manifest, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
                else:
                    data = (extension_dir / rel).read_bytes()
                zf.writestr(_entry(name), data, compresslevel=9)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
