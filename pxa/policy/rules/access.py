"""How people log in to a guest: keys rather than passwords, and no secrets left in config."""

from __future__ import annotations

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import CONFIGURATION, guest_finding
from pxa.policy.view import ClusterView, GuestView

PASSWORD_LINE = "cipassword: **********"  # PVE's own rendering; the value never leaves PVE


def _password(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    # A template's password is copied to every clone: PXA-AC-003 judges that case.
    if guest.template or guest.cloud_init is None or not guest.cloud_init.password_set:
        return []
    evidence = guest.cloud_init.evidence or PASSWORD_LINE
    return [guest_finding(CLOUD_INIT_PASSWORD, guest, evidence)]


def _no_keys(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if guest.cloud_init is None or guest.cloud_init.ssh_keys > 0:
        return []
    user = guest.cloud_init.user or "(default)"
    return [guest_finding(CLOUD_INIT_NO_KEYS, guest, f"ciuser: {user}, sshkeys: (none)")]


def _template_password(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if not guest.template or guest.cloud_init is None or not guest.cloud_init.password_set:
        return []
    evidence = f"template: 1, {guest.cloud_init.evidence or PASSWORD_LINE}"
    return [guest_finding(TEMPLATE_PASSWORD, guest, evidence)]


def _secrets(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if not guest.secrets_in_config:
        return []
    # Name where the secret sits, never the secret itself.
    evidence = "literal secret in: " + ", ".join(sorted(guest.secrets_in_config))
    return [guest_finding(SECRET_IN_CONFIG, guest, evidence)]


CLOUD_INIT_PASSWORD = Rule(
    id="PXA-AC-001",
    title="Cloud-init sets a login password instead of relying on SSH keys",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "A cloud-init password enables password login for the default user; passwords can "
        "be guessed or reused across guests, while SSH keys cannot be brute-forced."
    ),
    remediation=(
        "Clear the password under VM → Cloud-Init → Password (`qm set <vmid> --delete "
        "cipassword`), add public keys under SSH public key (`qm set <vmid> --sshkeys "
        "<file>`), regenerate the image and keep `PasswordAuthentication no` in sshd_config."
    ),
    cis=("CIS 5.2",),
    soc2=("CC6.1",),
    guest=_password,
)

CLOUD_INIT_NO_KEYS = Rule(
    id="PXA-AC-002",
    title="Cloud-init provides no SSH key",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "Without a key, the only way in is a password or the console, which pushes admins "
        "towards password logins and shared credentials."
    ),
    remediation=(
        "Add the admins' public keys under VM → Cloud-Init → SSH public key "
        "(`qm set <vmid> --sshkeys <file>`) and regenerate the cloud-init image."
    ),
    cis=("CIS 5.2",),
    soc2=("CC6.1",),
    guest=_no_keys,
)

TEMPLATE_PASSWORD = Rule(
    id="PXA-AC-003",
    title="Template carries a cloud-init password into every clone",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "Every VM cloned from this template starts with the same password: one leak opens "
        "them all, and the shared credential outlives whoever set it."
    ),
    remediation=(
        "Remove the password from the template (`qm set <vmid> --delete cipassword`) and set "
        "SSH keys instead, then rotate the password on clones already made from it."
    ),
    cis=("CIS 4.7", "CIS 5.2"),
    soc2=("CC6.1",),
    guest=_template_password,
)

SECRET_IN_CONFIG = Rule(
    id="PXA-AC-004",
    title="Literal secret in the guest's configuration or spec",
    severity="critical",
    scan_types=CONFIGURATION,
    rationale=(
        "A password or token written into the VM description, tags, hookscript arguments or "
        "Terraform code is readable by everyone with audit rights or repository access, and "
        "lives on in backups and version history."
    ),
    remediation=(
        "Move the secret into a secret store (Terraform variables marked sensitive, Vault, "
        "the guest's own keyring), rotate it, and remove it from the config or spec."
    ),
    cis=("CIS 3.11", "CIS 16.1"),
    soc2=("CC6.1", "CC6.7"),
    guest=_secrets,
)

RULES: tuple[Rule, ...] = (
    CLOUD_INIT_PASSWORD,
    CLOUD_INIT_NO_KEYS,
    TEMPLATE_PASSWORD,
    SECRET_IN_CONFIG,
)
