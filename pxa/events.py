"""The in-process event bus: the core publishes, the TUI, webhooks and tests subscribe.

Handlers run synchronously in the publisher's thread; a handler that needs the event
loop (the TUI, webhooks) hands the event over itself. A failing handler is logged and
never breaks the publisher.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from pxa.models.event import Event

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: list[tuple[Handler, frozenset[str] | None]] = []
        self._lock = threading.Lock()

    def subscribe(self, handler: Handler, types: set[str] | None = None) -> Callable[[], None]:
        entry = (handler, frozenset(types) if types else None)
        with self._lock:
            self._handlers.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._handlers:
                    self._handlers.remove(entry)

        return unsubscribe

    def publish(self, event: Event) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for handler, types in handlers:
            if types is not None and event.type not in types:
                continue
            try:
                handler(event)
            except Exception:
                log.exception("event handler failed for %s", event.type)

    def emit(self, type_: str, **data: object) -> Event:
        event = Event(type=type_, data=dict(data))
        self.publish(event)
        return event
