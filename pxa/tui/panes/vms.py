"""The VMs pane: virtual machines and containers: status, power, snapshots, create and delete.

Placeholder: the shell's conventions are in `pxa.tui.panes.base`; the pane's issue fills it.
"""

from __future__ import annotations

from pxa.tui.panes.base import Pane


class VmsPane(Pane):
    pane_id = "vms"
    title = "VMs"
    areas = ("vm",)
    placeholder = (
        "The VMs pane arrives with its own issue.\n"
        "Virtual machines and containers: status, power, snapshots, create and delete."
    )
