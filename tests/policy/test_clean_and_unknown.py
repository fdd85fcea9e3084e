"""A hardened guest passes every rule; facts nobody knows never become findings."""

from __future__ import annotations

import pytest

from pxa.policy.engine import evaluate
from pxa.policy.view import ClusterView, GuestView

SCAN_TYPES = [None, "vulnerability", "configuration", "compliance"]


@pytest.mark.parametrize("scan_type", SCAN_TYPES)
def test_a_hardened_guest_on_a_hardened_cluster_has_no_findings(guest, cluster, scan_type) -> None:
    assert evaluate([guest], cluster, scan_type=scan_type) == []


@pytest.mark.parametrize("scan_type", SCAN_TYPES)
def test_a_guest_about_which_nothing_is_known_has_no_findings(scan_type) -> None:
    unknown = GuestView(id="102", name="mystery")
    assert evaluate([unknown], ClusterView(), scan_type=scan_type) == []


def test_a_spec_that_states_nothing_has_no_findings() -> None:
    spec = GuestView(id="web", name="web", source="spec")
    assert evaluate([spec], ClusterView()) == []


def test_a_hardened_spec_has_no_findings(guest_with) -> None:
    # What a spec can state: no backup history, no snapshots, no cluster around it.
    spec = guest_with(
        source="spec", backups__count=None, backups__last_backup_at=None, snapshots=[]
    )
    assert evaluate([spec], ClusterView()) == []


def test_unknown_versions_and_flags_on_nodes_and_tokens_say_nothing(cluster_with) -> None:
    blank = cluster_with(
        firewall_enabled=None,
        nodes=[{"name": "pve9"}],
        tokens=[{"id": "ci@pve!deploy", "expire": "2030-01-01T00:00:00Z"}],
    )
    assert evaluate([], blank) == []
