"""PXA-CL-001..002 (datacenter and node firewalls) and PXA-WB-001 (TLS for web servers)."""

from __future__ import annotations

from pxa.policy.view import NodeView


def test_a_disabled_datacenter_firewall_is_reported_against_the_cluster(
    judge, cluster_with
) -> None:
    [finding] = judge("PXA-CL-001", cluster=cluster_with(firewall_enabled=False))
    assert (finding.target, finding.evidence) == ("cluster", "cluster.fw [OPTIONS]: enable: 0")
    assert finding.fix is None  # turning it on without admin rules can lock everyone out


def test_an_enabled_or_unknown_datacenter_firewall_passes(judge, cluster, cluster_with) -> None:
    assert judge("PXA-CL-001", cluster=cluster) == []
    assert judge("PXA-CL-001", cluster=cluster_with(firewall_enabled=None)) == []


def test_a_node_with_its_firewall_off_is_reported_against_the_node(judge, cluster_with) -> None:
    nodes = [
        NodeView(name="pve1", firewall_enabled=True),
        NodeView(name="pve2", firewall_enabled=False),
    ]
    [finding] = judge("PXA-CL-002", cluster=cluster_with(nodes=nodes))
    assert (finding.target, finding.evidence) == ("node/pve2", "host.fw on pve2: enable: 0")


def test_a_node_whose_firewall_state_is_unknown_passes(judge, cluster_with) -> None:
    assert judge("PXA-CL-002", cluster=cluster_with(nodes=[NodeView(name="pve3")])) == []


def test_a_web_server_without_tls_is_reported(judge, guest_with) -> None:
    [finding] = judge("PXA-WB-001", guest_with(services__tls=False))
    assert finding.evidence == "services: web_server=true, tls=false"


def test_a_web_server_with_tls_passes(judge, guest) -> None:
    assert judge("PXA-WB-001", guest) == []


def test_tls_is_only_asked_of_web_servers(judge, guest_with) -> None:
    assert judge("PXA-WB-001", guest_with(services__web_server=False, services__tls=False)) == []


def test_a_live_guest_whose_services_are_unknown_passes(judge, guest_with) -> None:
    assert judge("PXA-WB-001", guest_with(services__web_server=None, services__tls=None)) == []
