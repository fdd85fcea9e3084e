"""The TUI under Pilot over a real sandbox (seed 42), with a fixed configuration.

`make_app` builds a PxaApp on the test's core (from `make_infra`), the API off unless asked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .helpers import tui_settings

if TYPE_CHECKING:
    from pxa.config import Settings
    from pxa.core.infra import Infra
    from pxa.sandbox.server import SandboxServer
    from pxa.tui.app import PxaApp


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """The suite's sandbox, with its seed pinned: screenshots depend on the lab."""
    from pxa.sandbox.server import SandboxServer

    server = SandboxServer(tmp_path / "sandbox", seed=42, speed=40.0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_app(infra: Infra) -> Callable[..., PxaApp]:
    def make(settings: Settings | None = None, **kwargs: Any) -> PxaApp:
        from pxa.tui.app import PxaApp

        kwargs.setdefault("api", False)
        return PxaApp(settings or tui_settings(), infra=kwargs.pop("infra", infra), **kwargs)

    return make
