"""`GET /v1/vms?limit=50` with a real token at 10,000 VMs, against a bare FastAPI route.

A sandbox with N VMs (default 10,000) runs in its own process, as a cluster would. This
process serves, on one uvicorn and one event loop, both:
  - pxa's /v1 app built as `pxa serve` builds it (background inventory refresh, token
    auth, middleware, rate limiter — its limits raised so the load is not answered 429),
  - a bare FastAPI app (no middleware, no auth) whose one route returns the very JSON
    document /v1/vms?limit=50 answered, as a dict FastAPI serialises (the baseline).
A client process then measures both in the same run, alternating rounds:
  - latency: one keep-alive connection, requests one after another: p50 / p99,
  - throughput: --connections concurrent keep-alive connections for --seconds: requests/s.
Twice: between refreshes (the request path alone), then as served (the inventory refreshed
every 5 s and by a request that finds it over 2 s old; at 10,000 VMs a few hundred ms each).

    .venv/bin/python bench/api_vms.py [--vms 10000] [--rounds 3] [--requests 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PXA_PATH = "/v1/vms?limit=50"
BARE_PATH = "/bare/vms"
MODES = ("between refreshes", "as served (refreshed every 5 s, and by a request when 2 s old)")
NO_LIMITS = {c: (1_000_000_000, 60) for c in ("auth", "vm_ops", "read", "bulk", "ai")}


TIMEOUT = 60.0


# --- the client process ---------------------------------------------------------------------


async def get(http: Any, path: str, headers: dict[str, str]) -> bool:
    """One request; False for anything but a 200 (a timeout included)."""
    import httpx

    try:
        return (await http.get(path, headers=headers)).status_code == 200
    except httpx.TimeoutException:
        return False


async def client(
    base: str, token: str, rounds: int, requests: int, conns: int, secs: float
) -> None:
    import httpx

    targets = {
        "pxa": (PXA_PATH, {"Authorization": f"Bearer {token}"}),
        "bare": (BARE_PATH, {}),
    }
    latency: dict[str, list[float]] = {k: [] for k in targets}
    rate: dict[str, list[float]] = {k: [] for k in targets}
    errors: dict[str, int] = dict.fromkeys(targets, 0)
    limits = httpx.Limits(max_connections=conns, max_keepalive_connections=conns)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=TIMEOUT) as http:
        for path, headers in targets.values():  # warm both paths and the connections
            for _ in range(50):
                (await http.get(path, headers=headers)).raise_for_status()
        for _ in range(rounds):
            for name, (path, headers) in targets.items():
                for _ in range(requests):
                    t0 = time.perf_counter()
                    ok = await get(http, path, headers)
                    latency[name].append(time.perf_counter() - t0)
                    errors[name] += not ok

            for name, (path, headers) in targets.items():
                done = 0
                stop = time.perf_counter() + secs

                async def worker(
                    path: str = path,
                    headers: dict[str, str] = headers,
                    name: str = name,
                    stop: float = stop,
                ) -> None:
                    nonlocal done
                    while time.perf_counter() < stop:
                        ok = await get(http, path, headers)
                        done += 1
                        errors[name] += not ok

                t0 = time.perf_counter()
                await asyncio.gather(*(worker() for _ in range(conns)))
                rate[name].append(done / (time.perf_counter() - t0))
    print(json.dumps({"latency": latency, "rate": rate, "errors": errors}))


# --- the server (this process) ----------------------------------------------------------------


async def serve_and_measure(args: argparse.Namespace) -> None:
    from fastapi import FastAPI

    from pxa.api.app import create_app
    from pxa.api.server import ApiServer
    from pxa.core.infra import Infra
    from pxa.core.tokens import Principal, all_scopes
    from pxa.models.token import TokenCreate
    from pxa.proxmox.adapter import ProxmoxAdapter
    from pxa.proxmox.client import PveClient, PveTarget
    from pxa.sandbox.launcher import ensure_running, stop_running
    from pxa.store.db import Database

    tmp = Path(tempfile.mkdtemp(prefix="pxa-bench-api-"))
    state = tmp / "sandbox"
    started = time.perf_counter()
    info = ensure_running(state, vms=args.vms, speed=50, timeout=300)
    print(f"sandbox with {args.vms:,} VMs up in {time.perf_counter() - started:.1f} s")
    user, _, token_name = info.token_id.partition("!")
    target = PveTarget(
        host=info.host,
        port=info.port,
        user=user,
        token_name=token_name,
        token_secret=info.token_secret,
        ca_cert=Path(info.ca_cert),
        timeout=60,
    )
    infra = Infra(ProxmoxAdapter(PveClient(target)), Database(tmp / "pxa.db"))
    try:
        await infra.inventory.refresh()
        admin = Principal(id="bench", scopes=frozenset(all_scopes()), kind="user")
        token = infra.tokens.create(TokenCreate(name="bench", permissions=["vm:read"]), admin)

        pxa_app = create_app(infra, rate_limits=NO_LIMITS)
        bare = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        payload: dict[str, Any] = {}

        @bare.get(BARE_PATH)
        async def bare_vms() -> dict[str, Any]:
            return payload

        async def both(scope: Any, receive: Any, send: Any) -> None:
            app = bare if scope.get("path", "").startswith("/bare") else pxa_app
            await app(scope, receive, send)

        server = ApiServer(both, port=0)
        base = server.prepare().removesuffix("/v1")
        task = await server.start()

        import httpx

        async with httpx.AsyncClient(base_url=base) as http:
            auth = {"Authorization": f"Bearer {token.access_token}"}
            r = await http.get(PXA_PATH, headers=auth)
            r.raise_for_status()
            payload.update(r.json())
            size = len(r.content)
            bare_size = len((await http.get(BARE_PATH)).content)
        command = [
            sys.executable,
            __file__,
            "--client",
            base,
            "--token",
            token.access_token,
            "--rounds",
            str(args.rounds),
            "--requests",
            str(args.requests),
            "--connections",
            str(args.connections),
            "--seconds",
            str(args.seconds),
        ]
        results = {}
        served_age = infra.inventory.max_age
        for mode in MODES:
            if mode == "between refreshes":  # the request path alone, the list kept as is
                infra.inventory.max_age = 3600.0
            else:  # as `pxa serve` runs: refreshes on a cadence and when a request finds it old
                infra.inventory.max_age = served_age
                await infra.start_background()
            process = await asyncio.create_subprocess_exec(*command, stdout=subprocess.PIPE)
            out, _ = await process.communicate()
            results[mode] = json.loads(out)
        server.server.should_exit = True
        await task
    finally:
        await infra.close()
        stop_running(state)
    for mode, result in results.items():
        report(args, mode, result, size, bare_size)


def pct(samples: list[float], q: float) -> float:
    ms = sorted(s * 1000 for s in samples)
    return ms[min(len(ms) - 1, round(q * (len(ms) - 1)))]


def report(
    args: argparse.Namespace, mode: str, result: dict[str, Any], size: int, bare_size: int
) -> None:
    lat, rate, errors = result["latency"], result["rate"], result["errors"]
    print(
        f"GET {PXA_PATH} with a vm:read token, {args.vms:,} VMs, {mode}; body {size:,} bytes "
        f"(baseline {bare_size:,}); {args.rounds} rounds, same uvicorn, same run"
    )
    print(f"  {'':<34}{'pxa /v1/vms':>14}{'bare FastAPI':>14}{'ratio':>9}")
    p = {k: statistics.median(v) for k, v in rate.items()}
    print(
        f"  {f'throughput, {args.connections} connections':<34}"
        f"{p['pxa']:10.0f} r/s{p['bare']:10.0f} r/s{p['pxa'] / p['bare']:8.2f}x"
        "   (target >= 0.6x)"
    )
    for label, q in (
        ("latency p50, 1 connection", 0.5),
        ("latency p99, 1 connection", 0.99),
        ("latency max, 1 connection", 1.0),
    ):
        a, b = pct(lat["pxa"], q), pct(lat["bare"], q)
        target = "   (target p99 <= 10 ms)" if q == 0.99 else ""
        print(f"  {label:<34}{a:11.2f} ms{b:11.2f} ms{a / b:8.2f}x{target}")
    seq = {k: len(v) / sum(v) for k, v in lat.items()}
    print(
        f"  {'throughput, 1 connection':<34}{seq['pxa']:10.0f} r/s{seq['bare']:10.0f} r/s"
        f"{seq['pxa'] / seq['bare']:8.2f}x"
    )
    failed = f"pxa {errors['pxa']}, bare {errors['bare']}"
    print(f"  non-200 answers or timeouts ({TIMEOUT:.0f} s): {failed}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vms", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=2000, help="sequential, per round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5.0, help="per throughput round")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--token", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        asyncio.run(
            client(
                args.client,
                args.token,
                args.rounds,
                args.requests,
                args.connections,
                args.seconds,
            )
        )
    else:
        asyncio.run(serve_and_measure(args))


if __name__ == "__main__":
    main()
