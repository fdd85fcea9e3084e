"""Networks, storage, backups, security, monitoring and webhooks through the SDK.

A test skips, naming the routes, while the server does not serve them yet.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest

from pxa.models.backup import Backup, Coverage, ScheduleList
from pxa.models.monitoring import SystemMetrics, VmMetrics
from pxa.models.network import FirewallRuleList, Network, NetworkList
from pxa.models.scan import Scan, ScanResult, ScoreHistory
from pxa.models.storage import ContentList, StorageCreate, StorageList, StoragePool
from pxa.models.webhook import Webhook
from pxa.sdk import ConflictError, NotFoundError, ProxmoxAIClient, ValidationError

Needs = Callable[..., None]


def done(client: ProxmoxAIClient, job_id: str | None) -> str:
    assert job_id
    job = client.jobs.wait(job_id, timeout=60, poll=0.1)
    assert job.status == "completed", job.error
    return job.status.value


def test_networks_create_read_change_and_delete(client: ProxmoxAIClient, needs: Needs) -> None:
    needs("GET /v1/networks", "POST /v1/networks", "GET /v1/networks/{network_id}")
    needs("PUT /v1/networks/{network_id}", "DELETE /v1/networks/{network_id}")
    listed = client.networks.list()
    assert isinstance(listed, NetworkList) and any(n.type == "bridge" for n in listed.networks)
    assert all(n.type == "vlan" for n in client.networks.list(type="vlan").networks)

    made = client.networks.create(
        {
            "name": "development-vlan",
            "type": "vlan",
            "vlan_id": 200,
            "subnet": "192.168.2.0/24",
            "gateway": "192.168.2.1",
            "dns_servers": ["8.8.8.8", "8.8.4.4"],
        }
    )
    assert made.network is not None
    done(client, made.job_id)
    net = client.networks.get(made.network.id)
    assert isinstance(net, Network) and (net.vlan_id, net.subnet) == (200, "192.168.2.0/24")

    changed = client.networks.update(net.id, dns_servers=["1.1.1.1"])
    done(client, changed.job_id)
    assert client.networks.get(net.id).dns_servers == ["1.1.1.1"]

    done(client, client.networks.delete(net.id).job_id)
    with pytest.raises(NotFoundError):
        client.networks.get(net.id)


def test_a_taken_vlan_is_a_conflict(client: ProxmoxAIClient, needs: Needs) -> None:
    needs("GET /v1/networks", "POST /v1/networks")
    taken = next(n for n in client.networks.list().networks if n.vlan_id)
    with pytest.raises(ConflictError) as caught:
        client.networks.create(name="dup", vlan_id=taken.vlan_id, subnet="192.168.77.0/24")
    assert caught.value.details.get("field") == "vlan_id"


def test_network_firewall_rules_add_list_delete(client: ProxmoxAIClient, needs: Needs) -> None:
    rules = "/v1/networks/{network_id}/firewall-rules"
    needs("GET /v1/networks", f"GET {rules}", f"POST {rules}", f"DELETE {rules}/{{rule_id}}")
    net = next(n for n in client.networks.list(type="vlan").networks)
    before = client.networks.rules.list(net.id)
    after = client.networks.rules.add(
        net.id, action="allow", protocol="tcp", port=22, source="192.168.0.0/16"
    )
    assert isinstance(after, FirewallRuleList) and len(after.rules) == len(before.rules) + 1
    first = after.rules[0]
    assert (first.action, first.port, first.source) == ("allow", "22", "192.168.0.0/16")
    left = client.networks.rules.delete(net.id, first.id)
    assert len(left.rules) == len(before.rules)


def test_storage_list_get_create_and_browse(client: ProxmoxAIClient, needs: Needs) -> None:
    needs("GET /v1/storage", "POST /v1/storage", "GET /v1/storage/{storage_id}")
    needs("GET /v1/storage/{storage_id}/content")
    pools = client.storage.list()
    assert isinstance(pools, StorageList) and {"local", "local-lvm"} <= {
        p.id for p in pools.storage
    }
    assert all("iso" in p.content for p in client.storage.list(content="iso").storage)
    local = client.storage.get("local")
    assert isinstance(local, StoragePool) and local.usage

    made = client.storage.create(name="zfs2", type="zfspool", pool="rpool/data2")
    assert (made.id, made.type, made.details["pool"]) == ("zfs2", "zfspool", "rpool/data2")
    pbs = client.storage.create(
        StorageCreate(
            name="pbs2",
            type="pbs",
            server="10.0.0.9",
            datastore="ds",
            username="backup@pbs",
            password="a-secret-sent-once",  # a SecretStr in the model, sent in clear
            fingerprint=":".join(["ab"] * 32),
        )
    )
    assert pbs.type == "pbs" and "password" not in pbs.details

    isos = client.storage.content("local", content="iso")
    assert isinstance(isos, ContentList) and all(i.content == "iso" for i in isos.items)


def test_upload_streams_a_file_and_the_iso_appears(
    client: ProxmoxAIClient, needs: Needs, tmp_path: Path
) -> None:
    needs("POST /v1/storage/{storage_id}/upload", "GET /v1/storage/{storage_id}/content")
    iso = tmp_path / "sdk-rescue.iso"
    iso.write_bytes(b"\x5a" * (2 * 1024 * 1024 + 5))
    digest = hashlib.sha256(iso.read_bytes()).hexdigest()
    accepted = client.storage.upload("local", iso, content="iso", node="pve2", checksum=digest)
    done(client, accepted.job_id)
    items = client.storage.content("local", node="pve2", content="iso").items
    assert "local:iso/sdk-rescue.iso" in {i.volid for i in items}


def test_upload_of_the_wrong_kind_is_a_validation_error(
    client: ProxmoxAIClient, needs: Needs, tmp_path: Path
) -> None:
    needs("POST /v1/storage/{storage_id}/upload")
    text = tmp_path / "notes.txt"
    text.write_text("not an iso")
    with pytest.raises(ValidationError) as caught:
        client.storage.upload("local", text, content="iso")
    assert caught.value.details.get("field") == "path"


def test_backups_list_iter_get_create_restore_delete(client: ProxmoxAIClient, needs: Needs) -> None:
    needs("GET /v1/backups", "POST /v1/backups", "GET /v1/backups/{backup_id}")
    needs("POST /v1/backups/{backup_id}/restore", "DELETE /v1/backups/{backup_id}")
    page = client.backups.list(limit=5)
    assert len(page.backups) == 5 and page.pagination.total > 60
    every = list(client.backups.iter(limit=60))  # four pages or so
    assert all(isinstance(b, Backup) for b in every)
    assert len(every) == len({b.id for b in every}) == page.pagination.total
    assert client.backups.get(every[0].id).volid == every[0].volid

    stopped = client.vms.list(type="qemu", status="stopped").vms
    vm_id = min(stopped, key=lambda vm: vm.storage_gb or 0).id
    made = client.backups.create(
        vm_id, storage="local", compression="gzip", description="SDK backup"
    )
    done(client, made.job_id)
    fresh = client.backups.list(vm_id=vm_id).backups[0]
    assert fresh.notes == "SDK backup" and fresh.compression == "gzip"

    done(client, client.backups.restore(fresh.id, target="new", vmid=777).job_id)
    assert client.vms.get("vm-777").status == "stopped"
    done(client, client.backups.delete(fresh.id).job_id)
    with pytest.raises(NotFoundError):
        client.backups.get(fresh.id)


def test_backup_schedules_and_coverage(client: ProxmoxAIClient, needs: Needs) -> None:
    schedules = "/v1/backups/schedules"
    needs(f"GET {schedules}", f"POST {schedules}", "GET /v1/backups/coverage")
    needs(f"PUT {schedules}/{{schedule_id}}", f"DELETE {schedules}/{{schedule_id}}")
    listed = client.backups.schedules.list()
    assert isinstance(listed, ScheduleList) and listed.schedules
    coverage = client.backups.coverage()
    assert isinstance(coverage, Coverage) and coverage.uncovered
    target = coverage.uncovered[0]
    made = client.backups.schedules.create(
        schedule="sun 04:00", storage="local", vm_ids=[target], retention={"keep_last": 3}
    )
    assert target not in client.backups.coverage().uncovered
    changed = client.backups.schedules.update(made.id, schedule="sat 05:00", enabled=False)
    assert (changed.schedule, changed.enabled) == ("sat 05:00", False)
    assert client.backups.schedules.delete(made.id).message
    assert made.id not in {s.id for s in client.backups.schedules.list().schedules}


def test_security_scan_findings_fix_and_history(client: ProxmoxAIClient, needs: Needs) -> None:
    needs("POST /v1/security/scans", "GET /v1/security/scans/{scan_id}", "GET /v1/security/scans")
    needs("POST /v1/security/findings/{finding_id}/fix", "GET /v1/security/vms/{vm_id}/history")
    scan = client.security.scan("configuration", targets=["all"])
    assert isinstance(scan, Scan) and scan.status == "running" and scan.job_id
    done(client, scan.job_id)
    found = client.security.get_scan(scan.id)
    assert isinstance(found, ScanResult) and found.scan.status == "completed" and found.findings
    assert scan.id in {s.id for s in client.security.list_scans(limit=5).scans}

    fixable = next(f for f in found.findings if f.fix)
    fixed = client.security.fix(fixable.id)
    assert fixed.id == fixable.id

    vm_id = found.scores[0].target
    history = client.security.history(vm_id)
    assert isinstance(history, ScoreHistory) and history.points


def test_monitoring_system_and_vm_metrics(client: ProxmoxAIClient, needs: Needs) -> None:
    needs("GET /v1/monitoring/metrics", "GET /v1/monitoring/vms/{vm_id}/metrics")
    system = client.monitoring.metrics()
    assert isinstance(system, SystemMetrics) and system.nodes and system.vms
    vm_id = client.vms.list(status="running", type="qemu", limit=1).vms[0].id
    series = client.monitoring.vm_metrics(vm_id, period="1h", metrics=["cpu", "memory"])
    assert isinstance(series, VmMetrics) and series.vm_id == vm_id
    assert series.series and all(s.name.startswith(("cpu", "memory")) for s in series.series)
    with pytest.raises(ValidationError) as caught:
        client.monitoring.vm_metrics(vm_id, metrics="cpu,temperature")
    assert caught.value.details["field"] == "metrics"


def test_webhooks_create_list_get_test_deliveries_delete(
    client: ProxmoxAIClient, needs: Needs
) -> None:
    hooks = "/v1/webhooks"
    needs(f"POST {hooks}", f"GET {hooks}", f"GET {hooks}/{{webhook_id}}")
    needs(f"POST {hooks}/{{webhook_id}}/test", f"GET {hooks}/{{webhook_id}}/deliveries")
    needs(f"DELETE {hooks}/{{webhook_id}}")
    made = client.webhooks.create(
        "http://127.0.0.1:9/hook", ["vm.created", "vm.status_changed"], "whsec-0123456789abcdef"
    )
    assert isinstance(made, Webhook) and made.active and not hasattr(made, "secret")
    assert made.id in {w.id for w in client.webhooks.list().webhooks}
    assert client.webhooks.get(made.id).events == ["vm.created", "vm.status_changed"]
    ping = client.webhooks.test(made.id)
    assert ping.event == "webhook.ping"
    assert ping.id in {d.id for d in client.webhooks.deliveries(made.id).deliveries}
    assert client.webhooks.delete(made.id).message
    with pytest.raises(NotFoundError):
        client.webhooks.get(made.id)
