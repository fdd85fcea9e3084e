"""Faults: offline nodes, error rate, latency, the API going down and coming back."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import token_client, wait_until


def _auth(info: SandboxInfo) -> dict[str, str]:
    return {"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"}


def _refused(info: SandboxInfo) -> bool:
    try:
        requests.get(
            f"{info.url}/api2/json/version", verify=info.ca_cert, headers=_auth(info), timeout=2
        )
    except requests.ConnectionError:
        return True
    return False


@pytest.fixture
def offline(make_sandbox: Callable[..., SandboxServer]) -> ProxmoxAPI:
    srv = make_sandbox(offline_nodes={"pve3"})
    assert srv.info is not None
    return token_client(srv.info)


def test_offline_node_is_offline_in_nodes_and_cluster_status(offline: ProxmoxAPI) -> None:
    assert {n["node"]: n["status"] for n in offline.nodes.get()}["pve3"] == "offline"
    rows = {r["name"]: r for r in offline.cluster.status.get()}
    assert rows["pve3"]["online"] == 0 and rows["pxa-lab"]["quorate"] == 1


def test_guests_of_an_offline_node_are_unknown_without_stats(offline: ProxmoxAPI) -> None:
    guests = [r for r in offline.cluster.resources.get(type="vm") if r["node"] == "pve3"]
    assert guests and all(g["status"] == "unknown" and "cpu" not in g for g in guests)


def test_calls_proxied_to_an_offline_node_get_595(offline: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        offline.nodes("pve3").qemu.get()
    assert (err.value.status_code, err.value.content) == (595, "Connection refused")


def test_node_can_go_offline_at_run_time(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.faults.offline_nodes.add("pve2")
    node_rows = [r for r in pve.cluster.resources.get(type="node") if r["node"] == "pve2"]
    assert node_rows[0]["status"] == "offline"


def test_error_rate_one_fails_every_request(make_sandbox: Callable[..., SandboxServer]) -> None:
    srv = make_sandbox(error_rate=1.0)
    assert srv.info is not None
    with pytest.raises(ResourceException) as err:
        token_client(srv.info).version.get()
    assert (err.value.status_code, err.value.content) == (500, "simulated fault")


def test_error_rate_is_repeatable_for_a_seed(make_sandbox: Callable[..., SandboxServer]) -> None:
    outcomes = []
    for _ in range(2):
        srv = make_sandbox(error_rate=0.5)
        assert srv.info is not None
        api = token_client(srv.info)
        run = []
        for _ in range(12):
            try:
                api.version.get()
                run.append(True)
            except ResourceException:
                run.append(False)
        outcomes.append(run)
        srv.stop()
    assert outcomes[0] == outcomes[1] and not all(outcomes[0]) and any(outcomes[0])


def test_latency_delays_replies(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.faults.latency_ms = 150
    began = time.monotonic()
    pve.version.get()
    assert time.monotonic() - began >= 0.15


def test_api_down_refuses_connections_and_comes_back_on_the_same_port(
    sandbox: SandboxServer, info: SandboxInfo, pve: ProxmoxAPI
) -> None:
    pve.version.get()  # a kept-alive connection must be dropped too
    sandbox.faults.api_down = True
    wait_until(lambda: _refused(info))
    with pytest.raises(requests.ConnectionError):
        pve.version.get()
    sandbox.faults.api_down = False
    wait_until(lambda: not _refused(info))
    assert pve.version.get()["release"] == "9.1"


def test_timed_outage_over_https_ends_by_itself(info: SandboxInfo) -> None:
    resp = requests.put(
        f"{info.url}/_sandbox/faults",
        json={"down_seconds": 0.5},
        verify=info.ca_cert,
        headers=_auth(info),
    )
    assert resp.json()["data"]["api_down"] is True
    wait_until(lambda: _refused(info))
    wait_until(lambda: not _refused(info))


def test_faults_are_readable_and_settable_over_https(info: SandboxInfo) -> None:
    url = f"{info.url}/_sandbox/faults"
    requests.put(
        url,
        json={"latency_ms": 5, "offline_nodes": ["pve2"]},
        verify=info.ca_cert,
        headers=_auth(info),
    )
    faults = requests.get(url, verify=info.ca_cert, headers=_auth(info)).json()["data"]
    assert (faults["latency_ms"], faults["offline_nodes"]) == (5, ["pve2"])


def test_sandbox_info_reports_the_world(info: SandboxInfo) -> None:
    data = requests.get(
        f"{info.url}/_sandbox/info", verify=info.ca_cert, headers=_auth(info)
    ).json()["data"]
    assert (data["seed"], data["vms"], data["fingerprint"]) == (42, 24, info.fingerprint)
