"""Peak memory (RSS high-water mark) of the TUI with 10,000 VMs, against an empty Textual app.

A sandbox with N VMs (default 10,000) runs in this process; each measured program is a
fresh child process, headless at 120×40, that runs until it has drawn its first screen
with rows and then done what a session does with them — two inventory refreshes (the rows
updated in place), paging down, a filter typed and cleared — and then reports its own
VmHWM (/proc/self/status: the peak resident set). Children measured:
  - an empty Textual app (the baseline),
  - the whole pxa shell on the seed lab (27 VMs),
  - the whole pxa shell with N VMs, the /v1 API off,
  - the whole pxa shell with N VMs and the embedded /v1 API on (the default configuration).

    .venv/bin/python bench/tui_rss.py [--vms 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from tui_vms import SIZE, _infra, _pxa_app_class, start_sandbox

TARGET_MB = 200


def peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def say(mb: float) -> None:
    sys.stdout.write(json.dumps({"peak_mb": mb}) + "\n")
    sys.stdout.flush()
    os._exit(0)


def child(kind: str, sandbox_file: str) -> None:
    from textual.app import App

    if kind == "empty":

        class Empty(App[None]):
            def post_display_hook(self) -> None:
                say(peak_mb())

        Empty().run(headless=True, size=SIZE)
        return

    from pxa.config import Settings

    api = kind == "pxa-api"
    settings = Settings.model_validate(
        {"api": {"enabled": api, "port": 0}, "ui": {"theme": "proxmox-dark"}}
    )
    info = json.loads(Path(sandbox_file).read_text())
    infra = _infra(info, Path(tempfile.mkdtemp(prefix="pxa-bench-rss-")))
    started = False

    class Session(_pxa_app_class(alone=False)):  # type: ignore[misc]
        def post_display_hook(self) -> None:
            nonlocal started
            pane = self.panes.get("vms")
            if not started and pane is not None and pane.table.paints:
                started = True
                self.run_worker(self.session(), exclusive=False)

        async def session(self) -> None:
            pane = self.panes["vms"]
            for _ in range(2):
                await infra.inventory.refresh()
                await asyncio.sleep(0.3)
            for _ in range(20):
                await self._press("pagedown")
            await self._press("home")
            await self._press("slash")
            for ch in "web-s":
                await self._press(ch, ch)
            await asyncio.sleep(0.3)
            await self._press("escape")
            await asyncio.sleep(0.3)
            assert pane.table.paints
            say(peak_mb())

        async def _press(self, key: str, char: str | None = None) -> None:
            from textual import events

            event = events.Key(key, char)
            event.set_sender(self)
            self._driver.send_message(event)
            await asyncio.sleep(0.02)

    Session(settings, infra=infra, api=api).run(headless=True, size=SIZE)


def measure(kind: str, sandbox_file: Path) -> float:
    command = [sys.executable, __file__, "--child", kind, "--sandbox", str(sandbox_file)]
    out = subprocess.run(command, capture_output=True, text=True, timeout=300)
    for line in out.stdout.splitlines():
        if line.startswith("{"):
            return float(json.loads(line)["peak_mb"])
    raise RuntimeError(f"{kind}: no figure\n{out.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vms", type=int, default=10_000)
    parser.add_argument("--child", choices=("empty", "pxa", "pxa-api"), help=argparse.SUPPRESS)
    parser.add_argument("--sandbox", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.sandbox)
        return
    root = Path(tempfile.mkdtemp(prefix="pxa-bench-rss-"))
    figures: dict[str, float] = {}
    server, sandbox_file, _ = start_sandbox(root / "lab", None)
    try:
        figures["empty Textual app"] = measure("empty", sandbox_file)
        figures["pxa shell, the lab (27 VMs)"] = measure("pxa", sandbox_file)
    finally:
        server.stop()
    server, sandbox_file, _ = start_sandbox(root / "big", args.vms)
    try:
        figures[f"pxa shell, {args.vms:,} VMs"] = measure("pxa", sandbox_file)
        figures[f"pxa shell + /v1, {args.vms:,} VMs"] = measure("pxa-api", sandbox_file)
    finally:
        server.stop()
    base = figures["empty Textual app"]
    print("peak RSS (VmHWM) of a fresh process: first paint, 2 refreshes, paging, a filter")
    for label, mb in figures.items():
        print(f"  {label:<32}{mb:7.0f} MB   {mb / base:5.2f}x the empty app")
    worst = max(figures.values())
    verdict = "met" if worst <= TARGET_MB else "NOT met"
    print(f"  target: <= {TARGET_MB} MB with {args.vms:,} VMs: {verdict}")


if __name__ == "__main__":
    main()
