"""`pxa tf "prompt"` and `pxa tf export`: Terraform from words, or from live VMs.

Prints the code highlighted, then the validation score and the security analysis.
With --out DIR the module is written there, all at once and only when it validated.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pxa.cli.common import add_json, console, dump, err, escape, run

if TYPE_CHECKING:
    from pxa.core.context import CallContext
    from pxa.core.infra import Infra

COLOURS = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "tf",
        help="natural language → Terraform (validated, security-checked); `tf export` for live VMs",
        description='pxa tf "a web server with nginx and TLS on ubuntu 24.04" [--out DIR]\n'
        "pxa tf export [--name NAME] [--tag TAG] [--node NODE] [--out DIR]",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("words", nargs="+", metavar="PROMPT", help='the request, or "export"')
    p.add_argument("--provider", choices=("bpg", "telmate"), default="bpg")
    p.add_argument("--out", type=Path, help="write the module to this directory")
    p.add_argument("--replace", action="store_true", help="replace a non-empty --out directory")
    p.add_argument("--env", dest="environment", help="environment, e.g. production")
    p.add_argument("--compliance", action="append", default=[], choices=("CIS", "SOC2"))
    p.add_argument("--name", dest="names", action="append", default=[], help="export: VM name")
    p.add_argument("--tag", dest="tags", action="append", default=[], help="export: VM tag")
    p.add_argument("--node", help="export: only VMs on this node")
    p.add_argument("--quiet", "-q", action="store_true", help="the summary only, not the code")
    add_json(p)
    p.set_defaults(func=cmd_tf)


def cmd_tf(args: argparse.Namespace) -> int:
    exporting = args.words == ["export"]

    async def body(infra: Infra, ctx: CallContext) -> int:
        if exporting:
            payload: dict[str, Any] = {
                "names": args.names,
                "tags": args.tags,
                "node": args.node,
                "provider": args.provider,
            }
            result = await infra.call("terraform.export", payload, ctx)
            model, tokens = "export", 0
        else:
            payload = {
                "prompt": " ".join(args.words),
                "provider": args.provider,
                "context": {
                    "environment": args.environment,
                    "compliance_requirements": args.compliance,
                },
            }
            result = await infra.call("terraform.generate", payload, ctx)
            model, tokens = result.ai_model, result.tokens_used
        code = result.generated_code
        if args.json:
            dump(result)
        else:
            show(code, model, tokens, quiet=args.quiet)
        if args.out is None:
            return 0
        if not code.validation.passed:
            err(f"not written: validation found problems (score {code.validation_score})")
            return 1
        from pxa.iac.files import write_module

        written = write_module(code.files, args.out, replace=args.replace)
        print(f"wrote {len(written)} files to {args.out}", file=sys.stderr if args.json else None)
        return 0

    return run(args, body, autostart_jobs=False)


def show(code: Any, model: str, tokens: int, *, quiet: bool = False) -> None:
    from rich.syntax import Syntax

    out = console()
    if not quiet:
        for name, text in code.files.items():
            out.rule(escape(name))
            lexer = "terraform" if name.endswith(".tf") else "yaml"
            out.print(Syntax(text, lexer, theme="ansi_dark", background_color="default"))
    out.rule("summary")
    colour = "green" if code.validation_score == 100 else "yellow"
    out.print(
        f"[{colour}]validation {code.validation_score}/100[/] {escape(code.validation.explanation)}"
    )
    analysis = code.security_analysis
    verdict = "[green]passed[/]" if analysis.passed else "[red]failed[/]"
    out.print(f"security {verdict} (score {analysis.score}, {len(analysis.issues)} issues)")
    for issue in analysis.issues:
        where = f"{issue.vm}: " if issue.vm else ""
        out.print(
            f"  [{COLOURS.get(issue.severity, 'white')}]{issue.severity:8}[/] {issue.rule_id} "
            f"{escape(where + issue.title)} — {escape(issue.evidence)}"
        )
    for name, result in analysis.compliance.items():
        state = "passed" if result.passed else "failed: " + ", ".join(result.failed_rules)
        out.print(f"  {name}: {len(result.rules_checked)} rules, {state}")
    for line in analysis.recommendations:
        out.print(f"  → {escape(line)}")
    for note in code.notes:
        out.print(f"[dim]note: {escape(note)}[/]")
    if code.unresolved:
        out.print(f"[yellow]not understood: {escape(', '.join(code.unresolved))}[/]")
    out.print(f"[dim]{escape(model)}, {tokens} tokens[/]")
