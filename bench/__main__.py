"""`python -m bench [name …]`: run the named benchmarks (all of them by default)."""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = {
    "push_latency": "LinkedIn push latency through the edge with 1,000 vs 100,000 existing contacts (PostgreSQL)",
    "push_store": "a 500-message push's transaction alone, in process: median time and WAL written per push",
    "media": "1,000 avatar downloads from a loopback CDN through media_service (FetchAvatar), stored",
    "profile_push": "pushes carrying 50 profiles with photo addresses vs plain pushes, 1,000 and 100,000 contacts",
    "avatar_queue": "1,000 queued profile photos through contacts_service's worker and media_service, stored",
    "load": "20 concurrent clients pushing overlapping conversations for 60 s (SQLite, PostgreSQL)",
    "composer_watch": "what the P/R content scripts' watching costs a LinkedIn page in real Chromium",
    "suggestions": "suggestions_service applying 8,000–80,000 feed events, generating and listing (PostgreSQL)",
    "listing": "the contact list's orders, deep pages and searches at 100,000 contacts (PostgreSQL)",
    "imports": "Connections.csv and messages.csv of 10,000–100,000 rows through the edge (PostgreSQL), with memory",
    "activity_retention": "deleting the older half of a 1,000,000-event activity feed, then a check with nothing old",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Run PingCRM's benchmarks.")
    parser.add_argument("names", nargs="*", metavar="name", help=f"one of: {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    args = parser.parse_args(argv)
    if unknown := sorted(set(args.names) - set(BENCHMARKS)):
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    if args.list:
        for name, what in BENCHMARKS.items():
            print(f"{name:15} {what}")
        return 0
    status = 0
    for name in args.names or list(BENCHMARKS):
        status |= importlib.import_module(f"bench.{name}").main()
    return status


if __name__ == "__main__":
    sys.exit(main())
