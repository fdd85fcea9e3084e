"""The Security pane: configuration scans, findings and fixes.

Placeholder: the shell's conventions are in `pxa.tui.panes.base`; the pane's issue fills it.
"""

from __future__ import annotations

from pxa.tui.panes.base import Pane


class SecurityPane(Pane):
    pane_id = "security"
    title = "Security"
    areas = ("security",)
    placeholder = (
        "The Security pane arrives with its own issue.\nConfiguration scans, findings and fixes."
    )
