"""VM firewall options and rules."""

from __future__ import annotations

import pytest
from proxmoxer import ProxmoxAPI, ResourceException
from proxmoxer.core import ProxmoxResource

from .helpers import find_vm


@pytest.fixture
def fw(pve: ProxmoxAPI) -> ProxmoxResource:
    node, vmid = find_vm(pve, "app-server-02")
    return pve.nodes(node).qemu(vmid).firewall


def test_options_put_then_get(fw: ProxmoxResource) -> None:
    fw.options.put(enable=1, policy_in="DROP")
    opts = fw.options.get()
    assert (opts["enable"], opts["policy_in"]) == (1, "DROP")


def test_new_rule_goes_to_position_zero_and_is_disabled(fw: ProxmoxResource) -> None:
    fw.rules.post(type="in", action="ACCEPT", proto="tcp", dport="443")
    fw.rules.post(type="in", action="ACCEPT", proto="tcp", dport="22", source="10.0.0.0/8")
    rules = fw.rules.get()
    assert [(r["pos"], r["dport"], r["enable"]) for r in rules] == [(0, "22", 0), (1, "443", 0)]


def test_rule_can_be_enabled_moved_and_deleted(fw: ProxmoxResource) -> None:
    fw.rules.post(type="in", action="ACCEPT", dport="80")
    fw.rules.post(type="out", action="DROP", dport="25")
    fw.rules(0).put(enable=1)
    fw.rules(0).put(moveto=1)
    assert [(r["dport"], r["enable"]) for r in fw.rules.get()] == [("80", 0), ("25", 1)]
    fw.rules(1).delete()
    assert [r["dport"] for r in fw.rules.get()] == ["80"]


def test_rule_with_an_unknown_action_is_refused(fw: ProxmoxResource) -> None:
    with pytest.raises(ResourceException) as err:
        fw.rules.post(type="in", action="ALLOW")
    assert err.value.errors == {"action": "unknown action 'ALLOW'"}


def test_lab_web_server_has_ssh_open_to_the_world(pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-01")
    rules = pve.nodes(node).qemu(vmid).firewall.rules.get()
    assert any(
        r.get("dport") == "22" and r.get("source") == "0.0.0.0/0" and r["enable"] == 1
        for r in rules
    )
