"""ProxmoxAIClient and AsyncProxmoxAIClient: one set of resources, two drivers.

    from pxa.sdk import ProxmoxAIClient

    client = ProxmoxAIClient(api_token="pxa_...", base_url="http://127.0.0.1:8765/v1")
    vms = client.vms.list(status="running")
    vm = client.vms.create({"name": "test-vm", "template": "ubuntu-22.04",
                            "cpu_cores": 2, "memory_mb": 4096})
    job = client.jobs.wait(vm.creation_job_id, timeout=600)

The async client has the same attributes and methods; each call returns an awaitable
and `iter()` an async iterator.
"""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from collections.abc import AsyncIterator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import httpx

from pxa.sdk._flow import Emit, Flow, RequestSpec, RetryPolicy, Send, Sleep
from pxa.sdk.models import ApiInfo, Health
from pxa.sdk.resources import (
    Ai,
    Auth,
    Backups,
    Jobs,
    Monitoring,
    Networks,
    Resource,
    Security,
    Storage,
    Vms,
    Webhooks,
)

DEFAULT_BASE_URL = "http://127.0.0.1:8765/v1"
USER_AGENT = "pxa-sdk/0.1"

Verify = bool | str | ssl.SSLContext


class _Done:
    """The end of a flow, with its value: the last thing a driver's step loop yields."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


class _System(Resource):
    def health(self) -> Flow[Health]:
        return self._model_flow("GET", "/health", Health)

    def info(self) -> Flow[ApiInfo]:
        return self._model_flow("GET", "/info", ApiInfo)


class _ClientBase:
    """Configuration and resources shared by both clients; subclasses drive flows."""

    _http: httpx.Client | httpx.AsyncClient

    def __init__(
        self,
        api_token: str | None,
        base_url: str,
        *,
        max_retries: int,
        backoff_base: float,
        backoff_max: float,
        max_retry_wait: float,
    ) -> None:
        self.api_token = api_token if api_token is not None else os.environ.get("PXA_API_TOKEN")
        self.base_url = base_url.rstrip("/")
        self.retry = RetryPolicy(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            max_wait=max_retry_wait,
        )
        self.vms = Vms(self)
        self.jobs = Jobs(self)
        self.networks = Networks(self)
        self.storage = Storage(self)
        self.backups = Backups(self)
        self.security = Security(self)
        self.monitoring = Monitoring(self)
        self.webhooks = Webhooks(self)
        self.auth = Auth(self)
        self.ai = Ai(self)
        self._system = _System(self)

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Accept": "application/json", "API-Version": "v1", "User-Agent": USER_AGENT}
        if self.api_token:
            headers["Authorization"] = f"Bearer {self.api_token}"
        headers.update(extra or {})
        return headers

    def _build(self, spec: RequestSpec) -> httpx.Request:
        return self._http.build_request(
            spec.method,
            spec.path,
            params=spec.params,
            json=spec.json,
            data=spec.data,
            files=spec.files,
            headers=spec.all_headers(),
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


class ProxmoxAIClient(_ClientBase):
    """The /v1 API over `httpx.Client`. `api_token` defaults to $PXA_API_TOKEN."""

    def __init__(
        self,
        api_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30,
        max_retries: int = 4,
        transport: httpx.BaseTransport | None = None,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_retry_wait: float = 60.0,
        verify: Verify = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_token,
            base_url,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            max_retry_wait=max_retry_wait,
        )
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            verify=verify,
            headers=self._headers(headers),
        )

    def health(self) -> Health:
        return self._run(self._system.health())

    def info(self) -> ApiInfo:
        return self._run(self._system.info())

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ---- driving flows ----------------------------------------------------------------

    def _steps(self, flow: Flow[Any]) -> Iterator[Any]:
        """Run `flow`'s sends and sleeps; yield what it emits, then `_Done(result)`."""
        outcome: Any = None
        error: BaseException | None = None
        try:
            while True:
                try:
                    step = flow.throw(error) if error is not None else flow.send(outcome)
                except StopIteration as done:
                    yield _Done(done.value)
                    return
                outcome, error = None, None
                if isinstance(step, Send):
                    try:
                        outcome = self._http.send(self._build(step.request))  # type: ignore[union-attr]
                    except httpx.RequestError as exc:
                        error = exc
                elif isinstance(step, Sleep):
                    time.sleep(step.seconds)
                elif isinstance(step, Emit):
                    yield step.item
        finally:
            flow.close()

    def _run(self, flow: Flow[Any]) -> Any:
        steps = self._steps(flow)
        try:
            for item in steps:
                if isinstance(item, _Done):
                    return item.value
        finally:
            steps.close()
        raise AssertionError("unreachable: a flow always ends with _Done")

    def _stream(self, flow: Flow[None]) -> Iterator[Any]:
        steps = self._steps(flow)
        try:
            for item in steps:
                if isinstance(item, _Done):
                    return
                yield item
        finally:
            steps.close()


class AsyncProxmoxAIClient(_ClientBase):
    """The /v1 API over `httpx.AsyncClient`: same resources, every call awaitable.

    The resources are the sync client's classes, annotated with their sync results; here
    each method returns an awaitable of that result and `iter()` an async iterator. So
    that a type checker does not object to `await client.vms.get(...)`, they are typed
    `Any` on this class.
    """

    if TYPE_CHECKING:
        vms: Any
        jobs: Any
        networks: Any
        storage: Any
        backups: Any
        security: Any
        monitoring: Any
        webhooks: Any
        auth: Any
        ai: Any

    def __init__(
        self,
        api_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        *,
        timeout: float = 30,
        max_retries: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        max_retry_wait: float = 60.0,
        verify: Verify = True,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(
            api_token,
            base_url,
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            max_retry_wait=max_retry_wait,
        )
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            timeout=timeout,
            transport=transport,
            verify=verify,
            headers=self._headers(headers),
        )

    async def health(self) -> Health:
        return await self._run(self._system.health())  # type: ignore[no-any-return]

    async def info(self) -> ApiInfo:
        return await self._run(self._system.info())  # type: ignore[no-any-return]

    async def close(self) -> None:
        await self._http.aclose()  # type: ignore[union-attr]

    aclose = close

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # ---- driving flows ----------------------------------------------------------------

    async def _steps(self, flow: Flow[Any]) -> AsyncIterator[Any]:
        outcome: Any = None
        error: BaseException | None = None
        try:
            while True:
                try:
                    step = flow.throw(error) if error is not None else flow.send(outcome)
                except StopIteration as done:
                    yield _Done(done.value)
                    return
                outcome, error = None, None
                if isinstance(step, Send):
                    try:
                        outcome = await self._http.send(self._build(step.request))  # type: ignore[misc]
                    except httpx.RequestError as exc:
                        error = exc
                elif isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                elif isinstance(step, Emit):
                    yield step.item
        finally:
            flow.close()

    async def _run(self, flow: Flow[Any]) -> Any:
        steps = self._steps(flow)
        try:
            async for item in steps:
                if isinstance(item, _Done):
                    return item.value
        finally:
            await steps.aclose()  # type: ignore[attr-defined]
        raise AssertionError("unreachable: a flow always ends with _Done")

    async def _stream(self, flow: Flow[None]) -> AsyncIterator[Any]:
        steps = self._steps(flow)
        try:
            async for item in steps:
                if isinstance(item, _Done):
                    return
                yield item
        finally:
            await steps.aclose()  # type: ignore[attr-defined]
