"""create_app(infra): the FastAPI application, built in one place and given its core."""

from __future__ import annotations

import time
from typing import Any

from fastapi import FastAPI

from pxa import __version__
from pxa.api import errors, idempotency
from pxa.api.middleware import ApiMiddleware
from pxa.api.ratelimit import RateLimiter
from pxa.core.infra import Infra

ROUTERS = (
    "pxa.api.routers.system",
    "pxa.api.routers.auth",
    "pxa.api.routers.vms",
    "pxa.api.routers.jobs",
    "pxa.api.routers.networks",
    "pxa.api.routers.storage",
    "pxa.api.routers.backups",
    "pxa.api.routers.security",
    "pxa.api.routers.monitoring",
    "pxa.api.routers.webhooks",
    "pxa.api.routers.ai",
)


def create_app(
    infra: Infra,
    *,
    rate_limits: dict[str, tuple[int, int]] | None = None,
    max_body_bytes: int = 10 * 1024 * 1024,
    max_upload_bytes: int = 64 * 1024**3,
    oauth: Any = None,
) -> FastAPI:
    import importlib

    app = FastAPI(
        title="pxa — Proxmox AI infrastructure assistant",
        version=__version__,
        openapi_url="/v1/openapi.json",
        docs_url="/v1/docs",
        redoc_url=None,
    )
    app.state.infra = infra
    app.state.ratelimiter = RateLimiter(rate_limits)
    app.state.started = time.time()
    app.state.oauth = oauth
    errors.install(app)
    for name in ROUTERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a domain whose routes are not built yet
            if exc.name != name:
                raise
            continue
        app.include_router(module.router, prefix="/v1")
    app.add_middleware(idempotency.IdempotencyMiddleware, infra=infra)
    app.add_middleware(
        ApiMiddleware, max_body_bytes=max_body_bytes, max_upload_bytes=max_upload_bytes
    )
    return app
