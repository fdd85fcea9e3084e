"""`pxa` entry point: builds the argparse tree from the command modules and dispatches.

argparse (not click/typer) keeps `pxa --help` free of heavy imports; each command module
imports what it needs inside its handler.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pxa import __version__

# Each module exposes `register(subparsers)`; handlers are set with `set_defaults(func=...)`.
COMMAND_MODULES = (
    "pxa.cli.cluster",
    "pxa.cli.vm",
    "pxa.cli.job",
    "pxa.cli.network",
    "pxa.cli.storage",
    "pxa.cli.backup",
    "pxa.cli.metrics",
    "pxa.cli.scan",
    "pxa.cli.serve",
    "pxa.cli.sandbox",
    "pxa.cli.config",
    "pxa.cli.tui",
    "pxa.cli.ask",
    "pxa.cli.tf",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pxa",
        description="Proxmox AI infrastructure assistant. With no command it opens the "
        "terminal UI (piped: prints the cluster summary). With no configuration it runs "
        "against the built-in sandbox cluster.",
    )
    parser.add_argument("--version", action="version", version=f"pxa {__version__}")
    parser.add_argument(
        "--read-only", action="store_true", help="refuse every operation that changes anything"
    )
    from pxa.cli.tui import add_options

    add_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a command group not built yet
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        # No subcommand: the terminal UI on a terminal; piped, the cluster summary.
        if sys.stdin.isatty() and sys.stdout.isatty():
            from pxa.cli.tui import cmd_tui

            return cmd_tui(args)
        from pxa.cli.cluster import summary

        return summary(args)
    return int(func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
