"""An h11 protocol for uvicorn that writes PVE's error text as the reason phrase.

uvicorn always sends the standard phrase for a status (`500 Internal Server
Error`), but PVE clients read the error from the status line: proxmoxer puts
`resp.reason` into `ResourceException.content`. The app sets the private header
`x-pve-reason`; this protocol removes it and rebuilds the response line with it.
"""

from __future__ import annotations

from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from pxa.sandbox.wire import REASON_HEADER


class PveH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        send = self.conn.send

        def send_with_reason(event: Any) -> bytes | None:
            if isinstance(event, h11.Response):
                event = _with_reason(event)
            return send(event)

        self.conn.send = send_with_reason  # type: ignore[method-assign]


def _with_reason(event: h11.Response) -> h11.Response:
    reason = None
    headers = []
    for name, value in event.headers:
        if name == REASON_HEADER:
            reason = value
        else:
            headers.append((name, value))
    if reason is None:
        return event
    return h11.Response(
        status_code=event.status_code,
        headers=headers,
        reason=reason,
        http_version=event.http_version,
    )
