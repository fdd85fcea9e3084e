"""Minimum Proxmox VE and QEMU versions a node should run, as shipped data.

These are pxa's own policy minimums, not CVE records: Proxmox VE receives security fixes
as a rolling stream inside a major release, so a node below the latest point release of
its line has not installed the fixes published since, and a major release past its end
of life receives none at all. The ids (`PXA-ADV-…`) are ours and say which rule of thumb
fired; they do not name a vendor advisory. Facts behind them: Proxmox VE 7 reached end of
life in July 2024 (Proxmox VE FAQ, support table); Proxmox VE 8.0 shipped QEMU 8.0, 8.4
shipped QEMU 9.2, 9.0 shipped QEMU 10.0 and 9.1 shipped QEMU 10.1 (Proxmox VE roadmap).

This list goes stale with every Proxmox release: update it when pxa is released, and
prefer real advisory ids (Proxmox's PSA-… forum advisories, CVE numbers) when an entry
tracks one specific fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pxa.policy.data.versions import in_range

Component = Literal["pve", "qemu"]


@dataclass(frozen=True)
class Advisory:
    id: str
    component: Component
    introduced: str  # first version the advisory applies to
    fixed_in: str  # first version that satisfies it
    summary: str


ADVISORIES: tuple[Advisory, ...] = (
    Advisory(
        id="PXA-ADV-PVE-7-EOL",
        component="pve",
        introduced="0",
        fixed_in="8.0",
        summary="Proxmox VE 7 and older are end of life and get no security updates",
    ),
    Advisory(
        id="PXA-ADV-PVE-8.4",
        component="pve",
        introduced="8.0",
        fixed_in="8.4",
        summary="Proxmox VE 8 before the 8.4 point release lacks the updates published since",
    ),
    Advisory(
        id="PXA-ADV-PVE-9.1",
        component="pve",
        introduced="9.0",
        fixed_in="9.1",
        summary="Proxmox VE 9 before the 9.1 point release lacks the updates published since",
    ),
    Advisory(
        id="PXA-ADV-QEMU-8",
        component="qemu",
        introduced="0",
        fixed_in="8.0",
        summary="QEMU before 8.0 is a Proxmox VE 7 build that no longer gets fixes",
    ),
    Advisory(
        id="PXA-ADV-QEMU-9.2",
        component="qemu",
        introduced="8.0",
        fixed_in="9.2",
        summary="QEMU before 9.2 predates the build shipped with Proxmox VE 8.4",
    ),
    Advisory(
        id="PXA-ADV-QEMU-10.1",
        component="qemu",
        introduced="10.0",
        fixed_in="10.1",
        summary="QEMU 10.0 predates the build shipped with Proxmox VE 9.1",
    ),
)


def advisories_for(component: Component, version: str | None) -> list[Advisory]:
    """The advisories a component at this version falls under; none when it is unknown."""
    return [
        advisory
        for advisory in ADVISORIES
        if advisory.component == component
        and in_range(version, advisory.introduced, advisory.fixed_in)
    ]
