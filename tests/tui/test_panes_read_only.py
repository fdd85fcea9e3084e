"""Read-only mode hides the keys of writes on the six panes; reads stay (a scan only reads)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from .helpers import settle

SIZE = (120, 40)
# pane number → (keys of writes, hidden in read-only mode; keys that stay)
KEYS = {
    "2": ({"n", "e", "d", "a", "x"}, {"r"}),
    "3": ({"n", "u"}, {"t", "o", "r"}),
    "4": ({"c", "o", "d", "s"}, {"f", "r"}),
    "5": ({"c"}, {"f", "r"}),
    "6": ({"x"}, {"s", "r"}),
    "7": (set(), {"h", "d", "w", "m", "v", "r"}),
}


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from pxa.sandbox.server import SandboxServer

    server = SandboxServer(tmp_path_factory.mktemp("sandbox"), seed=42, speed=40.0)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize("read_only", [False, True], ids=["read-write", "read-only"])
async def test_write_keys_show_only_when_writes_are_allowed(
    make_app, infra_factory: Callable[..., Any], read_only: bool
) -> None:
    app = make_app(infra=infra_factory(read_only=read_only))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for number, (writes, reads) in KEYS.items():
            await pilot.press(number)
            await pilot.pause()
            active = set(app.screen.active_bindings)
            assert reads <= active, app.current_pane.pane_id
            if read_only:
                assert not writes & active, app.current_pane.pane_id
            else:
                assert writes <= active, app.current_pane.pane_id
