"""`pxa sandbox`: run the simulated cluster in the foreground; `status` and `stop`.

Heavy imports (uvicorn, cryptography) happen inside the handlers, so `pxa --help`
stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pxa.sandbox.server import SandboxInfo


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "sandbox",
        help="run the built-in simulated Proxmox VE cluster",
        description="Run the simulated Proxmox VE cluster in the foreground "
        "(Ctrl-C stops it), or query/stop the one serving a state dir.",
    )
    _common(p)
    p.add_argument("--host", default="127.0.0.1", help=argparse.SUPPRESS)
    p.add_argument("--port", type=int, default=0, help="listen port (default: a free one)")
    p.add_argument("--vms", type=int, default=None, help="number of QEMU VMs (max 10000)")
    p.add_argument("--seed", type=int, default=None, help="seed of the generated lab (42)")
    p.add_argument(
        "--speed", type=float, default=1.0, help="divide realistic task durations by this factor"
    )
    p.add_argument("--reset", action="store_true", help="discard the saved world first")
    p.add_argument("--latency-ms", type=int, default=0, help="delay every API reply")
    p.add_argument(
        "--error-rate", type=float, default=0.0, help="fraction of API requests that fail with 500"
    )
    p.add_argument(
        "--offline-node",
        action="append",
        default=[],
        metavar="NAME",
        help="simulate an unreachable node (repeatable)",
    )
    p.set_defaults(func=run_foreground)
    actions = p.add_subparsers(dest="sandbox_command", metavar="ACTION")
    status = actions.add_parser("status", help="show the sandbox serving the state dir")
    _common(status)
    status.set_defaults(func=show_status)
    stop = actions.add_parser("stop", help="stop the sandbox serving the state dir")
    _common(stop)
    stop.set_defaults(func=stop_sandbox)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--state-dir",
        type=Path,
        default=argparse.SUPPRESS,
        help="where the world is kept (default: the pxa data dir)",
    )
    p.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print JSON for scripts"
    )


def _state_dir(args: argparse.Namespace) -> Path:
    from pxa.sandbox.paths import default_state_dir

    return Path(getattr(args, "state_dir", None) or default_state_dir())


def _print(info: SandboxInfo, *, as_json: bool, note: str = "") -> None:
    if as_json:
        print(json.dumps(info.to_dict()), flush=True)
        if note:
            print(note, file=sys.stderr)
        return
    if note:
        print(note)
    print(f"URL:          {info.url}")
    print(f"certificate:  {info.ca_cert}")
    print(f"fingerprint:  {info.fingerprint}")
    print(f"user:         {info.user}  password: {info.password}")
    print(f"API token:    {info.token_id}={info.token_secret}")
    print(f"read-only:    {info.readonly_token_id}={info.readonly_token_secret}")
    print(f"state dir:    {info.state_dir}", flush=True)


def run_foreground(args: argparse.Namespace) -> int:
    from pxa.sandbox import serve
    from pxa.sandbox.launcher import read_running

    state_dir = _state_dir(args)
    as_json = getattr(args, "json", False)
    running = read_running(state_dir)
    if running is not None:
        _print(
            running,
            as_json=as_json,
            note=f"A sandbox already runs on {state_dir} (pid {running.pid}):",
        )
        return 0

    def ready(info: SandboxInfo) -> None:
        _print(info, as_json=as_json, note="pxa sandbox: a simulated Proxmox VE cluster")
        if not as_json:
            print("Press Ctrl-C to stop.", flush=True)

    try:
        return serve.run(
            state_dir,
            on_ready=ready,
            host=args.host,
            port=args.port,
            vms=args.vms,
            seed=args.seed,
            speed=args.speed,
            reset=args.reset,
            latency_ms=args.latency_ms,
            error_rate=args.error_rate,
            offline_nodes=set(args.offline_node),
        )
    except (RuntimeError, ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def show_status(args: argparse.Namespace) -> int:
    from pxa.sandbox.launcher import read_running

    info = read_running(_state_dir(args))
    if info is None:
        if getattr(args, "json", False):
            print("null")
        else:
            print(f"no sandbox runs on {_state_dir(args)}")
        return 1
    _print(info, as_json=getattr(args, "json", False), note=f"running (pid {info.pid})")
    return 0


def stop_sandbox(args: argparse.Namespace) -> int:
    from pxa.sandbox.launcher import stop_running

    if stop_running(_state_dir(args)):
        print("sandbox stopped")
        return 0
    print(f"no sandbox runs on {_state_dir(args)}")
    return 1
