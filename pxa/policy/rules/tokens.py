"""API tokens: scoped below their user's rights, and not valid forever.

Tokens only exist on a live cluster; a spec's ClusterView lists none, so these stay silent.
"""

from __future__ import annotations

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import CONFIGURATION, finding
from pxa.policy.view import ClusterView


def _privsep(cluster: ClusterView, settings: Settings) -> list[Finding]:
    return [
        finding(TOKEN_WITHOUT_PRIVSEP, f"token/{token.id}", token.id, f"{token.id}: privsep=0")
        for token in cluster.tokens
        if token.privsep is False
    ]


def _no_expiry(cluster: ClusterView, settings: Settings) -> list[Finding]:
    # PVE always reports `expire` (0 = never); the view carries never as None.
    return [
        finding(TOKEN_WITHOUT_EXPIRY, f"token/{token.id}", token.id, f"{token.id}: expire=0")
        for token in cluster.tokens
        if token.expire is None
    ]


TOKEN_WITHOUT_PRIVSEP = Rule(
    id="PXA-AC-005",
    title="API token without privilege separation",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "A token with privilege separation off holds every right of its user — for "
        "root@pam, the whole cluster — so a leaked automation token becomes a full admin login."
    ),
    remediation=(
        "Recreate the token with Privilege Separation ticked under Datacenter → Permissions → "
        "API Tokens (`pveum user token add <user> <name> --privsep 1`) and grant it only the "
        "roles it needs on the paths it uses (`pveum acl modify <path> --tokens <id> "
        "--roles <role>`)."
    ),
    cis=("CIS 5.4", "CIS 6.8"),
    soc2=("CC6.1", "CC6.3"),
    cluster=_privsep,
    applies_to_specs=False,
)

TOKEN_WITHOUT_EXPIRY = Rule(
    id="PXA-AC-006",
    title="API token never expires",
    severity="low",
    scan_types=CONFIGURATION,
    rationale=(
        "A token without an expiry date keeps working after the script or person it was made "
        "for is gone, long after anyone remembers it exists."
    ),
    remediation=(
        "Set an Expire date under Datacenter → Permissions → API Tokens "
        "(`pveum user token modify <user> <name> --expire <epoch>`) and rotate it before then."
    ),
    cis=("CIS 5.3", "CIS 6.2"),
    soc2=("CC6.2",),
    cluster=_no_expiry,
    applies_to_specs=False,
)

RULES: tuple[Rule, ...] = (TOKEN_WITHOUT_PRIVSEP, TOKEN_WITHOUT_EXPIRY)
