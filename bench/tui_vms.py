"""The VMs pane at scale: time to first paint, and keypress → repaint latency.

Starts a sandbox with N VMs (default 10,000) on loopback, then measures, in the same run,
headless at 120×40 (Textual's headless driver: everything but writing to a terminal):

First paint: from launching a fresh Python process to its first screen update that shows
rows, as a person starting the program would see it (interpreter, imports, the core
reading and mapping every VM from the sandbox, the app drawing), median of --rounds:
  - no UI at all: pxa's imports and the core reading and mapping every VM (the floor),
  - an empty Textual app (the baseline),
  - the VMs pane alone in pxa's app (no other panes),
  - the whole pxa shell (header, tabs, seven panes, footer) showing the VMs pane,
  - Textual's stock DataTable holding the same rows (for reference);
each with the seed lab (27 VMs) and with N VMs, so what the rows themselves cost shows.

Latency, in one running pxa app with N VMs: a key is handed to the app as the terminal
driver would, and the time to the next screen update is taken: page down ×50, and typing
a 5-character filter (each key filters all N rows). Then an inventory refresh → the rows
updated on screen, and the table's own share of it (updating every row in place). p50, p95.

Figures only, no assertions.

    .venv/bin/python bench/tui_vms.py [--vms 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SIZE = (120, 40)
KINDS = {
    "core": "no UI: read + map VMs",
    "empty": "empty Textual app",
    "pane": "VMs pane alone",
    "pxa": "pxa shell, VMs pane",
    "datatable": "stock DataTable",
}


# --- the child process: start, paint once, say so, exit --------------------------------------


def child(kind: str, sandbox_file: str) -> None:
    """Imports happen here, inside the measured time; nothing pxa for the empty app."""
    from textual.app import App

    def painted_line() -> None:
        sys.stdout.write("painted\n")
        sys.stdout.flush()
        os._exit(0)

    if kind == "empty":

        class Empty(App[None]):
            def post_display_hook(self) -> None:
                painted_line()

        Empty().run(headless=True, size=SIZE)
        return

    info = json.loads(Path(sandbox_file).read_text())
    infra = _infra(info, Path(tempfile.mkdtemp(prefix="pxa-bench-child-")))
    if kind == "core":  # the floor under any UI: pxa's imports, the core reading every VM
        import pxa.tui.app  # noqa: F401

        asyncio.run(infra.inventory.refresh())
        infra.inventory.vms()
        painted_line()
    if kind == "datatable":
        from textual.widgets import DataTable

        from pxa.tui.widgets.vm_rows import cell_text

        asyncio.run(infra.inventory.refresh())
        keys = ("name", "id", "node", "status", "environment", "uptime", "ip", "tags", "lock")
        rows = [tuple(cell_text(v, k) for k in keys) for v in infra.inventory.vms()]

        class Table(App[None]):
            def compose(self) -> Any:
                yield DataTable()

            def on_mount(self) -> None:
                table = self.query_one(DataTable)
                table.add_columns(*keys)
                table.add_rows(rows)

            def post_display_hook(self) -> None:
                if self.query_one(DataTable).row_count:
                    painted_line()

        Table().run(headless=True, size=SIZE)
        return

    app_class = _pxa_app_class(alone=kind == "pane")

    class Painted(app_class):  # type: ignore[misc,valid-type]
        def post_display_hook(self) -> None:
            pane = self.panes.get("vms")
            if pane is not None and pane.table.paints:
                painted_line()

    Painted(_settings(), infra=infra, api=False).run(headless=True, size=SIZE)


def _infra(info: dict[str, Any], tmp: Path) -> Any:
    from pxa.core.infra import Infra
    from pxa.proxmox.adapter import ProxmoxAdapter
    from pxa.proxmox.client import PveClient, PveTarget
    from pxa.store.db import Database

    user, _, token = info["token_id"].partition("!")
    target = PveTarget(
        host=info["host"],
        port=info["port"],
        user=user,
        token_name=token,
        token_secret=info["token_secret"],
        ca_cert=Path(info["ca_cert"]),
        timeout=60,
    )
    # No background refresh during a measurement: each would re-map every VM.
    return Infra(ProxmoxAdapter(PveClient(target)), Database(tmp / "pxa.db"), refresh_seconds=3600)


def _settings() -> Any:
    from pxa.config import Settings

    return Settings.model_validate({"api": {"enabled": False}, "ui": {"theme": "proxmox-dark"}})


def _pxa_app_class(*, alone: bool) -> type:
    import pxa.tui.app
    from pxa.tui.app import PxaApp

    class BenchApp(PxaApp):
        CSS_PATH = Path(pxa.tui.app.__file__).with_name("pxa.tcss")  # not relative to bench/

        def compose(self) -> Any:
            if not alone:
                yield from super().compose()
                return
            from textual.widgets import Footer

            from pxa.tui.panes.vms import VmsPane

            pane = VmsPane(id="vms")
            self.panes["vms"] = pane
            yield pane
            yield Footer()

    return BenchApp


# --- the parent: sandbox, children, latency ------------------------------------------------


def first_paint(kind: str, sandbox_file: Path) -> float:
    command = [sys.executable, __file__, "--child", kind, "--sandbox", str(sandbox_file)]
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        line = process.stdout.readline() if process.stdout else ""
        elapsed = time.perf_counter() - start
        process.wait(timeout=60)
    if line.strip() != "painted":
        raise RuntimeError(f"{kind}: the child did not paint")
    return elapsed


async def wait_until(done: Any, what: str, timeout: float = 60.0) -> None:
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{what}: nothing after {timeout:.0f} s")
        await asyncio.sleep(0.0002)


async def latency(
    info: dict[str, Any], tmp: Path
) -> tuple[list[float], list[float], list[float], list[float], str]:
    from textual import events

    infra = _infra(info, tmp)
    await infra.inventory.refresh()
    displays = [0, 0.0]

    class Timed(_pxa_app_class(alone=False)):  # type: ignore[misc]
        def post_display_hook(self) -> None:
            displays[0] += 1
            displays[1] = time.perf_counter()

    app = Timed(_settings(), infra=infra, api=False, cursor_blink=False)

    async def key(name: str, char: str | None = None) -> float:
        before, start = displays[0], time.perf_counter()
        event = events.Key(name, char)
        event.set_sender(app)
        app._driver.send_message(event)  # what the terminal driver does with a key
        await wait_until(lambda: displays[0] > before, f"a repaint after {name!r}", 5)
        return float(displays[1]) - start

    try:
        async with app.run_test(size=SIZE) as pilot:
            pane = app.panes["vms"]
            await wait_until(lambda: pane.loaded and not pane.busy, "the VMs pane to settle")
            await pilot.pause()
            pages = []
            for _ in range(50):
                pages.append(await key("pagedown"))
            await pilot.press("home", "slash")
            await wait_until(lambda: not pane.busy, "the VMs pane to settle")
            await pilot.pause()
            names = sorted(pane.table.rows.vms[i].name for i in pane.table.rows.order)
            text = names[len(names) // 2][:5]  # 5 characters that match something
            typing = [await key(ch, ch) for ch in text]
            shown = len(pane.table.rows.order)
            await pilot.press("escape")
            update_vms, in_place = pane.table.update_vms, []

            def timed_update(vms: Any) -> None:
                started = time.perf_counter()
                update_vms(vms)
                in_place.append(time.perf_counter() - started)

            pane.table.update_vms = timed_update  # type: ignore[method-assign]
            refreshes = []
            for _ in range(5):
                await wait_until(lambda: not pane.busy, "the VMs pane to settle")
                await pilot.pause()
                rows_from, start = pane._rows_from, time.perf_counter()
                await infra.inventory.refresh()  # read, map, publish; the pane updates in place
                await wait_until(lambda r=rows_from: pane._rows_from != r, "the rows to update", 10)
                before = displays[0]
                await wait_until(lambda b=before: displays[0] > b, "a repaint after the update", 5)
                refreshes.append(float(displays[1]) - start)
    finally:
        await infra.close()
    return pages, typing, refreshes, in_place, f"{text!r} → {shown} rows"


def quantiles(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms   (n={len(ms)})"


def start_sandbox(tmp: Path, vms: int | None) -> tuple[Any, Path, dict[str, Any]]:
    from pxa.sandbox.server import SandboxServer

    server = SandboxServer(tmp / "sandbox", vms=vms, speed=50)
    info = server.start()
    details = {
        "host": info.host,
        "port": info.port,
        "token_id": info.token_id,
        "token_secret": info.token_secret,
        "ca_cert": str(info.ca_cert),
    }
    sandbox_file = tmp / "sandbox.json"
    sandbox_file.write_text(json.dumps(details))
    return server, sandbox_file, details


def paint_times(sandbox_file: Path, rounds: int, kinds: list[str]) -> dict[str, float]:
    for kind in kinds:  # warm the OS caches (bytecode, files) once
        first_paint(kind, sandbox_file)
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for _ in range(rounds):
        for kind in kinds:
            times[kind].append(first_paint(kind, sandbox_file))
    return {kind: statistics.median(samples) for kind, samples in times.items()}


def measure(vms: int, rounds: int) -> None:
    root = Path(tempfile.mkdtemp(prefix="pxa-bench-"))
    server, sandbox_file, _ = start_sandbox(root / "lab", None)
    try:
        lab = paint_times(sandbox_file, rounds, list(KINDS))
    finally:
        server.stop()
    server, sandbox_file, details = start_sandbox(root / "big", vms)
    try:
        big = paint_times(sandbox_file, rounds, list(KINDS))
        pages, typing, refreshes, in_place, filtered = asyncio.run(latency(details, root / "big"))
    finally:
        server.stop()

    base = big["empty"]
    print(
        f"first paint: process start → first screen with rows; headless 120×40, median of {rounds}"
    )
    print(f"  {'':<26}{'the lab (27 VMs)':>18}{f'{vms:,} VMs':>18}   vs empty app")
    for kind, label in KINDS.items():
        print(
            f"  {label:<26}{lab[kind] * 1000:15.0f} ms{big[kind] * 1000:15.0f} ms"
            f"   {big[kind] / base:5.2f}x"
        )
    print(f"keypress → repaint, whole pxa shell, {vms:,} VMs")
    print(f"  page down ×50             {quantiles(pages)}")
    print(f"  filter, 5 keys            {quantiles(typing)}   {filtered}")
    print(f"  inventory refresh → rows  {quantiles(refreshes)}   (all of it, see below)")
    print(f"    of which the table's    {quantiles(in_place)}   (every row updated in place)")
    print("    the rest: the in-process sandbox serving every VM, the core mapping them all")
    paint, keys = big["pxa"] / base, _p95(pages + typing)
    print(
        f"targets (issue 9): first paint <= 1.3x the empty app: {paint:.2f}x "
        f"{'met' if paint <= 1.3 else 'NOT met'}; keypress p95 <= 33 ms: {keys:.1f} ms "
        f"{'met' if keys <= 33 else 'NOT met'} (page down and filter keys together)"
    )


def _p95(samples: list[float]) -> float:
    ms = sorted(s * 1000 for s in samples)
    return ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--child", choices=sorted(KINDS), help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.sandbox)
    else:
        measure(args.vms, args.rounds)


if __name__ == "__main__":
    main()
