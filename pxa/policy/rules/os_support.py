"""Whether the guest's operating system still gets security updates from its vendor."""

from __future__ import annotations

from datetime import date

from pxa.policy.data.eol import eol_date
from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import VULNERABILITY, guest_finding, now_of
from pxa.policy.view import ClusterView, GuestView

NEARING_EOL_DAYS = 180  # two quarters: time to plan, test and run a release upgrade


def _os_fact(guest: GuestView) -> str:
    os = guest.os
    if os.evidence:
        return os.evidence
    origin = f" (from {os.source})" if os.source else ""
    return f"os: {os.family} {os.version}{origin}"


def _eol(guest: GuestView) -> date | None:
    return eol_date(guest.os.family, guest.os.version)


def _past_eol(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    ends = _eol(guest)
    if ends is None or now_of(cluster).date() < ends:
        return []
    evidence = f"{_os_fact(guest)}, security support ended {ends:%Y-%m-%d}"
    return [guest_finding(END_OF_LIFE_OS, guest, evidence)]


def _nearing_eol(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    ends = _eol(guest)
    if ends is None:
        return []
    days_left = (ends - now_of(cluster).date()).days
    if not 0 < days_left < NEARING_EOL_DAYS:
        return []
    evidence = f"{_os_fact(guest)}, security support ends {ends:%Y-%m-%d} ({days_left} days)"
    return [guest_finding(NEARING_END_OF_LIFE_OS, guest, evidence)]


END_OF_LIFE_OS = Rule(
    id="PXA-VN-001",
    title="Operating system is past its end of life",
    severity="high",
    scan_types=VULNERABILITY,
    rationale=(
        "The vendor no longer publishes security fixes for this release: every "
        "vulnerability found from now on stays open in the guest, and in every clone of a "
        "template built on it."
    ),
    remediation=(
        "Upgrade the guest in place (do-release-upgrade, a Debian dist-upgrade, a Windows "
        "in-place upgrade) after a backup, or rebuild it from a current template, and retire "
        "templates built on the old release. Paid extended support (Ubuntu "
        "Pro, Debian ELTS, Windows ESU) buys time but is not visible to this scan."
    ),
    cis=("CIS 2.2", "CIS 7.3"),
    soc2=("CC7.1",),
    guest=_past_eol,
)

NEARING_END_OF_LIFE_OS = Rule(
    id="PXA-VN-002",
    title="Operating system reaches its end of life within 180 days",
    severity="low",
    scan_types=VULNERABILITY,
    rationale=(
        "Security fixes for this release stop soon; upgrades planned now avoid running an "
        "unpatched guest while the migration is still being tested."
    ),
    remediation=(
        "Schedule the release upgrade or the rebuild from a newer template before the date "
        "in the evidence, and update templates so new guests start on a supported release."
    ),
    cis=("CIS 2.2",),
    soc2=("CC7.1",),
    guest=_nearing_eol,
)

RULES: tuple[Rule, ...] = (END_OF_LIFE_OS, NEARING_END_OF_LIFE_OS)
