"""The dispatcher: an asyncio task that sends due deliveries and schedules retries.

Publishers only insert a row and wake it; every network call happens here. A 2xx answer
is delivered; anything else (a redirect included: they are not followed) or a connection
error is retried with exponential backoff until the attempts run out, then `failed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pxa import __version__
from pxa.models.webhook import DeliveryStatus, PayloadWebhook, WebhookPayload
from pxa.store.webhooks import DueDelivery, WebhookRepo
from pxa.webhooks.signing import sign
from pxa.webhooks.urls import is_loopback_host

if TYPE_CHECKING:
    import httpx

log = logging.getLogger(__name__)

RETENTION_SECONDS = 30 * 86400  # finished deliveries kept this long for the deliveries log
PRUNE_EVERY = 3600.0


@dataclass(frozen=True)
class RetryPolicy:
    base_seconds: float = 5.0
    cap_seconds: float = 3600.0
    max_attempts: int = 8
    timeout_seconds: float = 10.0

    def delay(self, failed_attempt: int) -> float:
        """Wait after the n-th failed attempt: base, 2×base, 4×base … capped."""
        return min(self.base_seconds * 2 ** (failed_attempt - 1), self.cap_seconds)


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    response_ms: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Dispatcher:
    def __init__(
        self,
        repo: WebhookRepo,
        policy: RetryPolicy,
        *,
        concurrency: int = 8,
        poll_seconds: float = 2.0,
    ) -> None:
        self.repo = repo
        self.policy = policy
        self.concurrency = concurrency
        # Polling finds retries that fell due and rows another pxa process enqueued.
        self.poll_seconds = poll_seconds
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    def wake(self) -> None:
        """Look at the queue now; safe from any thread (bus handlers run in the publisher's)."""
        loop, wake = self._loop, self._wake
        if loop is None or wake is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed: the row waits for later
            loop.call_soon_threadsafe(wake.set)

    async def run(self) -> None:
        import httpx  # here, not at import: the core's import stays light

        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        inflight: dict[asyncio.Task[None], str] = {}
        timeout = httpx.Timeout(self.policy.timeout_seconds)
        # Loopback receivers are reached directly, never through a proxy from the environment.
        remote = httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        local = httpx.AsyncClient(timeout=timeout, follow_redirects=False, trust_env=False)
        pruned_at = 0.0
        try:
            while True:
                self._wake.clear()
                if time.monotonic() - pruned_at > PRUNE_EVERY:
                    self.repo.prune(RETENTION_SECONDS)
                    pruned_at = time.monotonic()
                free = self.concurrency - len(inflight)
                lease = self.policy.timeout_seconds + 30
                for due in self.repo.lease_due(free, lease) if free > 0 else []:
                    client = local if is_loopback_host(urlsplit(due.url).hostname or "") else remote
                    task = asyncio.create_task(self._attempt(due, client))
                    inflight[task] = due.id
                    task.add_done_callback(lambda t: (inflight.pop(t, None), self._wake_now()))
                await self._sleep(full=len(inflight) >= self.concurrency)
        finally:
            leased, tasks = list(inflight.values()), list(inflight)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            self.repo.release(leased)
            await remote.aclose()
            await local.aclose()
            self._loop = self._wake = None

    def _wake_now(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def _sleep(self, *, full: bool) -> None:
        assert self._wake is not None
        delay = self.poll_seconds
        due = None if full else self.repo.next_due()
        if due is not None:
            delay = max(0.01, min(delay, due - time.time()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def _attempt(self, due: DueDelivery, client: httpx.AsyncClient) -> None:
        try:
            await self._deliver(due, client)
        except Exception:  # a bug must not kill the dispatcher; the lease runs out, it retries
            log.exception("webhook delivery %s crashed", due.id)

    async def _deliver(self, due: DueDelivery, client: httpx.AsyncClient) -> None:
        outcome = await self._send(due, client)
        policy = self.policy
        if outcome.ok:
            status, retry_at = DeliveryStatus.delivered, None
        elif due.attempt >= policy.max_attempts:
            status, retry_at = DeliveryStatus.failed, None
        else:
            status, retry_at = DeliveryStatus.pending, time.time() + policy.delay(due.attempt)
        self.repo.record_attempt(
            due.id,
            due.attempt,
            status_code=outcome.status_code,
            response_ms=outcome.response_ms,
            error=outcome.error,
            outcome=status,
            retry_at=retry_at,
        )
        # The URL is not logged: receivers often carry a token in their path.
        log.info(
            "webhook %s delivery %s (%s) attempt %d: %s",
            due.webhook_id,
            due.id,
            due.event,
            due.attempt,
            status.value if outcome.ok else f"{outcome.error}; {status.value}",
        )

    async def _send(self, due: DueDelivery, client: httpx.AsyncClient) -> Outcome:
        import httpx

        body = render(due)
        stamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": f"pxa-webhooks/{__version__}",
            "X-PXA-Event": due.event,
            "X-PXA-Delivery": due.id,
            "X-PXA-Timestamp": str(stamp),
            "X-PXA-Signature": sign(due.secret, stamp, body),
        }
        started = time.perf_counter()
        try:
            # The body is never read: a receiver's answer is its status code.
            async with asyncio.timeout(self.policy.timeout_seconds + 1):
                async with client.stream("POST", due.url, content=body, headers=headers) as resp:
                    elapsed = int((time.perf_counter() - started) * 1000)
                    code = resp.status_code
            return Outcome(code, elapsed, None if 200 <= code < 300 else f"HTTP {code}")
        except (TimeoutError, httpx.TimeoutException):
            return Outcome(None, None, f"timed out after {self.policy.timeout_seconds:g}s")
        except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
            return Outcome(None, None, _describe(exc))


def render(due: DueDelivery) -> bytes:
    payload = WebhookPayload(
        event=due.event,
        timestamp=due.occurred_at,
        data=due.data,
        webhook=PayloadWebhook(id=due.webhook_id, attempt=due.attempt),
    )
    return payload.model_dump_json().encode()


def _describe(exc: Any) -> str:
    text = str(exc) or "no detail"
    return f"{type(exc).__name__}: {text}"[:300]
