"""PXA-BK-001..005: scheduled, recent, off-node backups and no forgotten snapshots."""

from __future__ import annotations

from datetime import datetime, timedelta

from pxa.policy.rule import Settings
from pxa.policy.view import SnapshotView

NOW = datetime(2026, 3, 2, 12, 0)  # the fixtures' clock, naive here: read as UTC


def test_a_guest_no_enabled_schedule_covers_is_reported(judge, guest_with) -> None:
    [finding] = judge("PXA-BK-001", guest_with(backups__covered=False))
    assert finding.evidence == "backup jobs: no enabled job includes 101"
    assert finding.fix is None  # creating a schedule needs a storage choice


def test_a_covered_guest_passes(judge, guest) -> None:
    assert judge("PXA-BK-001", guest) == []


def test_unknown_coverage_is_not_reported(judge, guest_with) -> None:
    assert judge("PXA-BK-001", guest_with(backups__covered=None)) == []


def test_a_backup_older_than_the_limit_is_reported_with_its_age(judge, guest_with) -> None:
    stale = guest_with(backups__last_backup_at=NOW - timedelta(days=9, hours=1))
    [finding] = judge("PXA-BK-002", stale)
    assert finding.evidence == "last backup: 2026-02-21 11:00 UTC (9 days ago, limit 7)"


def test_the_backup_age_limit_comes_from_settings(judge, guest_with) -> None:
    stale = guest_with(backups__last_backup_at=NOW - timedelta(days=9))
    assert judge("PXA-BK-002", stale, settings=Settings(backup_max_age_days=14)) == []


def test_a_recent_backup_passes(judge, guest) -> None:
    assert judge("PXA-BK-002", guest) == []


def test_a_guest_with_no_backups_at_all_is_reported_as_never_backed_up(judge, guest_with) -> None:
    [finding] = judge("PXA-BK-003", guest_with(backups__count=0, backups__last_backup_at=None))
    assert finding.evidence == "backups: none found on any storage"


def test_backups_nobody_looked_for_are_not_reported_as_missing(judge, guest_with) -> None:
    unknown = guest_with(backups__count=None, backups__last_backup_at=None)
    assert judge("PXA-BK-003", unknown) == []
    assert judge("PXA-BK-002", unknown) == []


def test_backups_only_on_the_guests_node_are_reported(judge, guest_with) -> None:
    local = guest_with(backups__off_node=False, backups__storages=["local"])
    [finding] = judge("PXA-BK-004", local)
    assert finding.evidence == "backups only on: local (node pve1)"


def test_off_node_is_derived_from_the_shared_storages_when_not_stated(judge, guest_with) -> None:
    local = guest_with(backups__off_node=None, backups__storages=["local"])
    assert len(judge("PXA-BK-004", local)) == 1
    shared = guest_with(backups__off_node=None, backups__storages=["local", "pbs"])
    assert judge("PXA-BK-004", shared) == []


def test_backups_on_shared_storage_pass(judge, guest) -> None:
    assert judge("PXA-BK-004", guest) == []


def test_old_snapshots_are_named_in_one_finding(judge, guest_with) -> None:
    snapshots = [
        SnapshotView(name="before-upgrade", created_at=NOW - timedelta(days=45)),
        SnapshotView(name="fresh", created_at=NOW - timedelta(days=2)),
        SnapshotView(name="golden", created_at=NOW - timedelta(days=200)),
    ]
    [finding] = judge("PXA-BK-005", guest_with(snapshots=snapshots))
    assert finding.evidence == (
        "snapshots older than 30 days: golden (2025-08-14), before-upgrade (2026-01-16)"
    )


def test_the_snapshot_age_limit_comes_from_settings(judge, guest_with) -> None:
    old = guest_with(snapshots=[SnapshotView(name="s", created_at=NOW - timedelta(days=45))])
    assert judge("PXA-BK-005", old, settings=Settings(snapshot_max_age_days=60)) == []


def test_snapshots_of_unknown_age_and_the_current_state_are_ignored(judge, guest_with) -> None:
    snapshots = [
        SnapshotView(name="mystery"),
        SnapshotView(name="current", created_at=NOW - timedelta(days=400)),
    ]
    assert judge("PXA-BK-005", guest_with(snapshots=snapshots)) == []
