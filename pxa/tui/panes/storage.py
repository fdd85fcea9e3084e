"""The Storage pane: storage pools, their usage and content, uploads.

Placeholder: the shell's conventions are in `pxa.tui.panes.base`; the pane's issue fills it.
"""

from __future__ import annotations

from pxa.tui.panes.base import Pane


class StoragePane(Pane):
    pane_id = "storage"
    title = "Storage"
    areas = ("storage",)
    placeholder = (
        "The Storage pane arrives with its own issue.\n"
        "Storage pools, their usage and content, uploads."
    )
