"""`pxa tui`: the terminal UI, with the /v1 API served inside it."""

from __future__ import annotations

import argparse

from pxa.cli.common import err


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tui", help="open the terminal UI (serves the /v1 API too)")
    p.add_argument(
        "--read-only",
        dest="tui_read_only",
        action="store_true",
        help="refuse every operation that changes anything",
    )
    add_options(p, default=argparse.SUPPRESS)
    p.set_defaults(func=cmd_tui)


def add_options(parser: argparse.ArgumentParser, default: object = None) -> None:
    """The TUI's options, on `pxa tui` and on bare `pxa` (which opens it on a terminal).

    Under `pxa tui` they default to SUPPRESS so `pxa --theme nord tui` keeps the theme.
    """
    parser.add_argument(
        "--sandbox-vms",
        type=int,
        metavar="N",
        default=default,
        help="a sandbox lab of N VMs (sandbox.vms); each size is a world of its own",
    )
    parser.add_argument(
        "--theme", default=default, help="colour theme (ui.theme): proxmox-dark, light, nord, ..."
    )
    parser.add_argument(
        "--no-api", action="store_true", default=default, help="do not serve the /v1 API"
    )


def cmd_tui(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from pxa.config import load_settings
    from pxa.errors import ConfigError

    try:
        settings = load_settings()
        vms = getattr(args, "sandbox_vms", None)
        if vms is not None:
            settings.sandbox.vms = vms
    except ConfigError as exc:
        err(exc.message)
        return 1
    except ValidationError as exc:
        err(f"--sandbox-vms: {exc.errors()[0]['msg']}")
        return 1
    _log_to_file()
    from pxa.tui.app import PxaApp

    app = PxaApp(
        settings,
        read_only=bool(getattr(args, "read_only", False) or getattr(args, "tui_read_only", False)),
        theme=getattr(args, "theme", None),
        api=False if getattr(args, "no_api", False) else None,
    )
    return int(app.run() or 0)


def _log_to_file() -> None:
    """The terminal belongs to Textual: pxa's own logs go to <data dir>/logs/tui.log."""
    import logging

    from pxa.paths import data_dir, ensure_private_dir, private_file

    handler = logging.FileHandler(private_file(ensure_private_dir(data_dir() / "logs") / "tui.log"))
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
