"""The ASGI application: faults, routing, authentication, validation, dispatch.

Order follows pve-api-daemon: unknown method/path (501) before authentication,
authentication (401, delayed) before parameter checks (400), then the node proxy
(595 for an offline node) and the privilege checks (403).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pxa.sandbox import control, storage_state, uploads, wire
from pxa.sandbox.auth import Principal
from pxa.sandbox.errors import PveError, fail, not_implemented
from pxa.sandbox.params import validate
from pxa.sandbox.routing import Call, Reply, Route, Router
from pxa.sandbox.world import World

log = logging.getLogger("pxa.sandbox")

API_PREFIX = "/api2/json"
UNAUTHORIZED_DELAY = 3.0  # seconds before a 401 leaves, divided by the speed factor

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class SandboxApp:
    def __init__(self, world: World, router: Router) -> None:
        self.world = world
        self.router = router
        self.last_request = time.time()
        self.info: dict[str, Any] = {}  # what /_sandbox/info reports; set by the server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        self.last_request = time.time()
        headers: dict[str, str] = {}
        for key, value in scope["headers"]:
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[name] = (
                f"{headers[name]}; {text}" if name == "cookie" and name in headers else text
            )
        req = wire.Request(
            scope["method"],
            scope["path"],
            scope.get("query_string", b""),
            headers,
            await uploads.read_body(scope["method"], scope["path"], headers, receive),
        )
        try:
            if req.path.startswith("/_sandbox/"):
                resp = await self._control(req)
            else:
                resp = await self._api(req)
        except PveError as exc:
            if exc.status == 401:
                await asyncio.sleep(UNAUTHORIZED_DELAY / self.world.speed)
            resp = wire.error(exc)
        except Exception as exc:  # a bug in a handler: answer like a Perl die, log the trace
            log.exception("sandbox handler failed: %s %s", req.method, req.path)
            resp = wire.error(PveError(500, f"internal error: {exc}"))
        await wire.send(send, resp)

    async def _api(self, req: wire.Request) -> wire.Response:
        if not req.path.startswith(API_PREFIX + "/") and req.path != API_PREFIX:
            raise PveError(501, "no such uri")
        faults = self.world.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if faults.roll_error():
            raise fail("simulated fault")
        rel = req.path[len(API_PREFIX) :].rstrip("/") or "/"
        if req.method == "HEAD":
            raise PveError(501, "method 'HEAD' not available")
        if req.body and req.method not in ("POST", "PUT"):
            raise PveError(501, f"Unexpected content for method '{req.method}'")
        found = self.router.match(req.method, rel)
        if found is None:
            raise not_implemented(req.method, rel)
        route, path_values = found
        now = time.time()
        principal = self._authenticate(route, req, rel, now)
        node = path_values.get("node")
        if node is not None and route.proxy:
            self._reach(node)  # forwarded before the target node checks the parameters
        params = validate(route.params, _with_path(req.form(), path_values))
        for p in route.perms:
            principal.check(p.path.format(**params), p.privs, p.any_of)
        with self.world.lock, storage_state.scope(self.world):
            self.world.tick(now)
            result = route.handler(Call(self.world, params, principal, now, req.method, rel))
            if req.method != "GET":
                self.world.bump()
        if isinstance(result, wire.Response):
            return result
        if isinstance(result, Reply):
            return wire.ok(result.data, result.extra)
        return wire.ok(result)

    def _authenticate(self, route: Route, req: wire.Request, rel: str, now: float) -> Principal:
        accounts = self.world.accounts
        auth_header = req.headers.get("authorization", "")
        is_token = auth_header.startswith(("PVEAPIToken=", "PVEAPIToken "))
        if is_token and not route.allowtoken:
            raise PveError(
                403,
                f"Permission check failed (URI '{rel}' not available with "
                "API token, need proper ticket.\n)",
            )
        if not route.auth:
            return Principal("", None, frozenset(), "none")
        ticket = req.cookie("PVEAuthCookie")
        if ticket is None and auth_header.startswith("PVEAuthCookie="):
            ticket = auth_header.split("=", 1)[1]
        if ticket is not None:
            userid = accounts.verify_ticket(ticket, now)
            if userid is None:
                raise PveError(401, "Authentication failed!", body=False)
            csrf = route.path != uploads.UPLOAD_ROUTE  # PVE checks none on uploads
            if (
                req.method != "GET"
                and csrf
                and not accounts.verify_csrf(req.headers.get("csrfpreventiontoken"), userid, now)
            ):
                raise PveError(401, "Permission denied - invalid csrf token", body=False)
            return accounts.principal(userid, None)
        if is_token:
            found = accounts.verify_token(auth_header[len("PVEAPIToken=") :], now)
            if found is None:
                raise PveError(401, "Authentication failed!", body=False)
            return accounts.principal(*found)
        raise PveError(401, "No ticket", body=False)

    def _reach(self, node: str) -> None:
        if node not in self.world.nodes:
            raise fail(
                f"hostname lookup '{node}' failed - failed to get address info for: "
                f"{node}: Name or service not known"
            )
        if not self.world.is_online(node):
            raise PveError(595, "Connection refused")

    async def _control(self, req: wire.Request) -> wire.Response:
        route = Route("GET", req.path, lambda call: None, {})
        principal = self._authenticate(route, req, req.path, time.time())
        if not principal.is_root:
            raise PveError(403, f"Permission check failed ({req.path}, root only)")
        return control.handle(self, req)


def _with_path(values: dict[str, Any], path_values: dict[str, str]) -> dict[str, Any]:
    for key, value in path_values.items():
        if key in values and str(values[key]) != value:
            raise PveError(
                400, "duplicate parameter (already defined in URI) with conflicting values!"
            )
        values[key] = value
    return values
