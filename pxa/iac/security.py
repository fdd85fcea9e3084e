"""Security analysis of a spec with the same rules live scans use (pxa.policy).

Each VM of the spec becomes a `GuestView` (source "spec"); the rules that apply to specs
judge it; the findings become the seed's `issues`, each with its rule id and the CIS and
SOC 2 controls it maps to. `passed` is false when any finding is critical or high.
Recommendations say what to change in the spec or the prompt, VM by VM.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, Field

from pxa.iac.cloudinit import is_web_server
from pxa.iac.spec import ADMIN_SOURCE, InfraSpec, VmSpec
from pxa.policy.catalogue import RULES, controls_of, framework_name, rule_by_id
from pxa.policy.engine import evaluate, score
from pxa.policy.rule import Finding
from pxa.policy.rules.hits import finding
from pxa.policy.view import (
    BackupView,
    CloudInitView,
    ClusterView,
    DiskView,
    FirewallRuleView,
    FirewallView,
    GuestView,
    NicView,
    OsView,
    ServicesView,
)

SPEC_RULES = frozenset(rule.id for rule in RULES if rule.applies_to_specs)
# What to change in the spec (or say in the prompt) for each rule a spec can fail.
ADVICE: dict[str, str] = {
    "PXA-FW-001": "turn the VM firewall on (say 'with firewall'; firewall.enabled = true)",
    "PXA-FW-002": "filter every NIC through the firewall (nics[].firewall = true)",
    "PXA-FW-003": "make the inbound policy DROP and allow only the ports the VM serves",
    "PXA-FW-004": "allow SSH only from your admin network (say 'ssh from 10.0.0.0/24')",
    "PXA-FW-005": "allow RDP only from an admin network or a VPN, never 0.0.0.0/0",
    "PXA-FW-006": "allow the database port only from the application subnet",
    "PXA-FW-007": "replace the allow-everything rule with rules for the ports served",
    "PXA-FW-008": "drop Telnet/FTP; use SSH/SFTP from the admin network",
    "PXA-FW-009": "limit SSH to the trusted admin sources",
    "PXA-AC-001": "drop the password: log in with SSH keys (var.ssh_public_keys)",
    "PXA-AC-002": "give at least one SSH public key (var.ssh_public_keys or in the prompt)",
    "PXA-AC-004": "move the secret into a sensitive variable or a secret store",
    "PXA-BK-001": "schedule backups (say 'daily backups'); spec.backup.enabled = true",
    "PXA-HY-001": "turn the QEMU guest agent on (agent = true)",
    "PXA-HY-002": "turn deletion protection on for production VMs (protection = true)",
    "PXA-HY-003": "put production VMs on a VLAN or filter their NICs",
    "PXA-HY-004": "use a CPU type with mitigations (x86-64-v2-AES or host)",
    "PXA-WB-001": "serve HTTPS: ask for TLS/SSL (cloud_init.tls = true, with a domain)",
    "PXA-VN-001": "pick a template whose OS is still supported",
    "PXA-VN-002": "plan the move to a newer OS release before end of life",
}
# What the Telmate provider cannot express, and what to do instead.
TELMATE_CANNOT: dict[str, str] = {
    "PXA-FW-001": "the Telmate provider cannot turn the VM firewall on: generate for "
    "--provider bpg, or enable it and add the rules with pxa after apply",
    "PXA-BK-001": "the Telmate provider has no backup jobs: generate for --provider bpg, or "
    "schedule backups with `pxa backup schedule create` after apply",
}
SECRET_PATTERNS = (
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a private key"),
    (re.compile(r"PVEAPIToken=\S+"), "a PVE API token"),
    (re.compile(r"\b[\w.-]+@[\w.-]+![\w.-]+=[0-9a-f-]{8,}"), "a PVE API token"),
    (re.compile(r"\bsk-ant-[\w-]{10,}"), "an Anthropic API key"),
    (re.compile(r"(?i)\b(password|passwd|secret|token)\s*[=:]\s*\"[^\"$]{3,}\""), "a password"),
)


class Issue(BaseModel):
    rule_id: str
    title: str
    severity: str
    vm: str | None
    evidence: str
    remediation: str
    cis: list[str] = Field(default_factory=list)
    soc2: list[str] = Field(default_factory=list)


class FrameworkResult(BaseModel):
    framework: str
    passed: bool
    rules_checked: list[str]
    failed_rules: list[str]
    controls: dict[str, list[str]] = Field(description="control → the rule ids that check it")


class SecurityAnalysis(BaseModel):
    passed: bool = Field(description="no critical or high issue")
    score: int = Field(ge=0, le=100, description="the live scans' compliance score, worst VM")
    issues: list[Issue] = Field(default_factory=list)
    recommendations: list[str] = Field(default_factory=list)
    compliance: dict[str, FrameworkResult] = Field(default_factory=dict)
    rules_applied: list[str] = Field(default_factory=list)


def guest_view(vm: VmSpec, spec: InfraSpec, provider: str = "bpg") -> GuestView:
    """The VM as the generated code makes it. Telmate's provider can neither turn a VM
    firewall on nor schedule backups, so for it those parts of the spec do not count."""
    ci = vm.cloud_init
    code_can = provider != "telmate"
    rules = [
        FirewallRuleView(
            direction=r.direction,
            action=r.action,
            protocol=r.protocol,
            dport=r.port,
            macro=r.macro,
            enabled=r.enabled,
            source=(spec.admin_cidr or "var.admin_cidr") if r.source == ADMIN_SOURCE else r.source,
            evidence=f"{r.direction} {r.action} {r.protocol or 'any'} "
            f"port {r.port or 'any'} from {r.source or 'anywhere'}",
        )
        for r in vm.firewall.rules
    ]
    family, _, version = (vm.os or "").partition("-")
    web = is_web_server(vm)
    covered = bool(spec.backup and spec.backup.enabled) and code_can
    return GuestView(
        id=f"spec/{vm.name}",
        name=vm.name,
        node=vm.node,
        environment=spec.environment,
        tags=vm.tags,
        protection=vm.protection,
        agent_enabled=vm.agent,
        cpu_type=vm.cpu_type,
        os=OsView(family=family or None, version=version or None, source="spec")
        if vm.os
        else OsView(),
        firewall=FirewallView(
            enabled=vm.firewall.enabled and code_can,
            policy_in=vm.firewall.policy_in,
            policy_out=vm.firewall.policy_out,
            rules=rules,
        ),
        nics=[
            NicView(id=f"net{i}", bridge=n.bridge, vlan_id=n.vlan_id, firewall=n.firewall)
            for i, n in enumerate(vm.nics)
        ],
        disks=[DiskView(id=d.interface, storage=d.storage, size_gb=d.size_gb) for d in vm.disks],
        cloud_init=CloudInitView(
            user=ci.user,
            password_set=ci.password is not None,
            ssh_keys=len(ci.ssh_keys) + (1 if ci.ssh_keys_from_variable else 0),
            evidence="cloud_init.password: (set in the spec)" if ci.password else None,
        ),
        backups=BackupView(covered=covered),
        services=ServicesView(
            web_server=web, tls=bool(ci.tls) if web else None, packages=ci.packages
        ),
        source="spec",
    )


def code_secrets(files: dict[str, str]) -> list[str]:
    """Where rendered files hold something that looks like a literal secret."""
    found = []
    for name, text in sorted(files.items()):
        for pattern, what in SECRET_PATTERNS:
            if pattern.search(text):
                found.append(f"{name}: {what}")
    return found


def analyse(
    spec: InfraSpec,
    *,
    files: dict[str, str] | None = None,
    frameworks: list[str] | None = None,
    provider: str = "bpg",
    now: datetime | None = None,
) -> SecurityAnalysis:
    """Judge the spec (and the rendered files, for secrets); `frameworks` e.g. ["CIS"].

    ValueError names an unknown framework.
    """
    wanted = [framework_name(f) for f in frameworks or []]
    views = [guest_view(vm, spec, provider) for vm in spec.vms]
    cluster = ClusterView(now=now or datetime.now(UTC))
    findings = [f for f in evaluate(views, cluster) if f.rule_id in SPEC_RULES]
    secrets = code_secrets(files or {})
    if secrets:
        rule = rule_by_id("PXA-AC-004")
        findings.append(finding(rule, "code", None, "literal secret in " + "; ".join(secrets)))
    issues = [_issue(f, provider) for f in findings]
    worst = min((score([f for f in findings if f.target == v.id]) for v in views), default=100)
    failed = {f.rule_id for f in findings}
    return SecurityAnalysis(
        passed=not any(f.severity in ("critical", "high") for f in findings),
        score=worst if not secrets else min(worst, 75),
        issues=issues,
        recommendations=_recommendations(spec, findings, provider),
        compliance={name: _framework(name, failed) for name in wanted},
        rules_applied=sorted(SPEC_RULES),
    )


def _advice(rule_id: str, remediation: str, provider: str) -> str:
    if provider == "telmate" and rule_id in TELMATE_CANNOT:
        return TELMATE_CANNOT[rule_id]
    return ADVICE.get(rule_id, remediation)


def _issue(item: Finding, provider: str) -> Issue:
    return Issue(
        rule_id=item.rule_id,
        title=item.title,
        severity=item.severity,
        vm=item.target_name,
        evidence=item.evidence,
        remediation=_advice(item.rule_id, item.remediation, provider),
        cis=item.cis,
        soc2=item.soc2,
    )


def _framework(name: str, failed: set[str]) -> FrameworkResult:
    checked = [rule for rule in RULES if rule.id in SPEC_RULES and controls_of(rule, name)]
    controls: dict[str, list[str]] = {}
    for rule in checked:
        for control in controls_of(rule, name):
            controls.setdefault(control, []).append(rule.id)
    failing = sorted(rule.id for rule in checked if rule.id in failed)
    return FrameworkResult(
        framework=name,
        passed=not failing,
        rules_checked=[rule.id for rule in checked],
        failed_rules=failing,
        controls=controls,
    )


def _recommendations(spec: InfraSpec, findings: list[Finding], provider: str) -> list[str]:
    out: list[str] = []
    for item in findings:
        who = f"{item.target_name}: " if item.target_name else ""
        advice = _advice(item.rule_id, item.remediation, provider)
        out.append(f"{who}{advice} [{item.rule_id}]")
    for vm in spec.vms:
        ci = vm.cloud_init
        if not ci.auto_updates:
            out.append(f"{vm.name}: enable automatic security updates (unattended-upgrades)")
        if is_web_server(vm) and ci.tls and not ci.tls_domain:
            out.append(
                f"{vm.name}: name the site's domain (e.g. 'for www.example.com') so certbot "
                "issues a trusted certificate; until then a self-signed one is made"
            )
        ports = [r.port or r.macro or "all" for r in vm.firewall.rules if r.source == ADMIN_SOURCE]
        if ports and not spec.admin_cidr:
            out.append(
                f"{vm.name}: port(s) {', '.join(ports)} accept only var.admin_cidr; set it to "
                "your admin network when you apply"
            )
    return list(dict.fromkeys(out))
