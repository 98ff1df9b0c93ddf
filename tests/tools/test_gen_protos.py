"""The stale-stubs check: fresh stubs pass, any drift fails."""

from __future__ import annotations

import shutil

from tools import gen_protos


def test_committed_stubs_are_fresh() -> None:
    assert gen_protos.main(["--check"]) == 0


def test_edited_stub_fails_the_check(tmp_path, capsys) -> None:
    copy = tmp_path / "python"
    shutil.copytree(gen_protos.OUT_ROOT, copy)
    stub = copy / "pingcrm" / "auth" / "v1" / "auth_service_pb2.py"
    stub.write_text(stub.read_text() + "\n# hand edit\n")
    assert gen_protos.main(["--check", "--out", str(copy)]) == 1
    assert "pingcrm/auth/v1/auth_service_pb2.py" in capsys.readouterr().err


def test_missing_stub_fails_the_check(tmp_path) -> None:
    copy = tmp_path / "python"
    shutil.copytree(gen_protos.OUT_ROOT, copy)
    (copy / "pingcrm" / "media" / "v1" / "media_service_pb2_grpc.py").unlink()
    assert gen_protos.main(["--check", "--out", str(copy)]) == 1
