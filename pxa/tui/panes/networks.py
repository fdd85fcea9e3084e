"""The Networks pane: SDN zones, VNets and subnets, and their firewall rules.

Placeholder: the shell's conventions are in `pxa.tui.panes.base`; the pane's issue fills it.
"""

from __future__ import annotations

from pxa.tui.panes.base import Pane


class NetworksPane(Pane):
    pane_id = "networks"
    title = "Networks"
    areas = ("network",)
    placeholder = (
        "The Networks pane arrives with its own issue.\n"
        "SDN zones, VNets and subnets, and their firewall rules."
    )
