"""SandboxServer: one simulated cluster per state dir, served over HTTPS on loopback."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import IO, Any

from pxa.sandbox import paths, store, tls
from pxa.sandbox.api import build_router
from pxa.sandbox.app import SandboxApp
from pxa.sandbox.auth import AUDITOR_TOKEN, ROOT, ROOT_TOKEN, TICKET_LIFETIME
from pxa.sandbox.faults import Faults
from pxa.sandbox.listener import Listener
from pxa.sandbox.world import DEFAULT_SEED, DEFAULT_VMS, World

MAX_VMS = 10_000
log = logging.getLogger("pxa.sandbox")


@dataclass(frozen=True)
class SandboxInfo:
    url: str
    host: str
    port: int
    ca_cert: str
    fingerprint: str
    user: str
    password: str
    token_id: str
    token_secret: str
    readonly_token_id: str
    readonly_token_secret: str
    pid: int
    state_dir: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SandboxInfo:
        return cls(**{f.name: data[f.name] for f in fields(cls)})


class SandboxServer:
    def __init__(
        self,
        state_dir: Path,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        vms: int | None = None,
        seed: int | None = None,
        speed: float = 1.0,
        reset: bool = False,
        latency_ms: int = 0,
        error_rate: float = 0.0,
        offline_nodes: set[str] | frozenset[str] = frozenset(),
        ticket_lifetime: int = TICKET_LIFETIME,
        idle_timeout: float | None = None,
    ) -> None:
        if vms is not None and not 0 <= vms <= MAX_VMS:
            raise ValueError(f"vms must be between 0 and {MAX_VMS}")
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.state_dir = Path(state_dir)
        self.host, self.port, self.vms, self.seed = host, port, vms, seed
        self.speed, self.reset, self.ticket_lifetime = speed, reset, ticket_lifetime
        self.idle_timeout = idle_timeout
        self.faults = Faults(
            latency_ms=latency_ms,
            error_rate=error_rate,
            offline_nodes=offline_nodes,
            seed=DEFAULT_SEED if seed is None else seed,
        )
        self.world: World | None = None
        self.info: SandboxInfo | None = None
        self.app: SandboxApp | None = None
        self._listener: Listener | None = None
        self._saver: store.Saver | None = None
        self._lock_file: IO[str] | None = None
        self._stopped = threading.Event()

    # --- lifecycle -----------------------------------------------------------------

    def start(self) -> SandboxInfo:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._take_run_lock()
        try:
            return self._start()
        except BaseException:
            self._release_run_lock()
            raise

    def _start(self) -> SandboxInfo:
        cert, key = tls.ensure_certificate(self.state_dir / paths.TLS_DIR)
        state_path = self.state_dir / paths.STATE_FILE
        world = None if self.reset else store.load(state_path)
        if (
            world is not None
            and (self.seed, self.vms) != (None, None)
            and (
                (self.seed is not None and self.seed != world.seed)
                or (self.vms is not None and self.vms != world.vm_count)
            )
        ):
            log.warning(
                "keeping the saved world of %s (seed %s, %s VMs); pass reset=True for a new one",
                self.state_dir,
                world.seed,
                world.vm_count,
            )
        if world is None:
            world = World.generate(
                DEFAULT_SEED if self.seed is None else self.seed,
                DEFAULT_VMS if self.vms is None else self.vms,
            )
        world.speed = self.speed
        world.faults = self.faults
        world.fingerprint = tls.fingerprint(cert)
        world.accounts.ticket_lifetime = self.ticket_lifetime
        world.tick(time.time())  # tasks that were running at the last stop finish by the clock
        self.world = world
        self.app = SandboxApp(world, build_router())
        self._saver = store.Saver(world, state_path)
        self._saver.save_if_changed()
        self._saver.start()
        self._listener = Listener(self.app, self.host, self.port, cert, key)
        self._listener.start()
        self.faults.on_api_down(self._listener.set_down)
        root, auditor = world.accounts.tokens[ROOT_TOKEN], world.accounts.tokens[AUDITOR_TOKEN]
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.info = SandboxInfo(
            url=f"https://{host}:{self._listener.port}",
            host=self.host,
            port=self._listener.port,
            ca_cert=str(cert),
            fingerprint=world.fingerprint,
            user=ROOT,
            password=world.accounts.users[ROOT].password,
            token_id=ROOT_TOKEN,
            token_secret=root.secret,
            readonly_token_id=AUDITOR_TOKEN,
            readonly_token_secret=auditor.secret,
            pid=os.getpid(),
            state_dir=str(self.state_dir),
        )
        self.app.info = {
            "url": self.info.url,
            "fingerprint": self.info.fingerprint,
            "pid": self.info.pid,
            "state_dir": self.info.state_dir,
        }
        _write_private(
            self.state_dir / paths.SERVER_FILE,
            json.dumps({**self.info.to_dict(), "started": time.time()}, indent=2),
        )
        if self.idle_timeout:
            threading.Thread(target=self._idle_watch, name="sandbox-idle", daemon=True).start()
        return self.info

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        self.faults.cancel()
        if self._listener is not None:
            self._listener.stop()
        if self._saver is not None:
            self._saver.stop()
        server_file = self.state_dir / paths.SERVER_FILE
        try:
            if json.loads(server_file.read_text()).get("pid") == os.getpid():
                server_file.unlink()
        except (FileNotFoundError, ValueError):
            pass
        self._release_run_lock()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the server stops (by `stop()` or the idle timeout)."""
        return self._stopped.wait(timeout)

    def __enter__(self) -> SandboxServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- internals -----------------------------------------------------------------

    def _idle_watch(self) -> None:
        assert self.app is not None and self.idle_timeout
        while not self._stopped.wait(min(5.0, self.idle_timeout / 4)):
            if time.time() - self.app.last_request > self.idle_timeout:
                self.stop()

    def _take_run_lock(self) -> None:
        fh = open(self.state_dir / paths.RUN_LOCK, "a+")  # noqa: SIM115 - held while running
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            fh.close()
            raise RuntimeError(f"a sandbox already runs on {self.state_dir}") from None
        self._lock_file = fh

    def _release_run_lock(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None


def _write_private(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)
