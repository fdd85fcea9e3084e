"""Reading PVE firewall rules: who they let in, on which ports.

A rule's `dport` follows PVE's syntax ("22", "80,443", "8000:8080", or a service name
from /etc/services); a macro ("SSH", "RDP") stands for its own ports and ignores dport.
"""

from __future__ import annotations

from pxa.policy.view import FirewallRuleView, GuestView

# Sources PVE accepts that mean "the whole internet".
ANYWHERE = frozenset({"", "0.0.0.0/0", "::/0", "0/0", "::0/0", "any"})

# The /etc/services names our rules care about, as PVE resolves them.
SERVICE_PORTS = {
    "ftp": 21,
    "ssh": 22,
    "telnet": 23,
    "http": 80,
    "https": 443,
    "ms-sql-s": 1433,
    "mysql": 3306,
    "ms-wbt-server": 3389,
    "postgresql": 5432,
}


def from_anywhere(source: str | None) -> bool:
    """No source, or a source list that contains 0.0.0.0/0 or ::/0."""
    if source is None:
        return True
    return any(part.strip().lower() in ANYWHERE for part in source.split(","))


def inbound_accepts(guest: GuestView) -> list[FirewallRuleView]:
    """The guest's enabled inbound ACCEPT rules (security-group references excluded)."""
    return [
        rule
        for rule in guest.firewall.rules
        if rule.enabled and rule.direction == "in" and rule.action.strip().upper() == "ACCEPT"
    ]


def _port_ranges(dport: str) -> list[tuple[int, int]]:
    ranges: list[tuple[int, int]] = []
    for part in dport.replace(" ", "").split(","):
        low, _, high = part.partition(":")
        first, last = _port(low), _port(high or low)
        if first is not None and last is not None:
            ranges.append((first, last))
    return ranges


def _port(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return SERVICE_PORTS.get(text.lower())


def opens_port(rule: FirewallRuleView, ports: set[int], macros: set[str]) -> bool:
    """Does this rule let TCP traffic reach any of `ports` (or match one of `macros`)?"""
    if rule.macro:
        return rule.macro.strip().lower() in {macro.lower() for macro in macros}
    if rule.protocol and rule.protocol.strip().lower() != "tcp":
        return False
    if not rule.dport:
        return False  # an all-ports rule is judged on its own, by PXA-FW-007
    return any(low <= port <= high for low, high in _port_ranges(rule.dport) for port in ports)


def opens_everything(rule: FirewallRuleView) -> bool:
    """No macro, no destination port, and a protocol that carries ports (or none)."""
    if rule.macro or rule.dport:
        return False
    return rule.protocol is None or rule.protocol.strip().lower() in {"", "tcp", "udp"}


def rule_line(rule: FirewallRuleView) -> str:
    """The rule as PVE writes it in <vmid>.fw, when the view did not carry the line."""
    if rule.evidence:
        return rule.evidence
    action = rule.action.strip().upper()
    parts = [rule.direction.upper(), f"{rule.macro}({action})" if rule.macro else action]
    if rule.source:
        parts.append(f"-source {rule.source}")
    if rule.protocol:
        parts.append(f"-p {rule.protocol}")
    if rule.dport:
        parts.append(f"-dport {rule.dport}")
    return " ".join(parts)
