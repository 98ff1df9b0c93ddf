"""`pingcrm` — run PingCRM and administer it.

pingcrm up                      run the whole stack on this machine
pingcrm serve <process>         run one process (what a Kubernetes pod runs)
pingcrm migrate [service ...]   apply database migrations
pingcrm keys generate           create the token signing key pair
pingcrm user create             create a web account
pingcrm extension pack          zip the Chrome extension for the Web Store
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from pydantic import ValidationError

from auth_service.settings import AuthSettings
from pingcrm_cli.services import PROCESSES, SERVICES, entry_point, migration_target, settings_for
from pingcrm_common.errors import DomainError
from pingcrm_common.settings import CommonSettings, describe_settings_error
from pingcrm_common.tokens import SERVICE_KEY_FILES, USER_KEY_FILES, ensure_key_pair

REPO_ROOT = Path(__file__).resolve().parent.parent
EXTENSION_DIR = REPO_ROOT / "extension"


def _up(_: argparse.Namespace) -> int:
    from edge.settings import EdgeSettings
    from pingcrm_cli.supervisor import run_stack

    settings = AuthSettings()
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    created_user_keys = ensure_key_pair(settings.private_key_path, settings.public_key_path)
    created_service_keys = ensure_key_pair(settings.service_private_key_path, settings.service_public_key_path)
    if created_user_keys or created_service_keys:
        print(f"Generated token signing keys in {settings.keys_dir}", flush=True)
    edge = EdgeSettings()
    # Where a browser on this machine reaches the edge: an address that binds every interface is not one.
    host = "127.0.0.1" if edge.host in ("0.0.0.0", "::") else edge.host
    return run_stack(data_dir, EXTENSION_DIR, f"http://{host}:{edge.port}")


def _serve(args: argparse.Namespace) -> int:
    entry_point(args.process)()
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from pingcrm_common.migrations import upgrade

    unknown = sorted(set(args.services) - set(SERVICES))
    if unknown:
        print(f"unknown service(s): {', '.join(unknown)}; choose from {', '.join(SERVICES)}", file=sys.stderr)
        return 2
    for name in args.services or SERVICES:
        upgrade(migration_target(name), settings_for(name).resolved_database_url)
        print(f"{name}: migrated to head", flush=True)
    return 0


def _keys_generate(args: argparse.Namespace) -> int:
    out = args.out or CommonSettings().keys_dir
    written = []
    for private_name, public_name in (USER_KEY_FILES, SERVICE_KEY_FILES):
        private, public = out / private_name, out / public_name
        if ensure_key_pair(private, public):
            written += [str(private), str(public)]
    if not written:
        print(f"keys already exist in {out}; not overwriting", file=sys.stderr)
        return 1
    print(f"wrote {' and '.join(written)}")
    return 0


def _user_create(args: argparse.Namespace) -> int:
    from auth_service.admin import create_user
    from auth_service.models import MIGRATIONS
    from pingcrm_common.migrations import upgrade

    settings = AuthSettings()
    if settings.migrate_on_start:  # embedded mode: the account may be created before the first `pingcrm up`
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        upgrade(MIGRATIONS, settings.resolved_database_url)
    try:
        account = asyncio.run(create_user(settings, args.email, args.password))
    except DomainError as error:
        print(f"pingcrm: {error.message}", file=sys.stderr)
        return 1
    print(f"created user {account.email} ({account.id})")
    return 0


def _extension_pack(args: argparse.Namespace) -> int:
    from pingcrm_cli.extension_pack import pack_extension

    print(pack_extension(EXTENSION_DIR, args.out))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pingcrm", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("up", help="run the whole stack locally").set_defaults(run=_up)

    serve = commands.add_parser("serve", help="run one process in the foreground")
    serve.add_argument("process", choices=PROCESSES)
    serve.set_defaults(run=_serve)

    migrate = commands.add_parser("migrate", help="apply database migrations")
    migrate.add_argument("services", nargs="*", metavar="service", help=f"any of {', '.join(SERVICES)} (default: all)")
    migrate.set_defaults(run=_migrate)

    keys = commands.add_parser("keys", help="signing keys").add_subparsers(dest="keys_command", required=True)
    generate = keys.add_parser("generate", help="create the Ed25519 key pairs that do not exist yet")
    generate.add_argument(
        "--out", type=Path, help="folder for jwt-{private,public}.pem (user tokens) and service-{private,public}.pem"
    )
    generate.set_defaults(run=_keys_generate)

    user = commands.add_parser("user", help="accounts").add_subparsers(dest="user_command", required=True)
    create = user.add_parser("create", help="create a web account")
    create.add_argument("--email", required=True)
    create.add_argument("--password", required=True)
    create.set_defaults(run=_user_create)

    extension = commands.add_parser("extension", help="the Chrome extension").add_subparsers(
        dest="extension_command", required=True
    )
    pack = extension.add_parser("pack", help="zip the extension for the Chrome Web Store")
    pack.add_argument("--out", type=Path, default=REPO_ROOT / "dist")
    pack.set_defaults(run=_extension_pack)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except ValidationError as error:
        if not error.title.endswith("Settings"):  # not the environment's fault: a bug, with its traceback
            raise
        print(describe_settings_error(error), file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
