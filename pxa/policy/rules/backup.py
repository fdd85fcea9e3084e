"""Whether a guest can be restored: scheduled, recent, off its node, not living on snapshots."""

from __future__ import annotations

from datetime import timedelta

from pxa.policy.rule import Finding, Rule, Settings
from pxa.policy.rules.hits import CONFIGURATION, as_utc, guest_finding, now_of
from pxa.policy.view import ClusterView, GuestView


def _not_covered(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if guest.backups.covered is not False:
        return []
    evidence = f"backup jobs: no enabled job includes {guest.id}"
    return [guest_finding(NO_BACKUP_SCHEDULE, guest, evidence)]


def _stale(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    last = guest.backups.last_backup_at
    if last is None:
        return []
    age = now_of(cluster) - as_utc(last)
    if age <= timedelta(days=settings.backup_max_age_days):
        return []
    evidence = (
        f"last backup: {as_utc(last):%Y-%m-%d %H:%M} UTC ({age.days} days ago, "
        f"limit {settings.backup_max_age_days})"
    )
    return [guest_finding(BACKUP_TOO_OLD, guest, evidence)]


def _never(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    if guest.backups.count != 0:
        return []
    return [guest_finding(NEVER_BACKED_UP, guest, "backups: none found on any storage")]


def _off_node(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    backups = guest.backups
    off_node = backups.off_node
    if off_node is None and backups.storages and cluster.shared_backup_storages:
        # Not stated, but derivable: is any of its backup storages a shared one?
        off_node = any(name in cluster.shared_backup_storages for name in backups.storages)
    if off_node is not False:
        return []
    where = ", ".join(backups.storages) or "node-local storage"
    evidence = f"backups only on: {where} (node {guest.node or '?'})"
    return [guest_finding(BACKUPS_ON_SAME_NODE, guest, evidence)]


def _old_snapshots(guest: GuestView, cluster: ClusterView, settings: Settings) -> list[Finding]:
    cutoff = now_of(cluster) - timedelta(days=settings.snapshot_max_age_days)
    old = sorted(
        (as_utc(snapshot.created_at), snapshot.name)
        for snapshot in guest.snapshots
        if snapshot.name != "current"  # PVE lists the live state as a pseudo-snapshot
        and snapshot.created_at is not None
        and as_utc(snapshot.created_at) < cutoff
    )
    if not old:
        return []
    names = ", ".join(f"{name} ({created:%Y-%m-%d})" for created, name in old)
    evidence = f"snapshots older than {settings.snapshot_max_age_days} days: {names}"
    return [guest_finding(OLD_SNAPSHOTS, guest, evidence)]


NO_BACKUP_SCHEDULE = Rule(
    id="PXA-BK-001",
    title="No backup schedule covers the guest",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "Without a scheduled job the guest is backed up only when someone remembers to; a "
        "failed disk, a bad upgrade or ransomware then means rebuilding it from nothing."
    ),
    remediation=(
        "Add it to a job under Datacenter → Backup (a job for All, a pool, or this VMID) on a "
        "Proxmox Backup Server or shared storage: `pvesh create /cluster/backup --schedule "
        "'daily 02:00' --vmid <vmid> --storage <storage> --mode snapshot`."
    ),
    cis=("CIS 11.2",),
    soc2=("A1.2",),
    guest=_not_covered,
)

BACKUP_TOO_OLD = Rule(
    id="PXA-BK-002",
    title="Last backup is older than the allowed age",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "A backup older than the recovery point objective means the newest data would be "
        "lost on restore; it usually shows a job that fails or skips the guest."
    ),
    remediation=(
        "Check the job's task log under Datacenter → Backup and Node → Task History (a full "
        "storage, a lock, a stopped PBS), fix the cause and run the job now (Run now)."
    ),
    cis=("CIS 11.2",),
    soc2=("A1.2",),
    guest=_stale,
    applies_to_specs=False,
)

NEVER_BACKED_UP = Rule(
    id="PXA-BK-003",
    title="Guest has never been backed up",
    severity="high",
    scan_types=CONFIGURATION,
    rationale=(
        "No backup of the guest exists on any storage, so nothing can be restored whatever "
        "the schedules say."
    ),
    remediation=(
        "Take a backup now (VM → Backup → Backup now, or `vzdump <vmid> --storage <storage> "
        "--mode snapshot`) and make sure a scheduled job includes the guest."
    ),
    cis=("CIS 11.1", "CIS 11.2"),
    soc2=("A1.2",),
    guest=_never,
    applies_to_specs=False,
)

BACKUPS_ON_SAME_NODE = Rule(
    id="PXA-BK-004",
    title="Backups are kept only on the guest's own node",
    severity="medium",
    scan_types=CONFIGURATION,
    rationale=(
        "Backups on node-local storage die with the node: a failed host, a lost pool or "
        "ransomware on the hypervisor takes the guest and every copy of it together."
    ),
    remediation=(
        "Send backups to a Proxmox Backup Server or a shared/remote storage (NFS, CIFS) by "
        "changing the job's Storage under Datacenter → Backup, and sync PBS to a second site."
    ),
    cis=("CIS 11.3", "CIS 11.4"),
    soc2=("A1.2",),
    guest=_off_node,
    applies_to_specs=False,
)

OLD_SNAPSHOTS = Rule(
    id="PXA-BK-005",
    title="Snapshots kept past the allowed age",
    severity="low",
    scan_types=CONFIGURATION,
    rationale=(
        "Snapshots are not backups: they live on the same storage, slow the disk down as "
        "they grow, and keep deleted data — old keys, removed accounts — recoverable."
    ),
    remediation=(
        "Delete the snapshots you no longer need under VM → Snapshots "
        "(`qm delsnapshot <vmid> <name>`); keep long-term copies as backups instead."
    ),
    cis=("CIS 3.4", "CIS 11.1"),
    soc2=("A1.2", "C1.2"),
    guest=_old_snapshots,
    applies_to_specs=False,
)

RULES: tuple[Rule, ...] = (
    NO_BACKUP_SCHEDULE,
    BACKUP_TOO_OLD,
    NEVER_BACKED_UP,
    BACKUPS_ON_SAME_NODE,
    OLD_SNAPSHOTS,
)
