"""MetricGraph: one series as a titled sparkline (Textual's `Sparkline`), for the Monitoring
pane's per-VM graphs and the Security pane's score history.

The sparkline's colours are its component classes, styled in pxa.tcss with theme variables.
A missing point (the VM was stopped) is drawn as zero so the time axis stays even.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Sparkline, Static


class MetricGraph(Vertical):
    DEFAULT_CLASSES = "metric-graph"

    def __init__(self, label: str, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.label = label
        self.values: list[float] = []

    def compose(self) -> ComposeResult:
        yield Static(self.label, markup=False, classes="graph-title")
        yield Sparkline([], summary_function=max)

    def show(self, values: Sequence[float | None], caption: str = "") -> None:
        """Draw `values` (oldest first) and write `caption` after the label."""
        self.values = [v or 0.0 for v in values]
        self.query_one(Sparkline).data = self.values or [0.0]
        title = f"{self.label}  {caption}" if caption else self.label
        self.query_one(".graph-title", Static).update(title)

    def clear(self, caption: str = "no data") -> None:
        self.show([], caption)
