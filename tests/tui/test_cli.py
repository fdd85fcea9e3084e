"""`pxa tui`: its options reach the app; `pxa --help` stays free of Textual."""

from __future__ import annotations

from typing import Any

import pytest

from pxa.cli.main import build_parser, main


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record the PxaApp that `pxa tui` would run, instead of running it."""
    from pxa.tui.app import PxaApp

    apps: list[Any] = []

    def run(self: PxaApp, *args: Any, **kwargs: Any) -> int:
        apps.append(self)
        return 0

    monkeypatch.setattr(PxaApp, "run", run)
    monkeypatch.setattr("pxa.cli.tui._log_to_file", lambda: None)
    return apps


def test_pxa_tui_takes_its_options() -> None:
    args = build_parser().parse_args(
        ["tui", "--read-only", "--sandbox-vms", "12", "--theme", "nord", "--no-api"]
    )
    assert args.func.__name__ == "cmd_tui"
    assert (args.tui_read_only, args.sandbox_vms, args.theme, args.no_api) == (
        True,
        12,
        "nord",
        True,
    )


def test_the_options_reach_the_app(launched: list[Any]) -> None:
    assert main(["tui", "--read-only", "--sandbox-vms", "12", "--theme", "nord", "--no-api"]) == 0
    (app,) = launched
    assert app.settings.sandbox.vms == 12
    assert app.read_only and not app.api_wanted
    assert app._wanted_theme == "nord"


def test_the_global_read_only_flag_counts_too(launched: list[Any]) -> None:
    assert main(["--read-only", "tui"]) == 0
    assert launched[0].read_only and launched[0].api_wanted


def test_an_impossible_vm_count_is_one_error_line(
    launched: list[Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["tui", "--sandbox-vms", "0"]) == 1
    assert capsys.readouterr().err.startswith("error: --sandbox-vms: ")
    assert launched == []


def test_bare_pxa_on_a_terminal_opens_the_tui_with_its_options(
    launched: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["--sandbox-vms", "40", "--theme", "light"]) == 0
    (app,) = launched
    assert app.settings.sandbox.vms == 40 and app._wanted_theme == "light"


def test_bare_pxa_piped_prints_the_summary_instead(
    launched: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    summaries: list[Any] = []
    monkeypatch.setattr("pxa.cli.cluster.summary", lambda args: summaries.append(args) or 0)
    assert main([]) == 0
    assert launched == [] and len(summaries) == 1


def test_options_before_the_tui_command_are_kept(launched: list[Any]) -> None:
    assert main(["--theme", "nord", "tui", "--no-api"]) == 0
    assert launched[0]._wanted_theme == "nord" and not launched[0].api_wanted
