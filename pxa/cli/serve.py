"""`pxa serve`: the /v1 API headless; `pxa token ...` and `pxa user set-password`."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import TYPE_CHECKING

from pxa.cli.common import add_json, dump, err, run

if TYPE_CHECKING:
    from pxa.core.context import CallContext
    from pxa.core.infra import Infra
    from pxa.core.tokens import Principal, TokenService


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="serve the /v1 HTTP API (headless)")
    p.add_argument("--host", help="default from api.host (127.0.0.1)")
    p.add_argument("--port", type=int, help="default from api.port (8765)")
    p.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback host (needs api.tls_cert and api.tls_key)",
    )
    p.set_defaults(func=cmd_serve)

    tok = sub.add_parser("token", help="create, list and revoke /v1 API tokens")
    cmds = tok.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    p = cmds.add_parser("create", help="prints the access token once")
    p.add_argument("--name", required=True)
    p.add_argument("--permissions", required=True, help="comma-separated, e.g. vm:read,vm:write")
    p.add_argument("--expires-in", type=int, help="seconds")
    p.add_argument("--description")
    add_json(p)
    p.set_defaults(func=cmd_token_create)
    p = cmds.add_parser("list")
    add_json(p)
    p.set_defaults(func=cmd_token_list)
    p = cmds.add_parser("revoke")
    p.add_argument("token_id")
    p.set_defaults(func=cmd_token_revoke)
    p = cmds.add_parser("scopes", help="every permission a token can carry")
    p.set_defaults(func=lambda a: print("\n".join(_scopes())) or 0)

    user = sub.add_parser("user", help="the local admin account (Basic auth for /v1/auth/tokens)")
    ucmds = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    p = ucmds.add_parser("set-password")
    p.add_argument("username", nargs="?", default="admin")
    p.set_defaults(func=cmd_set_password)


def _scopes() -> list[str]:
    from pxa.core.tokens import all_scopes

    return all_scopes()


def _tokens() -> TokenService:
    from pxa.core.tokens import TokenService
    from pxa.paths import data_dir
    from pxa.store.db import Database

    return TokenService(Database(data_dir() / "pxa.db"))


def _cli_admin() -> Principal:
    from pxa.core.tokens import Principal

    return Principal(id="cli", scopes=frozenset(_scopes()), kind="user")


def cmd_token_create(args: argparse.Namespace) -> int:
    from pxa.errors import PxaError
    from pxa.models.token import TokenCreate

    try:
        req = TokenCreate(
            name=args.name,
            description=args.description,
            expires_in=args.expires_in,
            permissions=[p.strip() for p in args.permissions.split(",") if p.strip()],
        )
        created = _tokens().create(req, _cli_admin())
    except PxaError as exc:
        err(exc.message)
        return 1
    except ValueError as exc:
        err(str(exc).splitlines()[0])
        return 1
    if args.json:
        dump(created)
    else:
        print(created.access_token)
        print(
            f"token {created.token_id}: {', '.join(created.permissions)}; shown only once",
            file=sys.stderr,
        )
    return 0


def cmd_token_list(args: argparse.Namespace) -> int:
    tokens = _tokens().list()
    if args.json:
        dump([t.model_dump(mode="json") for t in tokens])
        return 0
    for t in tokens:
        state = (
            "revoked"
            if t.revoked_at
            else (f"expires {t.expires_at:%Y-%m-%d}" if t.expires_at else "")
        )
        print(f"{t.token_id}  {t.prefix}…  {t.name:<24} {','.join(t.permissions)}  {state}")
    return 0


def cmd_token_revoke(args: argparse.Namespace) -> int:
    from pxa.errors import PxaError

    try:
        _tokens().revoke(args.token_id)
    except PxaError as exc:
        err(exc.message)
        return 1
    print(f"{args.token_id} revoked")
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    from pxa.errors import PxaError

    if sys.stdin.isatty():
        password = getpass.getpass(f"new password for {args.username}: ")
        if getpass.getpass("again: ") != password:
            err("the passwords differ")
            return 1
    else:
        password = sys.stdin.readline().rstrip("\n")
    try:
        _tokens().set_password(args.username, password)
    except PxaError as exc:
        err(exc.message)
        return 1
    print(f"password set for {args.username}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from pxa.api.app import create_app
    from pxa.api.oauth import OAuthVerifier
    from pxa.api.server import ApiServer
    from pxa.config import load_settings

    settings = load_settings()
    oauth = OAuthVerifier.from_settings(settings.api)

    async def body(infra: Infra, ctx: CallContext) -> int:
        server = ApiServer(
            create_app(
                infra,
                oauth=oauth,
                rate_limits=settings.api.parsed_rate_limits(),
                max_body_bytes=settings.api.max_body_mb * 1024 * 1024,
            ),
            host=args.host or settings.api.host,
            port=settings.api.port if args.port is None else args.port,
            tls_cert=settings.api.tls_cert,
            tls_key=settings.api.tls_key,
            allow_remote=args.allow_remote or settings.api.allow_remote,
            embedded=False,
        )
        url = server.prepare()
        if server.note:
            print(server.note, file=sys.stderr)
        mode = "sandbox" if infra.sandbox else infra.adapter.url
        print(f"pxa API at {url} (docs {url}/docs) on {mode}; Ctrl-C stops it", file=sys.stderr)
        if oauth is not None:
            print(f"accepting OAuth tokens from {oauth.issuer}", file=sys.stderr)
        await infra.start_background()
        await server.serve()
        return 0

    try:
        return run(args, body)
    except KeyboardInterrupt:
        return 0
