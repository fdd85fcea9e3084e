"""PveClient: proxmoxer over HTTPS, run in a bounded thread pool, errors translated.

proxmoxer is synchronous; every call goes through `call()`, which runs it in a worker
thread with the request timeout set, so the event loop never waits on the network.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pxa.errors import BackendTlsError, ConfigError
from pxa.proxmox.errors import translate


@dataclass(frozen=True)
class PveTarget:
    """Where and how to reach a PVE API. Secrets are held here in memory only."""

    host: str
    port: int = 8006
    user: str = "root@pam"
    token_name: str | None = None
    token_secret: str | None = None
    password: str | None = None
    verify_tls: bool = True
    ca_cert: Path | None = None
    fingerprint: str | None = None
    timeout: float = 10.0
    max_workers: int = 4

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    def __repr__(self) -> str:  # never print a secret by accident
        return f"PveTarget({self.user}@{self.url}, token={self.token_name!r})"


def _normalise_fp(fp: str) -> str:
    return fp.replace(":", "").strip().lower()


def peer_fingerprint(host: str, port: int, timeout: float) -> str:
    """SHA-256 of the server's leaf certificate, read without trusting it."""
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        ctx.wrap_socket(sock, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True) or b""
    return hashlib.sha256(der).hexdigest()


class PveClient:
    def __init__(self, target: PveTarget) -> None:
        if not (target.token_name and target.token_secret) and not target.password:
            raise ConfigError(
                "no Proxmox credentials: set proxmox.token_name and the token secret "
                "(keyring or PXA_PROXMOX_TOKEN_SECRET), or a password (PXA_PROXMOX_PASSWORD)"
            )
        self.target = target
        self._pool = ThreadPoolExecutor(
            max_workers=target.max_workers, thread_name_prefix="pxa-pve"
        )
        self._api: Any = None

    @property
    def url(self) -> str:
        return self.target.url

    def _verify(self) -> bool | str:
        t = self.target
        if t.fingerprint:
            return False  # checked by the pinned adapter instead of a CA
        if t.ca_cert:
            return str(t.ca_cert)
        return t.verify_tls

    def _connect(self) -> Any:
        from proxmoxer import ProxmoxAPI

        t = self.target
        if t.fingerprint:
            seen = peer_fingerprint(t.host, t.port, t.timeout)
            if seen != _normalise_fp(t.fingerprint):
                raise BackendTlsError(
                    f"TLS verification failed for {t.url}: certificate fingerprint {seen} is "
                    "not the pinned one (refusing to connect)"
                )
        kwargs: dict[str, Any] = {
            "host": t.host,
            "port": t.port,
            "user": t.user,
            "verify_ssl": self._verify(),
            "timeout": t.timeout,
        }
        if t.token_name and t.token_secret:
            kwargs.update(token_name=t.token_name, token_value=t.token_secret)
        else:
            kwargs.update(password=t.password)
        api = ProxmoxAPI(**kwargs)
        if t.fingerprint:
            _pin_session(api, t.fingerprint)
        return api

    def _api_or_connect(self) -> Any:
        if self._api is None:
            self._api = self._connect()
        return self._api

    def _sync_call(self, method: str, path: str, params: dict[str, Any]) -> Any:
        api = self._api_or_connect()
        resource = api(path.strip("/"))
        clean = {k: _wire(v) for k, v in params.items() if v is not None}
        if method == "GET":
            return resource.get(**clean)
        if method == "POST":
            return resource.post(**clean)
        if method == "PUT":
            return resource.put(**clean)
        if method == "DELETE":
            return resource.delete(**clean)
        raise ValueError(method)

    async def call(
        self, method: str, path: str, /, *, on_node: str | None = None, **params: Any
    ) -> Any:
        loop = asyncio.get_running_loop()
        for attempt in (1, 2):
            try:
                return await loop.run_in_executor(self._pool, self._sync_call, method, path, params)
            except Exception as exc:
                err = translate(exc, url=self.url, node=on_node)
                if err.code == "PROXMOX_AUTH_FAILED" and self._api is not None:
                    self._api = None  # a ticket expires after 2 h: log in afresh
                    if attempt == 1 and self.target.password and not self.target.token_secret:
                        continue
                raise err from exc
        raise AssertionError("unreachable")

    async def upload(
        self, path: str, file: Path, /, *, on_node: str | None = None, **params: Any
    ) -> Any:
        """POST a file as multipart `filename`, opened and streamed in the worker thread."""

        def send() -> Any:
            with open(file, "rb") as stream:
                return self._sync_call("POST", path, {**params, "filename": stream})

        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, send)
        except Exception as exc:
            raise translate(exc, url=self.url, node=on_node) from exc

    async def get(self, path: str, /, **params: Any) -> Any:
        return await self.call("GET", path, **params)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _wire(value: Any) -> Any:
    """PVE form encoding takes booleans only as 1/0 (`True` fails its type check)."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, list | tuple | set):
        return ",".join(str(_wire(v)) for v in value)
    return value


def _pin_session(api: Any, fingerprint: str) -> None:
    from requests.adapters import HTTPAdapter

    class PinnedAdapter(HTTPAdapter):
        def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
            kwargs["assert_fingerprint"] = _normalise_fp(fingerprint)
            super().init_poolmanager(*args, **kwargs)

    api._store["session"].mount("https://", PinnedAdapter())
