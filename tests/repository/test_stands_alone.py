"""The repository stands alone: a clone needs nothing that lies beside it.

Fixtures, design notes and the browser-test recipe live in the repository;
no file may send a reader (or a test) to a folder outside it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Spelled in two parts so this file does not match itself.
OUTSIDE = "../" + "shared"


def _tracked_files() -> list[str]:
    listing = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [name for name in listing.stdout.decode().split("\0") if name]


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for name in _tracked_files():
        path = REPO / name
        if not path.is_file():
            continue  # deleted in the work tree, not yet committed
        text = path.read_bytes().decode("utf-8", errors="ignore")
        offenders += [f"{name}:{number}" for number, line in enumerate(text.splitlines(), 1) if OUTSIDE in line]
    assert offenders == [], f"files refer to {OUTSIDE}: {offenders}"


def test_voyager_reference_fixtures_are_in_the_repository() -> None:
    fixtures = REPO / "tests" / "fixtures" / "voyager"
    expected = {"me.json", "conversations.page1.json", "messages.conv1.json", "messages.conv2.json", "profile.json"}
    assert expected <= {path.name for path in fixtures.iterdir()}
