"""The Jobs pane: every job pxa runs, with progress, logs and cancel.

Placeholder: the shell's conventions are in `pxa.tui.panes.base`; the pane's issue fills it.
"""

from __future__ import annotations

from pxa.tui.panes.base import Pane


class JobsPane(Pane):
    pane_id = "jobs"
    title = "Jobs"
    areas = ("job",)
    placeholder = (
        "The Jobs pane arrives with its own issue.\n"
        "Every job pxa runs, with progress, logs and cancel."
    )
