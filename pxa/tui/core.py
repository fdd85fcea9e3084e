"""The core's life inside the TUI: built off the loop, run on it, stopped on exit.

`CoreRunner.start()` runs in an app worker: it builds the Infra (in a thread: attaching to
the sandbox may start it) unless one was injected, subscribes the `EventBridge`, starts the
core's background refresh and then the embedded `/v1` server as a task on Textual's loop,
with its logs in `<data dir>/logs/api.log` and no signal handlers of its own. It reports
with messages (`CoreReady`, `CoreFailed`, `ApiStarted`, `ApiFailed`) and never touches a
widget. `stop()` undoes it all on exit; an injected Infra is left for its owner to close.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pxa.errors import PxaError
from pxa.tui.bridge import EventBridge, deliver
from pxa.tui.messages import ApiFailed, ApiStarted, CoreFailed, CoreReady

if TYPE_CHECKING:
    from textual.app import App

    from pxa.config import Settings
    from pxa.core.infra import Infra

log = logging.getLogger(__name__)


class CoreRunner:
    def __init__(
        self,
        app: App,
        settings: Settings,
        *,
        infra: Infra | None = None,
        build: Callable[[], Infra] | None = None,
        read_only: bool = False,
        api: bool = True,
    ) -> None:
        self.app = app
        self.settings = settings
        self.infra: Infra | None = None
        self._injected = infra
        self._build = build or self._build_from_settings
        self.read_only = read_only
        self.api_wanted = api
        self.api_url: str | None = None
        self._api: Any = None
        self._api_task: asyncio.Task[None] | None = None
        self._bridge = EventBridge(app)
        self._stopping = False

    def _build_from_settings(self) -> Infra:
        from pxa.runtime import build_infra

        return build_infra(self.settings, read_only=self.read_only)

    # --- start ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Run in a worker on the app's loop."""
        try:
            infra = self._injected or await asyncio.to_thread(self._build)
        except Exception as exc:  # the UI stays up and says why; details go to the log
            log.exception("building the core failed")
            message = exc.message if isinstance(exc, PxaError) else f"{type(exc).__name__}: {exc}"
            deliver(self.app, lambda: CoreFailed(message))
            return
        if self._stopping:
            if self._injected is None:
                await infra.close()
            return
        self.infra = infra
        self._bridge.start(infra.bus)
        await infra.start_background()
        deliver(self.app, lambda: CoreReady(infra))
        if self.api_wanted:
            await self._start_api(infra)

    async def _start_api(self, infra: Infra) -> None:
        from pxa.api.app import create_app
        from pxa.api.server import ApiServer
        from pxa.paths import data_dir, ensure_private_dir

        cfg = self.settings.api
        try:
            server = ApiServer(
                create_app(infra, oauth=_oauth(self.settings)),
                host=cfg.host,
                port=cfg.port,
                tls_cert=cfg.tls_cert,
                tls_key=cfg.tls_key,
                allow_remote=cfg.allow_remote,
                log_file=ensure_private_dir(data_dir() / "logs") / "api.log",
                embedded=True,
            )
            url = server.prepare()
            self._api = server
            self._api_task = await server.start()
        except (PxaError, OSError) as exc:
            message = exc.message if isinstance(exc, PxaError) else str(exc)
            log.warning("the embedded API did not start: %s", message)
            deliver(self.app, lambda: ApiFailed(message))
            return
        self.api_url = url
        deliver(self.app, lambda: ApiStarted(url, server.note))

    # --- stop -----------------------------------------------------------------------------
    async def stop(self) -> None:
        self._stopping = True
        self._bridge.stop()
        if self._api is not None:
            await self._api.stop()
            if self._api_task is not None:
                with contextlib.suppress(Exception, asyncio.CancelledError):
                    await asyncio.wait_for(self._api_task, timeout=5)
            self._api = self._api_task = None
        if self.infra is not None and self._injected is None:
            await self.infra.close()
        self.infra = None


def _oauth(settings: Settings) -> Any:
    """The OAuth verifier `pxa serve` would use, so both doors accept the same tokens."""
    try:
        from pxa.api.oauth import OAuthVerifier
    except ImportError:
        return None
    return OAuthVerifier.from_settings(settings.api)
