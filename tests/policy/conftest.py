"""A hardened guest and cluster that every rule passes, and ways to break one thing at a time.

`guest_with(firewall__enabled=False)` is the hardened guest with one fact changed (a double
underscore reaches into a nested view); `judge("PXA-FW-001", guest)` runs one rule alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from pxa.policy.catalogue import rule_by_id
from pxa.policy.rule import Finding, Settings
from pxa.policy.view import (
    BackupView,
    CloudInitView,
    ClusterView,
    FirewallRuleView,
    FirewallView,
    GuestView,
    NicView,
    NodeView,
    OsView,
    ServicesView,
    SnapshotView,
    TokenView,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
M = TypeVar("M", bound=BaseModel)


def hardened_guest() -> GuestView:
    return GuestView(
        id="101",
        name="web-01",
        node="pve1",
        environment="production",
        status="running",
        protection=True,
        agent_enabled=True,
        cpu_type="host",
        os=OsView(family="ubuntu", version="24.04", source="agent"),
        firewall=FirewallView(
            enabled=True,
            policy_in="DROP",
            policy_out="ACCEPT",
            rules=[
                FirewallRuleView(action="ACCEPT", macro="SSH", source="+management"),
                FirewallRuleView(action="ACCEPT", protocol="tcp", dport="443"),
            ],
        ),
        nics=[
            NicView(
                id="net0",
                bridge="vmbr0",
                vlan_id=20,
                firewall=True,
                evidence="net0: virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=20",
            )
        ],
        cloud_init=CloudInitView(user="admin", ssh_keys=2),
        backups=BackupView(
            covered=True,
            last_backup_at=NOW - timedelta(days=1),
            storages=["pbs"],
            off_node=True,
            count=14,
        ),
        snapshots=[SnapshotView(name="pre-upgrade", created_at=NOW - timedelta(days=3))],
        services=ServicesView(web_server=True, tls=True),
    )


def hardened_cluster() -> ClusterView:
    return ClusterView(
        firewall_enabled=True,
        nodes=[
            NodeView(name="pve1", pve_version="9.1.1", qemu_version="10.1.2", firewall_enabled=True)
        ],
        tokens=[TokenView(id="ops@pve!pxa", privsep=True, expire=NOW + timedelta(days=90))],
        shared_backup_storages=["pbs"],
        now=NOW,
    )


def changed(model: M, **changes: Any) -> M:
    """A copy of `model` with fields replaced; `a__b=x` replaces field b of field a."""
    direct: dict[str, Any] = {}
    nested: dict[str, dict[str, Any]] = {}
    for key, value in changes.items():
        head, _, rest = key.partition("__")
        if rest:
            nested.setdefault(head, {})[rest] = value
        else:
            direct[head] = value
    for head, inner in nested.items():
        direct[head] = changed(getattr(model, head), **inner)
    return type(model).model_validate({**model.model_dump(), **direct})


@pytest.fixture
def guest() -> GuestView:
    return hardened_guest()


@pytest.fixture
def cluster() -> ClusterView:
    return hardened_cluster()


@pytest.fixture
def guest_with() -> Callable[..., GuestView]:
    return lambda **changes: changed(hardened_guest(), **changes)


@pytest.fixture
def cluster_with() -> Callable[..., ClusterView]:
    return lambda **changes: changed(hardened_cluster(), **changes)


Judge = Callable[..., list[Finding]]


@pytest.fixture
def judge() -> Judge:
    def run(
        rule_id: str,
        guest: GuestView | None = None,
        cluster: ClusterView | None = None,
        settings: Settings | None = None,
    ) -> list[Finding]:
        rule = rule_by_id(rule_id)
        scope = cluster or hardened_cluster()
        settings = settings or Settings()
        if rule.cluster is not None:
            return rule.cluster(scope, settings)
        assert rule.guest is not None
        return rule.guest(guest or hardened_guest(), scope, settings)

    return run
