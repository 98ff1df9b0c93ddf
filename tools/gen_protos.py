"""Regenerate the Python gRPC stubs from protos/ into gen/python.

    uv run python -m tools.gen_protos          # regenerate
    uv run python -m tools.gen_protos --check  # exit 1 when gen/python is stale

gen/python is an import root: generated modules import each other as
`pingcrm.<service>.v1...`, so nothing is rewritten after protoc runs.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

from grpc_tools import protoc

REPO = Path(__file__).resolve().parent.parent
PROTO_ROOT = REPO / "protos"
OUT_ROOT = REPO / "gen" / "python"


def generate(out_root: Path) -> None:
    """Run protoc for every .proto under protos/ and add package markers."""
    protos = sorted(str(p.relative_to(PROTO_ROOT)) for p in PROTO_ROOT.rglob("*.proto"))
    well_known = resources.files("grpc_tools") / "_proto"
    out_root.mkdir(parents=True, exist_ok=True)
    status = protoc.main(
        [
            "protoc",
            f"-I{PROTO_ROOT}",
            f"-I{well_known}",
            f"--python_out={out_root}",
            f"--pyi_out={out_root}",
            f"--grpc_python_out={out_root}",
            *protos,
        ]
    )
    if status != 0:
        raise SystemExit(f"protoc failed with status {status}")
    for directory in [out_root / "pingcrm", *(p for p in (out_root / "pingcrm").rglob("*") if p.is_dir())]:
        if directory.name != "__pycache__":
            (directory / "__init__.py").touch()


def stale_files(expected: Path, actual: Path) -> list[str]:
    """List files that differ between a fresh generation and the committed one."""

    def listing(root: Path) -> set[str]:
        return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts}

    want, have = listing(expected), listing(actual)
    differing = {name for name in want & have if not filecmp.cmp(expected / name, actual / name, shallow=False)}
    return sorted((want ^ have) | differing)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="fail when gen/python differs from a fresh generation")
    parser.add_argument("--out", type=Path, default=OUT_ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.check:
        if args.out.exists():
            shutil.rmtree(args.out)
        generate(args.out)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp)
        generate(fresh)
        stale = stale_files(fresh, args.out)
    if stale:
        sys.stderr.write("generated stubs are stale; run `./dev protos`:\n" + "".join(f"  {n}\n" for n in stale))
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
