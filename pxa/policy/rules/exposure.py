"""Which services a guest's firewall rules open to the whole internet.

A rule is judged whether or not the firewall is currently on: it states what the admin
meant to allow, and it takes effect the moment the firewall is switched on.
"""

from __future__ import annotations

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import CONFIGURATION, guest_finding
from pxa.policy.rules.ports import (
    from_anywhere,
    inbound_accepts,
    opens_everything,
    opens_port,
    rule_line,
)
from pxa.policy.view import ClusterView, FirewallRuleView, GuestView

DATABASE_PORTS = {1433, 3306, 5432, 6379, 9200, 27017}  # MSSQL MySQL PostgreSQL Redis ES Mongo
DATABASE_MACROS = {"MSSQL", "MySQL", "PostgreSQL"}


def _open_to_all(guest: GuestView, ports: set[int], macros: set[str]) -> list[FirewallRuleView]:
    return [
        rule
        for rule in inbound_accepts(guest)
        if from_anywhere(rule.source) and opens_port(rule, ports, macros)
    ]


def _hits(rule: Rule, guest: GuestView, matches: list[FirewallRuleView]) -> list[Finding]:
    return [guest_finding(rule, guest, rule_line(match)) for match in matches]


def _ssh(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    return _hits(SSH_FROM_ANYWHERE, guest, _open_to_all(guest, {22}, {"SSH"}))


def _rdp(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    return _hits(RDP_FROM_ANYWHERE, guest, _open_to_all(guest, {3389}, {"RDP"}))


def _databases(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    matches = _open_to_all(guest, DATABASE_PORTS, DATABASE_MACROS)
    return _hits(DATABASE_FROM_ANYWHERE, guest, matches)


def _everything(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    matches = [
        rule
        for rule in inbound_accepts(guest)
        if from_anywhere(rule.source) and opens_everything(rule)
    ]
    return _hits(ALL_PORTS_FROM_ANYWHERE, guest, matches)


def _plaintext(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    return _hits(PLAINTEXT_FROM_ANYWHERE, guest, _open_to_all(guest, {21, 23}, {"FTP", "Telnet"}))


def _ssh_untrusted(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    trusted = set(settings.trusted_sources)
    if not trusted:
        return []  # no named sources configured: nothing to compare against
    matches = [
        rule
        for rule in inbound_accepts(guest)
        if not from_anywhere(rule.source)  # open to all is PXA-FW-004's finding
        and opens_port(rule, {22}, {"SSH"})
        and any(part.strip() not in trusted for part in (rule.source or "").split(","))
    ]
    return _hits(SSH_FROM_UNTRUSTED, guest, matches)


SSH_FROM_ANYWHERE = Rule(
    id="PXA-FW-004",
    title="SSH open to the internet",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "SSH reachable from any address draws constant brute-force and credential-stuffing "
        "attempts, and any future OpenSSH flaw becomes exploitable from anywhere."
    ),
    remediation=(
        "Under VM → Firewall, set the rule's Source to your admin networks or an IPSet "
        "(e.g. `+management`), or reach the guest through a VPN or bastion host instead."
    ),
    cis=("CIS 4.4", "CIS 12.2"),
    soc2=("CC6.1", "CC6.6"),
    guest=_ssh,
)

RDP_FROM_ANYWHERE = Rule(
    id="PXA-FW-005",
    title="RDP open to the internet",
    severity="critical",
    scan_types=CONFIGURATION,
    rationale=(
        "Internet-facing RDP is one of the most common ransomware entry points, through "
        "password spraying and pre-authentication flaws such as BlueKeep."
    ),
    remediation=(
        "Remove the rule under VM → Firewall or limit its Source to a VPN or admin IPSet; "
        "publish remote desktops through an RD Gateway or VPN."
    ),
    cis=("CIS 4.4", "CIS 12.2"),
    soc2=("CC6.1", "CC6.6"),
    guest=_rdp,
)

DATABASE_FROM_ANYWHERE = Rule(
    id="PXA-FW-006",
    title="Database port open to the internet",
    severity="critical",
    scan_types=CONFIGURATION,
    rationale=(
        "Database engines are not built to face the internet: exposed Redis, MongoDB and "
        "Elasticsearch instances are routinely found without authentication and wiped or "
        "ransomed, and an open MySQL or PostgreSQL port invites brute force on its accounts."
    ),
    remediation=(
        "Limit the rule's Source to the application servers or an IPSet under VM → Firewall, "
        "or drop it and reach the database over a private VLAN."
    ),
    cis=("CIS 3.3", "CIS 4.4", "CIS 12.2"),
    soc2=("CC6.1", "CC6.6"),
    guest=_databases,
)

ALL_PORTS_FROM_ANYWHERE = Rule(
    id="PXA-FW-007",
    title="Firewall rule accepts every port from anywhere",
    severity="critical",
    scan_types=CONFIGURATION,
    rationale=(
        "An ACCEPT rule with no port, macro or source voids the firewall for this guest: "
        "every listening service is exposed, including ones installed later."
    ),
    remediation=(
        "Replace the rule under VM → Firewall with one rule per service the guest offers "
        "(a macro or a destination port), each with the narrowest Source that works."
    ),
    cis=("CIS 4.4", "CIS 4.8"),
    soc2=("CC6.6",),
    guest=_everything,
)

PLAINTEXT_FROM_ANYWHERE = Rule(
    id="PXA-FW-008",
    title="Telnet or FTP open to the internet",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "Telnet and FTP send passwords and data in clear text, so anyone on the path can "
        "read the credentials; exposing them to the internet also invites brute force."
    ),
    remediation=(
        "Replace Telnet with SSH and FTP with SFTP or FTPS, then remove the rule under "
        "VM → Firewall or restrict its Source to the networks that still need it."
    ),
    cis=("CIS 3.10", "CIS 4.6"),
    soc2=("CC6.6", "CC6.7"),
    guest=_plaintext,
)

SSH_FROM_UNTRUSTED = Rule(
    id="PXA-FW-009",
    title="SSH allowed from a source outside the trusted list",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "Administrative access should come only from named, reviewed sources (admin "
        "networks, bastions, IPSets); a one-off address in a rule is easily forgotten after "
        "its owner has moved on."
    ),
    remediation=(
        "Point the rule's Source at an IPSet or alias listed in pxa's trusted sources "
        "(Datacenter → Firewall → IPSet), or add the address there if it is meant to stay."
    ),
    cis=("CIS 4.4", "CIS 12.2"),
    soc2=("CC6.1", "CC6.6"),
    guest=_ssh_untrusted,
)

RULES: tuple[Rule, ...] = (
    SSH_FROM_ANYWHERE,
    RDP_FROM_ANYWHERE,
    DATABASE_FROM_ANYWHERE,
    ALL_PORTS_FROM_ANYWHERE,
    PLAINTEXT_FROM_ANYWHERE,
    SSH_FROM_UNTRUSTED,
)
