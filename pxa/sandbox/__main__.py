"""`python -m pxa.sandbox serve ...`: the detached server that `ensure_running` spawns."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pxa.sandbox.paths import default_state_dir

if TYPE_CHECKING:
    from pxa.sandbox.server import SandboxInfo


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pxa.sandbox")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run a sandbox until stopped or idle")
    serve.add_argument("--state-dir", type=Path, default=None)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--vms", type=int, default=None)
    serve.add_argument("--seed", type=int, default=None)
    serve.add_argument("--speed", type=float, default=1.0)
    serve.add_argument("--reset", action="store_true")
    serve.add_argument("--idle-timeout", type=float, default=None)
    args = parser.parse_args(argv)

    from pxa.sandbox import serve as serving

    def ready(info: SandboxInfo) -> None:
        # No secrets here: this lands in server.log; server.json (0600) holds them.
        print(
            json.dumps(
                {
                    "url": info.url,
                    "fingerprint": info.fingerprint,
                    "pid": info.pid,
                    "state_dir": info.state_dir,
                }
            ),
            flush=True,
        )

    return serving.run(
        args.state_dir or default_state_dir(),
        on_ready=ready,
        host=args.host,
        port=args.port,
        vms=args.vms,
        seed=args.seed,
        speed=args.speed,
        reset=args.reset,
        idle_timeout=args.idle_timeout,
    )


if __name__ == "__main__":
    sys.exit(main())
