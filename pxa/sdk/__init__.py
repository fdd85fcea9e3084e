"""pxa.sdk: the Python client of pxa's /v1 HTTP API.

    from pxa.sdk import ProxmoxAIClient

    client = ProxmoxAIClient(api_token="pxa_...", base_url="http://127.0.0.1:8765/v1")
    vms = client.vms.list(status="running")

Results are the shared models of `pxa.models`; failures are `PxaApiError` subclasses.
This package imports only httpx, pydantic and `pxa.models` — never the core or a server.
"""

from pxa.sdk.client import AsyncProxmoxAIClient, ProxmoxAIClient
from pxa.sdk.errors import (
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    PxaApiError,
    PxaConnectionError,
    RateLimitError,
    ServerError,
    ServiceUnavailableError,
    ValidationError,
)
from pxa.sdk.resources import JobTimeoutError

__all__ = [
    "AsyncProxmoxAIClient",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "JobTimeoutError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProxmoxAIClient",
    "PxaApiError",
    "PxaConnectionError",
    "RateLimitError",
    "ServerError",
    "ServiceUnavailableError",
    "ValidationError",
]
