"""Whether a guest's firewall is on, filters every NIC, and denies by default."""

from __future__ import annotations

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import CONFIGURATION, guest_finding, guest_fix
from pxa.policy.view import ClusterView, GuestView, NicView


def _firewall_off(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if guest.firewall.enabled is not False:
        return []
    fix = guest_fix(
        guest,
        "vm.firewall.enable",
        "Turn on the VM firewall with inbound policy DROP (traffic no rule allows is dropped)",
        policy_in="DROP",
    )
    return [guest_finding(VM_FIREWALL_OFF, guest, "firewall/options: enable=0", fix)]


VM_FIREWALL_OFF = Rule(
    id="PXA-FW-001",
    title="VM firewall is off",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "With the VM firewall disabled PVE applies none of the guest's rules nor its inbound "
        "policy: every port the guest listens on is reachable from every network its bridge "
        "reaches, including neighbouring guests."
    ),
    remediation=(
        "Enable it under VM → Firewall → Options → Firewall: Yes, with Input Policy DROP and "
        "ACCEPT rules for the services the guest offers "
        "(`pvesh set /nodes/<node>/qemu/<vmid>/firewall/options --enable 1 --policy_in DROP`). "
        "Guest rules only take effect while the datacenter firewall is on too."
    ),
    cis=("CIS 4.4", "CIS 13.4"),
    soc2=("CC6.1", "CC6.6"),
    guest=_firewall_off,
)


def _nic_line(nic: NicView) -> str:
    return nic.evidence or f"{nic.id}: bridge={nic.bridge or '?'},firewall=0"


def _nic_without_firewall(
    guest: GuestView, cluster: ClusterView, settings: Settings
) -> list[Finding]:
    return [
        guest_finding(
            NIC_WITHOUT_FIREWALL,
            guest,
            _nic_line(nic),
            guest_fix(guest, "vm.nic.firewall", f"Set firewall=1 on {nic.id}", nic=nic.id),
        )
        for nic in guest.nics
        if nic.firewall is False
    ]


NIC_WITHOUT_FIREWALL = Rule(
    id="PXA-FW-002",
    title="Network device bypasses the firewall (no firewall=1)",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "PVE only filters traffic on NICs flagged `firewall=1`; a NIC without the flag is "
        "attached straight to the bridge, so the VM's rules never see its traffic even when "
        "the VM firewall is on."
    ),
    remediation=(
        "Tick Firewall on the device under VM → Hardware → Network Device, or "
        "`qm set <vmid> --net0 virtio=<mac>,bridge=vmbr0,firewall=1` keeping the NIC's other "
        "options as they are."
    ),
    cis=("CIS 4.4", "CIS 13.4"),
    soc2=("CC6.6",),
    guest=_nic_without_firewall,
)


def _policy_accept(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    policy = guest.firewall.policy_in
    # With the firewall off PXA-FW-001 fires, and its fix sets the policy to DROP.
    if guest.firewall.enabled is False or policy is None or policy.upper() != "ACCEPT":
        return []
    return [guest_finding(INBOUND_POLICY_ACCEPT, guest, f"firewall/options: policy_in={policy}")]


INBOUND_POLICY_ACCEPT = Rule(
    id="PXA-FW-003",
    title="Inbound firewall policy is ACCEPT",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "An ACCEPT input policy turns the firewall into a deny-list: every port no rule blocks "
        "is open, and a service installed later is exposed the moment it listens."
    ),
    remediation=(
        "Add ACCEPT rules for the services the guest must offer, then set VM → Firewall → "
        "Options → Input Policy to DROP "
        "(`pvesh set /nodes/<node>/qemu/<vmid>/firewall/options --policy_in DROP`)."
    ),
    cis=("CIS 4.4", "CIS 12.2"),
    soc2=("CC6.6",),
    guest=_policy_accept,
)

RULES: tuple[Rule, ...] = (VM_FIREWALL_OFF, NIC_WITHOUT_FIREWALL, INBOUND_POLICY_ACCEPT)
