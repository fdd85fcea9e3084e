"""The panes, in the order of their number keys (1–7) and tabs.

To add a pane: subclass `pxa.tui.panes.base.Pane` in a module here and list it in PANES.
"""

from __future__ import annotations

from pxa.tui.panes.backups import BackupsPane
from pxa.tui.panes.base import Pane
from pxa.tui.panes.jobs import JobsPane
from pxa.tui.panes.monitoring import MonitoringPane
from pxa.tui.panes.networks import NetworksPane
from pxa.tui.panes.security import SecurityPane
from pxa.tui.panes.storage import StoragePane
from pxa.tui.panes.vms import VmsPane

PANES: tuple[type[Pane], ...] = (
    VmsPane,
    NetworksPane,
    StoragePane,
    BackupsPane,
    JobsPane,
    SecurityPane,
    MonitoringPane,
)

__all__ = ["PANES", "Pane"]
