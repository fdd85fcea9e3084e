"""The seeded backup history: deterministic, shaped by the jobs, with a few gaps."""

from __future__ import annotations

from collections import defaultdict

from pxa.sandbox.storage_state import state_of
from pxa.sandbox.volumes import Volume
from pxa.sandbox.world import World

CREATED = 1_790_000_000.0  # a fixed "now" for the seeded lab


def _backups(world: World) -> list[Volume]:
    return [v for v in state_of(world).volumes if v.content == "backup"]


def _by_name(world: World) -> dict[str, list[Volume]]:
    out: dict[str, list[Volume]] = defaultdict(list)
    for v in _backups(world):
        out[world.guests[v.vmid or 0].name].append(v)
    return out


def test_the_same_seed_seeds_the_same_backups() -> None:
    a, b = World.generate(7, created=CREATED), World.generate(7, created=CREATED)
    assert [v.to_dict() for v in _backups(a)] == [v.to_dict() for v in _backups(b)]


def test_another_seed_seeds_other_backups() -> None:
    a, b = World.generate(1, created=CREATED), World.generate(2, created=CREATED)
    assert [v.to_dict() for v in _backups(a)] != [v.to_dict() for v in _backups(b)]


def test_backups_span_the_last_weeks_and_end_last_night() -> None:
    ctimes = [v.ctime for v in _backups(World.generate(42, created=CREATED))]
    assert CREATED - 86400 < max(ctimes) < CREATED
    assert min(ctimes) < CREATED - 30 * 86400


def test_production_vms_have_backups_on_pbs_and_development_vms_none() -> None:
    by_name = _by_name(World.generate(42, created=CREATED))
    assert {v.storage for v in by_name["db-01"]} == {"pbs-main"}
    assert len(by_name["web-server-02"]) >= 7
    assert {v.storage for v in by_name["web-server-03"]} == {"nfs-backup"}
    for name in ("db-03", "ci-runner-01", "dev-sandbox-01", "backup-01", "pihole-01"):
        assert name not in by_name


def test_nightly_history_respects_the_jobs_retention() -> None:
    by_name = _by_name(World.generate(42, created=CREATED))
    days = {int(v.ctime // 86400) for v in by_name["web-server-02"]}
    assert len(by_name["web-server-02"]) == len(days) <= 7 + 4 + 6


def test_history_has_protected_noted_and_verified_backups() -> None:
    backups = _backups(World.generate(42, created=CREATED))
    protected = {(v.storage, v.notes) for v in backups if v.protected}
    assert ("pbs-main", "before PostgreSQL 16 upgrade") in protected
    assert ("local", "before WireGuard upgrade") in protected
    states = {v.verification["state"] for v in backups if v.verification}
    assert states == {"ok", "failed"}
    assert all(v.encrypted for v in backups if v.storage == "pbs-main")


def test_a_backup_keeps_the_guest_config_without_lock_and_parent() -> None:
    world = World.generate(42, created=CREATED)
    db = _by_name(world)["db-01"][-1]
    assert db.guest is not None and db.guest["config"]["name"] == "db-01"
    assert "parent" not in db.guest["config"] and "parent" in world.guests[db.vmid or 0].config
