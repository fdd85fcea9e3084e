"""Storage status per node, in `/cluster/resources`, in RRD data, and offline."""

from __future__ import annotations

import io

import pytest
import requests
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import wait_task

LAB = {"local", "local-lvm", "nfs-backup", "pbs-main"}


def _rows(pve: ProxmoxAPI, node: str = "pve1", **query: object) -> dict[str, dict[str, object]]:
    return {r["storage"]: r for r in pve.nodes(node).storage.get(**query)}


def test_node_lists_every_storage_with_its_usage(pve: ProxmoxAPI) -> None:
    rows = _rows(pve)
    assert set(rows) == LAB
    for row in rows.values():
        assert row["active"] == 1 and row["enabled"] == 1
        assert row["used"] + row["avail"] == row["total"]
        assert row["used_fraction"] == pytest.approx(row["used"] / row["total"])
    assert (rows["nfs-backup"]["shared"], rows["local"]["shared"]) == (1, 0)


def test_content_filter_keeps_storages_that_hold_that_content(pve: ProxmoxAPI) -> None:
    assert set(_rows(pve, content="backup")) == {"local", "nfs-backup", "pbs-main"}
    assert set(_rows(pve, content="images,rootdir")) == {"local-lvm"}


def test_enabled_filter_drops_disabled_storages(pve: ProxmoxAPI) -> None:
    pve.storage("nfs-backup").put(disable=1)
    assert _rows(pve)["nfs-backup"]["enabled"] == 0
    assert "nfs-backup" not in _rows(pve, enabled=1)


def test_a_storage_restricted_to_other_nodes_is_not_enabled_here(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="fast", type="dir", path="/srv/fast", nodes="pve2", content="iso")
    assert _rows(pve)["fast"]["enabled"] == 0 and _rows(pve, "pve2")["fast"]["active"] == 1
    resources = {r["id"] for r in pve.cluster.resources.get(type="storage")}
    assert "storage/pve2/fast" in resources and "storage/pve1/fast" not in resources


def test_status_reports_one_storage(pve: ProxmoxAPI) -> None:
    status = pve.nodes("pve1").storage("local-lvm").status.get()
    assert status["type"] == "lvmthin" and status["content"] == "images,rootdir"
    assert status["used"] == _rows(pve)["local-lvm"]["used"]


def test_cluster_resources_has_a_row_per_storage_and_node(pve: ProxmoxAPI) -> None:
    rows = {r["id"]: r for r in pve.cluster.resources.get(type="storage")}
    assert len(rows) == 3 * len(LAB)
    pbs = rows["storage/pve2/pbs-main"]
    assert (pbs["plugintype"], pbs["status"], pbs["shared"]) == ("pbs", "available", 1)
    assert pbs["disk"] == _rows(pve, "pve2")["pbs-main"]["used"]


def test_used_space_follows_the_files_a_storage_holds(pve: ProxmoxAPI) -> None:
    before = _rows(pve)["local"]["used"]
    iso = io.BytesIO(b"\0" * 300_000)
    iso.name = "tiny.iso"
    wait_task(pve, pve.nodes("pve1").storage("local").upload.post(content="iso", filename=iso))
    assert _rows(pve)["local"]["used"] == before + 300_000
    assert _rows(pve, "pve2")["local"]["used"] < before  # pve2's local holds less


def test_rrddata_ends_at_the_current_usage(pve: ProxmoxAPI) -> None:
    rows = pve.nodes("pve1").storage("pbs-main").rrddata.get(timeframe="day")
    assert len(rows) == 1440 and rows[1]["time"] - rows[0]["time"] == 60
    status = pve.nodes("pve1").storage("pbs-main").status.get()
    assert rows[-1]["total"] == status["total"]
    assert rows[-1]["used"] == pytest.approx(status["used"], rel=0.02)
    assert rows[0]["used"] < rows[-1]["used"] * 1.03


def test_rrddata_of_an_unknown_storage_fails(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").storage("nowhere").rrddata.get(timeframe="hour")
    assert err.value.content.startswith("RRD error: opening '/var/lib/rrdcached/db/")


def test_offline_storage_is_inactive_and_unknown(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.faults.offline_storages.add("nfs-backup")
    row = _rows(pve)["nfs-backup"]
    assert (row["active"], row["total"], row["enabled"]) == (0, 0, 1)
    resource = next(
        r for r in pve.cluster.resources.get(type="storage") if r["storage"] == "nfs-backup"
    )
    assert resource["status"] == "unknown" and "disk" not in resource


def test_offline_storage_refuses_its_content(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.faults.offline_storages.add("nfs-backup")
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").storage("nfs-backup").content.get()
    assert (err.value.status_code, err.value.content) == (500, "storage 'nfs-backup' is not online")


def test_offline_pbs_reports_the_connection_failure(
    sandbox: SandboxServer, pve: ProxmoxAPI
) -> None:
    sandbox.faults.offline_storages.add("pbs-main")
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").storage("pbs-main").content.get()
    assert err.value.content == (
        "pbs-main: error fetching datastores - 500 Can't connect to 192.168.1.30:8007 "
        "(No route to host)"
    )


def test_storages_go_offline_over_https(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    resp = requests.put(
        f"{info.url}/_sandbox/faults",
        json={"offline_storages": ["nfs-backup"], "vzdump_fail_rate": 0.25},
        verify=info.ca_cert,
        headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"},
    )
    faults = resp.json()["data"]
    assert (faults["offline_storages"], faults["vzdump_fail_rate"]) == (["nfs-backup"], 0.25)
    assert _rows(pve)["nfs-backup"]["active"] == 0
