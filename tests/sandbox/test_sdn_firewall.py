"""Vnet firewalls: forward rules and options, checked like VM rules."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
from proxmoxer import ProxmoxAPI, ResourceException
from proxmoxer.core import ProxmoxResource

from .helpers import token_client
from .test_sdn import serve

_TAGS = itertools.count(200)


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[ProxmoxAPI]:
    for srv in serve(tmp_path_factory, tls_dir):
        assert srv.info is not None
        yield token_client(srv.info)


@pytest.fixture
def fw(lab: ProxmoxAPI) -> ProxmoxResource:
    """A fresh vnet for each test, so they can share one sandbox."""
    tag = next(_TAGS)
    lab.cluster.sdn.vnets.post(vnet=f"fw{tag}", zone="lab", tag=tag)
    return lab.cluster.sdn.vnets(f"fw{tag}").firewall


def _refusal(fw: ProxmoxResource, **rule: object) -> dict[str, str]:
    with pytest.raises(ResourceException) as err:
        fw.rules.post(**{"type": "forward", "action": "ACCEPT", **rule})
    assert err.value.status_code == 400
    return err.value.errors


def test_lab_prod_vnet_drops_development_traffic(lab: ProxmoxAPI) -> None:
    rules = lab.cluster.sdn.vnets("prod").firewall.rules.get()
    assert (rules[0]["type"], rules[0]["action"], rules[0]["source"]) == (
        "forward",
        "DROP",
        "192.168.40.0/24",
    )


def test_new_rule_goes_to_position_zero_and_is_disabled(fw: ProxmoxResource) -> None:
    fw.rules.post(type="forward", action="ACCEPT", proto="tcp", dport="443")
    fw.rules.post(type="forward", action="DROP", proto="tcp", dport="22")
    assert [(r["pos"], r["dport"], r["enable"]) for r in fw.rules.get()] == [
        (0, "22", 0),
        (1, "443", 0),
    ]


def test_rule_can_be_enabled_moved_and_deleted(fw: ProxmoxResource) -> None:
    fw.rules.post(type="forward", action="ACCEPT", proto="tcp", dport="80")
    fw.rules.post(type="forward", action="DROP", proto="udp", dport="53")
    fw.rules(0).put(enable=1)
    fw.rules(0).put(moveto=1)
    assert [(r["dport"], r["enable"]) for r in fw.rules.get()] == [("80", 0), ("53", 1)]
    fw.rules(1).delete()
    assert [r["dport"] for r in fw.rules.get()] == ["80"]


def test_rule_takes_service_names_ranges_and_lists(fw: ProxmoxResource) -> None:
    fw.rules.post(type="forward", action="ACCEPT", proto="tcp", dport="ssh,https,8000:8080")
    assert fw.rules(0).get()["dport"] == "ssh,https,8000:8080"


def test_rule_takes_aliases_and_ip_sets_as_addresses(fw: ProxmoxResource) -> None:
    fw.rules.post(type="forward", action="ACCEPT", source="+dc/office", dest="dbservers")
    assert (fw.rules(0).get()["source"], fw.rules(0).get()["dest"]) == ("+dc/office", "dbservers")


def test_vnet_rules_are_forward_rules(fw: ProxmoxResource) -> None:
    assert _refusal(fw, type="in") == {"type": "rule type 'in' is not allowed here"}


def test_unknown_action_is_refused(fw: ProxmoxResource) -> None:
    assert _refusal(fw, action="ALLOW") == {"action": "unknown action 'ALLOW'"}


def test_port_above_65535_is_refused(fw: ProxmoxResource) -> None:
    assert _refusal(fw, proto="tcp", dport="70000") == {
        "dport": "invalid format - invalid port '70000'"
    }


def test_backwards_port_range_is_refused(fw: ProxmoxResource) -> None:
    assert _refusal(fw, proto="tcp", sport="90:80") == {
        "sport": "invalid format - backwards range '90:80' not allowed, did you mean '80:90'?"
    }


def test_unknown_service_name_is_refused(fw: ProxmoxResource) -> None:
    assert _refusal(fw, proto="tcp", dport="nosuchsvc") == {
        "dport": "invalid format - invalid port 'nosuchsvc'"
    }


def test_port_without_a_protocol_is_refused(fw: ProxmoxResource) -> None:
    assert _refusal(fw, dport="22") == {
        "proto": "missing property - 'dport' requires this property"
    }


def test_unknown_protocol_is_refused(fw: ProxmoxResource) -> None:
    assert _refusal(fw, proto="tcpx") == {"proto": "invalid format - unknown protocol 'tcpx'"}


def test_address_with_host_bits_in_the_prefix_is_refused(fw: ProxmoxResource) -> None:
    assert _refusal(fw, source="10.0.0.1/8") == {
        "source": "invalid format - invalid IP address: Invalid IP 10.0.0.1/8"
    }


def test_options_put_then_get(fw: ProxmoxResource) -> None:
    fw.options.put(enable=1, policy_forward="DROP")
    options = fw.options.get()
    assert (options["enable"], options["policy_forward"]) == (1, "DROP")


def test_edit_with_a_stale_digest_is_refused(fw: ProxmoxResource) -> None:
    fw.rules.post(type="forward", action="ACCEPT", proto="tcp", dport="80")
    stale = fw.rules.get()[0]["digest"]
    fw.rules(0).put(enable=1)
    with pytest.raises(ResourceException) as err:
        fw.rules(0).put(enable=0, digest=stale)
    assert err.value.content.startswith("detected modified configuration")
