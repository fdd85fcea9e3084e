"""PXA-FW-004..009: which services the firewall rules open to the internet."""

from __future__ import annotations

import pytest

from pxa.policy.rule import Settings
from pxa.policy.view import FirewallRuleView


@pytest.fixture
def allowing(guest_with):
    """The hardened guest with one more inbound rule."""

    def build(**rule):
        base = guest_with().firewall.rules
        return guest_with(firewall__rules=[*base, FirewallRuleView(action="ACCEPT", **rule)])

    return build


@pytest.mark.parametrize("source", [None, "", "0.0.0.0/0", "::/0", "10.0.0.0/8,0.0.0.0/0"])
def test_ssh_open_to_any_source_is_reported(judge, allowing, source) -> None:
    [finding] = judge("PXA-FW-004", allowing(protocol="tcp", dport="22", source=source))
    assert "-dport 22" in finding.evidence


def test_ssh_by_macro_is_reported_with_the_rule_line(judge, allowing) -> None:
    [finding] = judge("PXA-FW-004", allowing(macro="SSH"))
    assert finding.evidence == "IN SSH(ACCEPT)"


def test_the_views_own_rule_line_is_the_evidence(judge, allowing) -> None:
    line = "IN ACCEPT -p tcp -dport 22 -log nolog"
    [finding] = judge("PXA-FW-004", allowing(protocol="tcp", dport="22", evidence=line))
    assert finding.evidence == line


@pytest.mark.parametrize("dport", ["22", "80,22", "20:25", "ssh"])
def test_a_port_list_range_or_service_name_that_covers_ssh_is_reported(
    judge, allowing, dport
) -> None:
    assert len(judge("PXA-FW-004", allowing(protocol="tcp", dport=dport))) == 1


def test_ssh_from_a_named_source_passes(judge, allowing) -> None:
    assert judge("PXA-FW-004", allowing(macro="SSH", source="192.0.2.0/24")) == []


def test_udp_port_22_is_not_ssh(judge, allowing) -> None:
    assert judge("PXA-FW-004", allowing(protocol="udp", dport="22")) == []


def test_disabled_and_outbound_rules_open_nothing(judge, allowing, guest_with) -> None:
    assert judge("PXA-FW-004", allowing(macro="SSH", enabled=False)) == []
    assert judge("PXA-FW-004", allowing(macro="SSH", direction="out")) == []


def test_rdp_open_to_the_internet_is_reported(judge, allowing) -> None:
    [finding] = judge("PXA-FW-005", allowing(protocol="tcp", dport="3389"))
    assert finding.severity == "critical"
    assert finding.evidence == "IN ACCEPT -p tcp -dport 3389"


def test_rdp_from_a_vpn_range_passes(judge, allowing) -> None:
    assert judge("PXA-FW-005", allowing(macro="RDP", source="10.8.0.0/24")) == []


@pytest.mark.parametrize("dport", ["3306", "5432", "6379", "27017", "9200"])
def test_database_ports_open_to_the_internet_are_reported(judge, allowing, dport) -> None:
    [finding] = judge("PXA-FW-006", allowing(protocol="tcp", dport=dport, source="0.0.0.0/0"))
    assert finding.evidence == f"IN ACCEPT -source 0.0.0.0/0 -p tcp -dport {dport}"


def test_a_database_macro_open_to_the_internet_is_reported(judge, allowing) -> None:
    assert len(judge("PXA-FW-006", allowing(macro="PostgreSQL"))) == 1


def test_a_database_port_open_to_the_app_servers_passes(judge, allowing) -> None:
    assert judge("PXA-FW-006", allowing(protocol="tcp", dport="5432", source="+app")) == []


def test_accepting_every_port_from_anywhere_is_reported(judge, allowing) -> None:
    [finding] = judge("PXA-FW-007", allowing())
    assert finding.evidence == "IN ACCEPT"


def test_accepting_ping_from_anywhere_is_not_every_port(judge, allowing) -> None:
    assert judge("PXA-FW-007", allowing(protocol="icmp")) == []


def test_an_all_ports_rule_is_not_also_reported_as_ssh(judge, allowing) -> None:
    assert judge("PXA-FW-004", allowing()) == []


@pytest.mark.parametrize("rule", [{"macro": "Telnet"}, {"protocol": "tcp", "dport": "21"}])
def test_telnet_or_ftp_open_to_the_internet_is_reported(judge, allowing, rule) -> None:
    assert len(judge("PXA-FW-008", allowing(**rule))) == 1


def test_https_open_to_the_internet_is_not_a_plaintext_protocol(judge, guest) -> None:
    assert judge("PXA-FW-008", guest) == []


def test_ssh_from_a_source_outside_the_trusted_list_is_reported(judge, allowing) -> None:
    settings = Settings(trusted_sources=("+management",))
    guest = allowing(macro="SSH", source="198.51.100.7")
    [finding] = judge("PXA-FW-009", guest, settings=settings)
    assert finding.evidence == "IN SSH(ACCEPT) -source 198.51.100.7"


def test_ssh_from_trusted_sources_passes(judge, guest) -> None:
    assert judge("PXA-FW-009", guest, settings=Settings(trusted_sources=("+management",))) == []


def test_without_a_trusted_list_no_ssh_source_is_judged_untrusted(judge, allowing) -> None:
    assert judge("PXA-FW-009", allowing(macro="SSH", source="198.51.100.7")) == []
