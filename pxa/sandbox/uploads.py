"""Streaming uploads: multipart bodies read chunk by chunk, never held in memory.

Like pve-http-server, the server itself receives the file part and hands the
handler its form fields plus `tmpfilename`. We keep no file at all: only the size
and the checksums, computed while the bytes go by, wait here for the handler.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from pxa.sandbox import wire

UPLOAD_ROUTE = "/nodes/{node}/storage/{storage}/upload"  # PVE skips the CSRF check here
_UPLOAD_PATH = re.compile(r"^/api2/json/nodes/[^/]+/storage/[^/]+/upload/?$")
ALGORITHMS = ("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
MAX_FIELD = 64 * 1024
KEEP = 64  # received files waiting for their handler

Receive = Callable[[], Awaitable[dict[str, Any]]]


@dataclass
class Received:
    size: int = 0
    digests: dict[str, str] = field(default_factory=dict)


RECEIVED: OrderedDict[str, Received] = OrderedDict()


def take(tmpfilename: str) -> Received | None:
    return RECEIVED.pop(tmpfilename, None)


async def read_body(method: str, path: str, headers: dict[str, str], receive: Receive) -> bytes:
    """The request body; a multipart upload becomes its form fields plus `tmpfilename`."""
    ctype = headers.get("content-type", "")
    if method != "POST" or not _UPLOAD_PATH.match(path) or "multipart/form-data" not in ctype:
        return await wire.read_body(receive)
    m = re.search(r'boundary="?([^";]+)"?', ctype)
    if m is None:
        return await wire.read_body(receive)
    parser = _Parser(m.group(1).encode())
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parser.feed(message.get("body", b""))
        if not message.get("more_body"):
            break
    return parser.finish()


class _Parser:
    """A small incremental multipart/form-data reader."""

    def __init__(self, boundary: bytes) -> None:
        self.delim = b"\r\n--" + boundary
        self.buf = b"\r\n"  # so the first boundary looks like every other one
        self.state = "preamble"
        self.fields: list[tuple[str, str]] = []
        self.name = ""
        self.value = b""
        self.filename: str | None = None
        self.hashers: dict[str, Any] = {}
        self.received = Received()

    def feed(self, data: bytes) -> None:
        self.buf += data
        while self._step():
            pass

    def _step(self) -> bool:
        if self.state in ("preamble", "body"):
            at = self.buf.find(self.delim)
            if at < 0:
                keep = len(self.delim)
                if len(self.buf) > keep:
                    if self.state == "body":
                        self._data(self.buf[:-keep])
                    self.buf = self.buf[-keep:]
                return False
            if self.state == "body":
                self._data(self.buf[:at])
                self._end_part()
            self.buf = self.buf[at + len(self.delim) :]
            self.state = "after"
        if self.state == "after":
            if len(self.buf) < 2:
                return False
            if self.buf.startswith(b"--"):
                self.state, self.buf = "done", b""
                return False
            self.state = "headers"
        if self.state == "headers":
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return False
            self._start_part(self.buf[:end].decode("utf-8", "replace"))
            self.buf = self.buf[end + 4 :]
            self.state = "body"
            return True
        return False

    def _start_part(self, head: str) -> None:
        disposition = next(
            (line for line in head.split("\r\n") if line.lower().startswith("content-disposition")),
            "",
        )
        name = re.search(r'\bname="([^"]*)"', disposition)
        filename = re.search(r'\bfilename="([^"]*)"', disposition)
        self.name, self.value = (name.group(1) if name else ""), b""
        self.filename = filename.group(1) if filename else None
        if self.filename is not None:
            chosen = dict(self.fields).get("checksum-algorithm")
            algos = [chosen] if chosen in ALGORITHMS else list(ALGORITHMS)
            self.hashers = {a: hashlib.new(a) for a in algos}

    def _data(self, chunk: bytes) -> None:
        if not chunk:
            return
        if self.filename is None:
            if len(self.value) < MAX_FIELD:
                self.value += chunk[: MAX_FIELD - len(self.value)]
            return
        self.received.size += len(chunk)
        for hasher in self.hashers.values():
            hasher.update(chunk)

    def _end_part(self) -> None:
        if self.filename is None:
            self.fields.append((self.name, self.value.decode("utf-8", "replace")))
            return
        self.fields.append(("filename", self.filename))
        self.received.digests = {a: h.hexdigest() for a, h in self.hashers.items()}
        self.filename = None

    def finish(self) -> bytes:
        if not any(k == "filename" for k, _ in self.fields) or self.state != "done":
            return urlencode(self.fields).encode()
        tmp = f"/var/tmp/pveupload-{secrets.token_hex(16)}"
        RECEIVED[tmp] = self.received
        while len(RECEIVED) > KEEP:
            RECEIVED.popitem(last=False)
        return urlencode([*self.fields, ("tmpfilename", tmp)]).encode()
