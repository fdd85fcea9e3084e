"""The Monitoring pane: node and VM metrics over time, the cluster at a glance.

Placeholder: the shell's conventions are in `pxa.tui.panes.base`; the pane's issue fills it.
"""

from __future__ import annotations

from pxa.tui.panes.base import Pane


class MonitoringPane(Pane):
    pane_id = "monitoring"
    title = "Monitoring"
    areas = ("monitoring", "cluster")
    placeholder = (
        "The Monitoring pane arrives with its own issue.\n"
        "Node and VM metrics over time, the cluster at a glance."
    )
