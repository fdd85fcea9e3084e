"""JobLogView: one job's log, pxa's lines and Proxmox's, each level in its theme colour.

`show(job)` appends only the lines not written yet, so a running job's log grows in place;
another job clears it first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import RichLog

from pxa.tui.widgets.pane_kit import STATUS_VARIABLES, clock, tint

if TYPE_CHECKING:
    from pxa.models.job import Job, JobLog


class JobLogView(RichLog):
    DEFAULT_CLASSES = "job-log"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(wrap=True, markup=False, min_width=40, **kwargs)  # type: ignore[arg-type]
        self.job: Job | None = None
        self.written = 0

    def show(self, job: Job | None) -> None:
        if job is None or self.job is None or job.id != self.job.id:
            self.clear()
            self.written = 0
        self.job = job
        if job is None:
            return
        for entry in job.logs[self.written :]:
            self.write(self.line(entry))
        self.written = len(job.logs)

    def redraw(self) -> None:
        """Write every line again (the theme changed)."""
        job, self.job = self.job, None
        self.show(job)

    def line(self, entry: JobLog) -> Text:
        text = tint(self.app, clock(entry.timestamp), "status-unknown")
        text.append(" ")
        text.append_text(tint(self.app, f"{entry.source:<3}", "secondary"))
        text.append(" ")
        text.append_text(tint(self.app, f"{entry.level:<7}", STATUS_VARIABLES.get(entry.level)))
        text.append(" ")
        text.append(entry.message)
        return text
