"""What the TUI tests share: the fixed settings, waiting for the shell, its notifications."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from pxa.config import Settings
    from pxa.tui.app import PxaApp


def tui_settings(**sections: dict[str, Any]) -> Settings:
    """Defaults, the API off and the default theme; `sections` override per test."""
    from pxa.config import Settings

    data: dict[str, dict[str, Any]] = {"api": {"enabled": False}, "ui": {"theme": "proxmox-dark"}}
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return Settings.model_validate(data)


async def settle(pilot: Pilot, until: Callable[[], bool] | None = None, rounds: int = 200) -> None:
    """Let workers finish and messages drain until the shell is connected (and `until`)."""
    app: PxaApp = pilot.app  # type: ignore[assignment]

    def ready() -> bool:
        if app.core.infra is None or not str(app.query_one("#cluster").content):
            return False
        return until() if until else True

    for _ in range(rounds):
        # Operations may be waiting for a modal the test answers: wait for the others only.
        others = [w for w in app.workers if w.group != "ops"]
        if others:
            await app.workers.wait_for_complete(others)
        await pilot.pause()
        if ready():
            return
        await pilot.pause(0.02)
    raise AssertionError("the TUI did not settle")


async def notifications(pilot: Pilot) -> list[Any]:
    """The notifications shown so far (after the pending ones are processed)."""
    await pilot.pause()
    return list(pilot.app._notifications)
