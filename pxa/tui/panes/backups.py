"""The Backups pane: backup archives, schedules, coverage and restores.

Placeholder: the shell's conventions are in `pxa.tui.panes.base`; the pane's issue fills it.
"""

from __future__ import annotations

from pxa.tui.panes.base import Pane


class BackupsPane(Pane):
    pane_id = "backups"
    title = "Backups"
    areas = ("backup",)
    placeholder = (
        "The Backups pane arrives with its own issue.\n"
        "Backup archives, schedules, coverage and restores."
    )
