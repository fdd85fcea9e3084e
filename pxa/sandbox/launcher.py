"""Find the sandbox that serves a state dir, or start one in the background.

The detached server writes `server.json` (pid, port, credentials; mode 0600) and
exits after `--idle-timeout` seconds without requests. A lock file makes two
callers wait for one server instead of starting two.
"""

from __future__ import annotations

import contextlib
import fcntl
import http.client
import json
import os
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pxa.sandbox.paths import LAUNCH_LOCK, LOG_FILE, SERVER_FILE, default_state_dir
from pxa.sandbox.server import SandboxInfo

IDLE_TIMEOUT = 1800


def read_running(state_dir: Path | None = None) -> SandboxInfo | None:
    """The live sandbox of `state_dir`, verified by an HTTPS call pinned to its cert."""
    state_dir = Path(state_dir or default_state_dir())
    try:
        info = SandboxInfo.from_dict(json.loads((state_dir / SERVER_FILE).read_text()))
    except (FileNotFoundError, ValueError, KeyError, TypeError):
        return None
    if not _alive(info.pid):
        return None
    return info if _answers(info) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _answers(info: SandboxInfo, timeout: float = 3.0) -> bool:
    try:
        ctx = ssl.create_default_context(cafile=info.ca_cert)
        conn = http.client.HTTPSConnection(info.host, info.port, context=ctx, timeout=timeout)
        conn.request(
            "GET",
            "/api2/json/version",
            headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"},
        )
        ok = conn.getresponse().status == 200
        conn.close()
        return ok
    except (OSError, ssl.SSLError, http.client.HTTPException):
        return False


@contextlib.contextmanager
def _launch_lock(state_dir: Path) -> Iterator[None]:
    with open(state_dir / LAUNCH_LOCK, "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_running(
    state_dir: Path | None = None,
    vms: int | None = None,
    seed: int | None = None,
    speed: float = 1.0,
    *,
    timeout: float = 30.0,
) -> SandboxInfo:
    """Attach to the sandbox of `state_dir`, or spawn a detached one and wait for it."""
    state_dir = Path(state_dir or default_state_dir())
    state_dir.mkdir(parents=True, exist_ok=True)
    with _launch_lock(state_dir):
        info = read_running(state_dir)
        if info is not None:
            return info
        cmd = [
            sys.executable,
            "-m",
            "pxa.sandbox",
            "serve",
            "--state-dir",
            str(state_dir),
            "--idle-timeout",
            str(IDLE_TIMEOUT),
            "--speed",
            str(speed),
        ]
        if vms is not None:
            cmd += ["--vms", str(vms)]
        if seed is not None:
            cmd += ["--seed", str(seed)]
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
        log_fd = os.open(state_dir / LOG_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(log_fd, "ab") as log:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
                close_fds=True,
                env=env,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = read_running(state_dir)
            if info is not None and info.pid == proc.pid:
                return info
            if proc.poll() is not None:
                raise RuntimeError(
                    f"sandbox exited with {proc.returncode}; see {state_dir / LOG_FILE}"
                )
            time.sleep(0.05)
        proc.terminate()
        raise RuntimeError(f"sandbox did not come up within {timeout:.0f}s")


def stop_running(state_dir: Path | None = None, timeout: float = 15.0) -> bool:
    """Stop the sandbox of `state_dir`; False when none was running."""
    state_dir = Path(state_dir or default_state_dir())
    try:
        pid = int(json.loads((state_dir / SERVER_FILE).read_text())["pid"])
    except (FileNotFoundError, ValueError, KeyError):
        return False
    if pid == os.getpid() or not _alive(pid):
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # reap it when it is our own child
        time.sleep(0.05)
    return not _alive(pid)
