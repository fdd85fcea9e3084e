"""Services a spec asks for: a web server must speak TLS."""

from __future__ import annotations

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import CONFIGURATION, guest_finding
from pxa.policy.view import ClusterView, GuestView


def _web_without_tls(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    services = guest.services
    if services.web_server is not True or services.tls is not False:
        return []
    return [guest_finding(WEB_WITHOUT_TLS, guest, "services: web_server=true, tls=false")]


WEB_WITHOUT_TLS = Rule(
    id="PXA-WB-001",
    title="Web server without TLS",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "Plain HTTP exposes logins, session cookies and form data to anyone on the path, "
        "and lets them be altered in transit."
    ),
    remediation=(
        "Serve HTTPS with a certificate (ACME/Let's Encrypt in the guest, or a TLS-"
        "terminating reverse proxy), redirect port 80 to 443 and open only 443 in the "
        "VM firewall."
    ),
    cis=("CIS 3.10",),
    soc2=("CC6.7",),
    guest=_web_without_tls,
)

RULES: tuple[Rule, ...] = (WEB_WITHOUT_TLS,)
