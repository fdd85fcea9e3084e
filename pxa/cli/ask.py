"""`pxa ask "…"` and `pxa chat …`: the assistant on the command line, and its conversations.

`pxa ask` streams the answer, shows each tool call and its result in a line, and ends with
the turn's and the session's token usage and cost. Every call goes through the core's gate
as actor `chat`, exactly as in the TUI's chat panel.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from typing import TYPE_CHECKING, Any

from pxa.cli.common import add_json, err, run

if TYPE_CHECKING:
    from pxa.ai.events import AgentEvent
    from pxa.core.context import CallContext, ConfirmationRequest
    from pxa.core.infra import Infra

ASK_HELP = """\
Confirmation: reads run at once. A change asks "proceed? [y/N]" on the terminal, and a
destructive one (delete, rollback, hard stop) wants the resource's name typed back.
Without a terminal (a script, a pipe) changes are refused unless --yes is given; --yes
confirms writes, and a destructive call also needs the resource's name written in your
request (pxa ask --yes "delete db-03"). Read-only mode (--read-only) refuses every change.

Without an Anthropic key (pxa config set-secret anthropic.api_key, or ANTHROPIC_API_KEY)
pxa ask still understands everyday commands offline: "list running production vms",
"start web-server-01", "snapshot db-01 before the upgrade", "show failed jobs".
"""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "ask",
        help="ask the assistant to look at or change the cluster in plain language",
        description="Ask the assistant (Claude, or the offline intent parser without a key).",
        epilog=ASK_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("request", nargs="+", help="what you want, in plain language")
    p.add_argument("--yes", "-y", action="store_true", help="confirm changes (see below)")
    p.add_argument("--session", metavar="ID", help="carry on a saved conversation")
    p.add_argument("--offline", action="store_true", help="use the offline parser, not Claude")
    p.set_defaults(func=cmd_ask)

    chat = sub.add_parser("chat", help="saved conversations: list, show, export, delete")
    cmds = chat.add_subparsers(dest="chat_command", metavar="ACTION", required=True)
    c = cmds.add_parser("list", help="conversations, most recent first")
    c.add_argument("--limit", type=int, default=20)
    add_json(c)
    c.set_defaults(func=cmd_list)
    c = cmds.add_parser("show", help="a conversation as Markdown")
    c.add_argument("session_id")
    c.set_defaults(func=cmd_export)
    c = cmds.add_parser("export", help="write a conversation as Markdown")
    c.add_argument("session_id")
    c.add_argument("-o", "--output", metavar="FILE", help="default: <session id>.md")
    c.set_defaults(func=cmd_export)
    c = cmds.add_parser("delete", help="delete a conversation")
    c.add_argument("session_id")
    c.set_defaults(func=cmd_delete)


# --- pxa ask --------------------------------------------------------------------------------


def cmd_ask(args: argparse.Namespace) -> int:
    text = " ".join(args.request).strip()
    if not text:
        err('say what you want: pxa ask "list running vms"')
        return 2

    async def body(infra: Infra, ctx: CallContext) -> int:
        from pxa.ai.factory import open_agent
        from pxa.cli.common import spawn_job_runner
        from pxa.config import load_settings

        agent = open_agent(
            infra,
            load_settings(),
            confirm=confirmer(args, text),
            session_id=args.session,
            offline=args.offline,
        )
        printer = Printer()
        try:
            finished = await agent.turn(text, printer)
        finally:
            await agent.close()
        printer.end_line()
        print(f"{finished.line}", file=sys.stderr)
        print(
            f"session {agent.session_id} (carry on: pxa ask --session {agent.session_id} …)",
            file=sys.stderr,
        )
        for job_id in agent.executor.started_jobs:  # type: ignore[attr-defined]
            if not infra.jobs.get(job_id).status.finished:
                spawn_job_runner(job_id)  # finishes after this command exits
        return 1 if printer.failed else 0

    return run(args, body)


class Printer:
    """Writes a turn's events to the terminal as they come."""

    def __init__(self) -> None:
        self.failed = False
        self._mid_line = False

    def __call__(self, event: AgentEvent) -> None:
        from pxa.ai.events import Notice, TextDelta, ToolFinished, ToolStarted

        if isinstance(event, TextDelta):
            sys.stdout.write(event.text)
            sys.stdout.flush()
            self._mid_line = not event.text.endswith("\n")
        elif isinstance(event, ToolStarted):
            self.end_line()
            print(f"→ {event.operation} {_args(event.arguments)}".rstrip(), flush=True)
        elif isinstance(event, ToolFinished):
            mark = "✗" if event.is_error else "✓"
            print(f"  {mark} {event.summary}", flush=True)
        elif isinstance(event, Notice):
            self.end_line()
            if event.level == "error":
                self.failed = True
                err(event.text)
            else:
                print(f"note: {event.text}", file=sys.stderr)

    def end_line(self) -> None:
        if self._mid_line:
            print()
            self._mid_line = False


def _args(arguments: dict[str, Any]) -> str:
    return " ".join(f"{k}={v}" for k, v in arguments.items() if v is not None)


def confirmer(args: argparse.Namespace, request_text: str) -> Any:
    """Ask on the terminal; without one, --yes confirms writes and a destructive call only
    when the person named its resource in the request."""
    from pxa.errors import ConfirmationRefused
    from pxa.models.common import Risk

    interactive = sys.stdin.isatty()

    async def confirm(req: ConfirmationRequest) -> bool | str:
        name = req.resource_name or req.resource or ""
        if req.risk is Risk.destructive:
            if interactive:
                _show(req)
                return (await asyncio.to_thread(input, f"{req.prompt}: ")).strip()
            if (
                args.yes
                and name
                and re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", request_text)
            ):
                return name
            raise ConfirmationRefused(
                f"{req.title} {name} is destructive: run pxa ask in a terminal to type the "
                "name, or pass --yes and name it in your request"
            )
        if args.yes:
            return True
        if not interactive:
            raise ConfirmationRefused(
                f"{req.title} needs confirmation: run pxa ask in a terminal, or pass --yes"
            )
        _show(req)
        answer = await asyncio.to_thread(input, f"{req.prompt} [y/N] ")
        return answer.strip().lower() in ("y", "yes")

    return confirm


def _show(req: ConfirmationRequest) -> None:
    print(f"\n{req.title}: {req.summary}", file=sys.stderr)
    for key, value in req.arguments.items():
        if value is not None:
            print(f"  {key} = {value}", file=sys.stderr)


# --- pxa chat -------------------------------------------------------------------------------


def _repo() -> Any:
    from pxa.paths import data_dir
    from pxa.store.conversations import ConversationRepo
    from pxa.store.db import Database

    return ConversationRepo(Database(data_dir() / "pxa.db"))


def _local(body: Any) -> int:
    from pxa.errors import PxaError

    try:
        return int(body() or 0)
    except PxaError as exc:
        err(exc.message)
        return 1


def cmd_list(args: argparse.Namespace) -> int:
    def body() -> int:
        sessions = _repo().list(limit=args.limit)
        if args.json:
            from pxa.cli.common import dump

            dump([s.model_dump(mode="json") for s in sessions])
            return 0
        if not sessions:
            print('no conversations yet: pxa ask "…" starts one')
        for s in sessions:
            cost = f"${s.cost_usd:.4f}" if s.cost_usd is not None else "-"
            print(
                f"{s.id:<14} {s.updated_at:%Y-%m-%d %H:%M}  {s.messages:>3} msgs  "
                f"{cost:>9}  {s.model:<18} {s.title}"
            )
        return 0

    return _local(body)


def cmd_export(args: argparse.Namespace) -> int:
    def body() -> int:
        from pathlib import Path

        from pxa.ai.export import to_markdown

        repo = _repo()
        text = to_markdown(repo.get(args.session_id), repo.messages(args.session_id))
        if args.chat_command == "show":
            sys.stdout.write(text)
            return 0
        out = Path(args.output or f"{args.session_id}.md")
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
        return 0

    return _local(body)


def cmd_delete(args: argparse.Namespace) -> int:
    def body() -> int:
        _repo().delete(args.session_id)
        print(f"deleted {args.session_id}")
        return 0

    return _local(body)
