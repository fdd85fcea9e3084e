"""`pxa config`: check, show, path, init, set-secret, delete-secret.

Imports of pydantic and keyring wait for the handler, so `pxa --help` stays fast.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from pxa import paths
from pxa.errors import ConfigError
from pxa.secrets import SECRET_NAMES


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("config", help="check, show and initialise configuration")
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", required=True)

    check = sub.add_parser("check", help="report every problem in a config file")
    check.add_argument("path", nargs="?", type=Path, help="file to check (default: pxa's own)")
    check.set_defaults(func=check_command)

    show = sub.add_parser("show", help="print the effective settings (secrets as set/unset)")
    show.add_argument("path", nargs="?", type=Path, help="config file (default: pxa's own)")
    show.set_defaults(func=show_command)

    path = sub.add_parser("path", help="print the config file's path")
    path.set_defaults(func=path_command)

    init = sub.add_parser("init", help="write a commented config file; never overwrites")
    init.set_defaults(func=init_command)

    names = sorted(SECRET_NAMES)
    set_secret = sub.add_parser(
        "set-secret", help="store a secret in the OS keyring (read from a prompt or stdin)"
    )
    set_secret.add_argument("name", choices=names)
    set_secret.set_defaults(func=set_secret_command)

    delete_secret = sub.add_parser("delete-secret", help="remove a secret from the OS keyring")
    delete_secret.add_argument("name", choices=names)
    delete_secret.set_defaults(func=delete_secret_command)


def check_command(args: argparse.Namespace) -> int:
    from pxa.config import check_config, load_settings

    problems = check_config(args.path)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    settings = load_settings(args.path)
    file = args.path or paths.default_config_file()
    where = "" if file.exists() else "no such file, defaults; "
    if settings.sandbox_mode:
        print(f"OK: {file} ({where}sandbox mode)")
    else:
        host = settings.proxmox.host or ""
        shown = f"[{host}]" if ":" in host else host
        print(f"OK: {file} ({where}proxmox at {shown}:{settings.proxmox.port})")
    return 0


def show_command(args: argparse.Namespace) -> int:
    from pxa.config import env_overrides, load_settings, settings_to_toml
    from pxa.secrets import keyring_backend_name, secret_source

    try:
        settings = load_settings(args.path)
    except ConfigError as exc:
        return _fail(exc)
    file = args.path or paths.default_config_file()
    state = "" if file.exists() else " (no such file: defaults)"
    print(f"# effective pxa settings from {file}{state} and the environment")
    print(settings_to_toml(settings, sources=env_overrides()))
    backend = keyring_backend_name() or "none usable, secrets come from the environment only"
    print(f"# secrets (values never shown); OS keyring: {backend}")
    for name, var in SECRET_NAMES.items():
        source = secret_source(name)
        print(f"# {name}: " + (f"set ({source})" if source else f"unset (or set {var})"))
    return 0


def path_command(args: argparse.Namespace) -> int:
    print(paths.default_config_file())
    return 0


def init_command(args: argparse.Namespace) -> int:
    from pxa.config import example_config_text

    file = paths.default_config_file()
    try:
        text = example_config_text()
        paths.private_file(file, exclusive=True)
    except FileExistsError:
        print(f"pxa: {file} already exists; not overwriting it", file=sys.stderr)
        return 1
    except ConfigError as exc:
        return _fail(exc)
    file.write_text(text, encoding="utf-8")
    print(f"wrote {file}")
    return 0


def set_secret_command(args: argparse.Namespace) -> int:
    from pxa.secrets import keyring_backend_name, set_secret

    try:
        if sys.stdin.isatty():
            value = getpass.getpass(f"{args.name}: ")
        else:
            # Piped in (`pass show pve | pxa config set-secret ...`): drop the final newline.
            value = sys.stdin.read().rstrip("\r\n")
    except (EOFError, KeyboardInterrupt):
        print("pxa: cancelled", file=sys.stderr)
        return 1
    try:
        set_secret(args.name, value)
    except ConfigError as exc:
        return _fail(exc)
    print(f"stored {args.name} in the OS keyring ({keyring_backend_name()})")
    _warn_if_env_wins(args.name)
    return 0


def delete_secret_command(args: argparse.Namespace) -> int:
    from pxa.secrets import delete_secret

    try:
        deleted = delete_secret(args.name)
    except ConfigError as exc:
        return _fail(exc)
    print(f"deleted {args.name} from the OS keyring" if deleted else f"{args.name} was not stored")
    _warn_if_env_wins(args.name)
    return 0


def _warn_if_env_wins(name: str) -> None:
    var = SECRET_NAMES[name]
    if os.environ.get(var):
        print(f"note: {var} is set in the environment and wins over the keyring", file=sys.stderr)


def _fail(exc: ConfigError) -> int:
    print(f"pxa: {exc}", file=sys.stderr)
    return 1
