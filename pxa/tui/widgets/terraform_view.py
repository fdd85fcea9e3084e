"""The Terraform screen: a prompt (or VM names to export) → highlighted files, the
validation score and the security analysis, and a save to a directory.

Generation runs `terraform.generate` (or `terraform.export`) through `app.run_op`, so
errors arrive as the usual toasts naming the field. Saving writes the whole module at
once (`pxa.iac.files.write_module`) and only when the validator found no problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.console import Group
from rich.syntax import Syntax
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static

from pxa.errors import PxaError

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan"}


def code_view(files: dict[str, str]) -> Group:
    parts: list[Any] = []
    for name, text in files.items():
        parts.append(Text(f"── {name} ", style="bold"))
        lexer = "terraform" if name.endswith(".tf") else "yaml"
        parts.append(Syntax(text, lexer, theme="ansi_dark", background_color="default"))
    return Group(*parts)


def summary_view(code: Any) -> Text:
    text = Text()
    ok = code.validation.passed
    text.append(f"validation {code.validation_score}/100  ", style="green" if ok else "yellow")
    text.append(code.validation.explanation + "\n")
    analysis = code.security_analysis
    text.append(
        f"security {'passed' if analysis.passed else 'failed'}",
        style="green" if analysis.passed else "red",
    )
    text.append(f" (score {analysis.score}, {len(analysis.issues)} issues)\n")
    for issue in analysis.issues:
        text.append(f"  {issue.severity:8} ", style=SEVERITY_STYLE.get(issue.severity, ""))
        text.append(f"{issue.rule_id} {(issue.vm + ': ') if issue.vm else ''}{issue.title}\n")
    for name, result in analysis.compliance.items():
        state = "passed" if result.passed else "failed: " + ", ".join(result.failed_rules)
        text.append(f"  {name}: {state}\n")
    for line in analysis.recommendations:
        text.append(f"  → {line}\n")
    for note in code.notes:
        text.append(f"note: {note}\n", style="dim")
    if code.unresolved:
        text.append(f"not understood: {', '.join(code.unresolved)}\n", style="yellow")
    return text


class TerraformScreen(ModalScreen[None]):
    """`mode` "generate" (a prompt) or "export" (VM names, comma-separated)."""

    DEFAULT_CLASSES = "terraform"
    DEFAULT_CSS = """
    TerraformScreen { align: center middle; }
    TerraformScreen .dialog {
        width: 95%; height: 95%; border: round $accent; background: $surface; padding: 0 1;
    }
    TerraformScreen .row { height: auto; }
    TerraformScreen #prompt { width: 1fr; }
    TerraformScreen #provider { width: 16; }
    TerraformScreen #files { height: 1fr; border: solid $panel; }
    TerraformScreen #summary { height: auto; max-height: 12; overflow-y: auto; }
    TerraformScreen #out { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "close", id="terraform-close"),
        Binding("ctrl+s", "save", "save", id="terraform-save"),
    ]

    def __init__(
        self, mode: str = "generate", default_dir: str = "./terraform", text: str = ""
    ) -> None:
        super().__init__()
        self.mode = mode
        self.text = text
        self.default_dir = default_dir
        self.result: Any = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = f"terraform: {self.mode}"
            with Horizontal(classes="row"):
                hint = (
                    "a web server with nginx and TLS on ubuntu 24.04"
                    if self.mode == "generate"
                    else "VM names, comma-separated (empty: every VM)"
                )
                yield Input(self.text, placeholder=hint, id="prompt")
                yield Select(
                    [("bpg", "bpg"), ("telmate", "telmate")],
                    value="bpg",
                    allow_blank=False,
                    id="provider",
                )
                yield Button("Generate" if self.mode == "generate" else "Export", id="run")
            with VerticalScroll(id="files"):
                yield Static("", id="code")
            yield Static("", id="summary")
            with Horizontal(classes="row"):
                yield Input(value=self.default_dir, id="out")
                yield Button("Save", id="save", variant="primary", disabled=True)
                yield Button("Close", id="close")

    def on_mount(self) -> None:
        self.query_one("#prompt", Input).focus()

    @on(Input.Submitted, "#prompt")
    @on(Button.Pressed, "#run")
    def _run(self) -> None:
        self.generate()

    @on(Button.Pressed, "#save")
    def _save(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#close")
    def _close(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.dismiss(None)

    @work(exclusive=True, group="terraform")
    async def generate(self) -> None:
        text = self.query_one("#prompt", Input).value.strip()
        provider = str(self.query_one("#provider", Select).value)
        if self.mode == "export":
            names = [n.strip() for n in text.split(",") if n.strip()]
            name, args = "terraform.export", {"names": names, "provider": provider}
        else:
            name, args = "terraform.generate", {"prompt": text, "provider": provider}
        self.query_one("#summary", Static).update(Text("generating…", style="dim"))
        result = await self.app.run_op(name, args)  # type: ignore[attr-defined]
        if result is None:  # the error was a toast
            self.query_one("#summary", Static).update("")
            return
        self.show(result)

    def show(self, result: Any) -> None:
        self.result = result
        code = result.generated_code
        self.query_one("#code", Static).update(code_view(code.files))
        self.query_one("#summary", Static).update(summary_view(code))
        self.query_one("#save", Button).disabled = not code.validation.passed

    def action_save(self) -> None:
        if self.result is None or not self.result.generated_code.validation.passed:
            self.notify("nothing valid to save yet", severity="warning")
            return
        from pxa.iac.files import write_module

        target = Path(self.query_one("#out", Input).value.strip() or self.default_dir)
        try:
            written = write_module(self.result.generated_code.files, target)
        except PxaError as exc:
            self.notify(exc.message, title="terraform: save", severity="error", markup=False)
            return
        self.notify(
            f"wrote {len(written)} files to {target}", title="terraform: save", markup=False
        )


def selected_vm_names(app: Any) -> list[str]:
    """The VMs marked (or under the cursor) in the VMs pane, for export; QEMU VMs only."""
    table = getattr(getattr(app, "current_pane", None), "table", None)
    if table is None or not hasattr(table, "selected_ids"):
        return []
    vms = table.rows.vms
    return [vms[i].name for i in table.selected_ids() if i.startswith("vm-") and i in vms]


def open_terraform(app: Any, mode: str = "generate") -> None:
    text = ", ".join(selected_vm_names(app)) if mode == "export" else ""
    app.push_screen(TerraformScreen(mode, text=text))
