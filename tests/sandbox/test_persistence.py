"""One world per state dir: it survives restarts until reset."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pxa.sandbox.server import SandboxServer

from .helpers import token_client, wait_task


def _restart(
    make_sandbox: Callable[..., SandboxServer], srv: SandboxServer, **kw: object
) -> SandboxServer:
    srv.stop()
    return make_sandbox(srv.state_dir, **kw)


def test_vm_created_before_a_restart_is_still_there(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    srv = make_sandbox()
    assert srv.info is not None
    api = token_client(srv.info)
    wait_task(api, api.nodes("pve1").qemu.post(vmid=800, name="kept", scsi0="local-lvm:8"))
    srv = _restart(make_sandbox, srv)
    assert srv.info is not None
    assert token_client(srv.info).nodes("pve1").qemu(800).config.get()["name"] == "kept"


def test_task_running_at_stop_completes_by_the_clock_after_restart(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    srv = make_sandbox(speed=1)  # a full clone now takes 12 s of real time
    assert srv.info is not None and srv.world is not None
    api = token_client(srv.info)
    upid = api.nodes("pve1").qemu(9000).clone.post(newid=801, full=1)
    srv.world.tasks.by_upid[upid].start -= 60  # as if a minute passed while it was down
    srv = _restart(make_sandbox, srv)
    assert srv.info is not None
    status = token_client(srv.info).nodes("pve1").tasks(upid).status.get()
    assert (status["status"], status["exitstatus"]) == ("stopped", "OK")


def test_state_is_written_atomically_soon_after_a_change(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    srv = make_sandbox()
    assert srv.info is not None
    token_client(srv.info).nodes("pve1").qemu(9000).config.put(description="changed")
    state = srv.state_dir / "state.json"

    def saved() -> bool:
        data = json.loads(state.read_text())
        return any(
            g["vmid"] == 9000 and g["config"].get("description") == "changed"
            for g in data["guests"]
        )

    from .helpers import wait_until

    wait_until(saved, timeout=3)
    assert not (srv.state_dir / "state.json.tmp").exists()


def test_reset_starts_the_world_afresh(make_sandbox: Callable[..., SandboxServer]) -> None:
    srv = make_sandbox()
    assert srv.info is not None
    wait_task(token_client(srv.info), token_client(srv.info).nodes("pve1").qemu.post(vmid=802))
    srv = _restart(make_sandbox, srv, reset=True)
    assert srv.world is not None
    assert 802 not in srv.world.guests


def test_certificate_fingerprint_is_stable_across_restarts(
    make_sandbox: Callable[..., SandboxServer], tmp_path: Path
) -> None:
    srv = make_sandbox(tmp_path / "fresh")
    assert srv.info is not None
    first = srv.info.fingerprint
    srv = _restart(make_sandbox, srv)
    assert srv.info is not None and srv.info.fingerprint == first


def test_second_server_on_the_same_state_dir_is_refused(sandbox: SandboxServer) -> None:
    with pytest.raises(RuntimeError, match="already runs"):
        SandboxServer(sandbox.state_dir).start()


def test_server_file_names_the_live_server_and_goes_away_on_stop(
    make_sandbox: Callable[..., SandboxServer],
) -> None:
    srv = make_sandbox()
    assert srv.info is not None
    server_file = srv.state_dir / "server.json"
    assert json.loads(server_file.read_text())["port"] == srv.info.port
    srv.stop()
    assert not server_file.exists()


def test_idle_server_stops_by_itself(make_sandbox: Callable[..., SandboxServer]) -> None:
    srv = make_sandbox(idle_timeout=0.3)
    assert srv.wait(timeout=10)
