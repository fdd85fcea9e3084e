"""PaneState: what a pane shows while it has nothing else to show (connecting, empty, error).

Panes compose one and switch it with `loading()`, `empty(text)` and `error(text)`; they
hide it (`display = False`) once their table or view has data.
"""

from __future__ import annotations

from textual.widgets import Static


class PaneState(Static):
    DEFAULT_CLASSES = "pane-state"

    def __init__(self, text: str = "connecting to the cluster…", **kwargs: object) -> None:
        super().__init__(text, markup=False, **kwargs)  # type: ignore[arg-type]
        self.add_class("-loading")

    def _set(self, kind: str, text: str) -> None:
        self.remove_class("-loading", "-empty", "-error")
        self.add_class(f"-{kind}")
        self.update(text)
        self.display = True

    def loading(self, text: str = "connecting to the cluster…") -> None:
        self._set("loading", text)

    def empty(self, text: str) -> None:
        self._set("empty", text)

    def error(self, text: str) -> None:
        self._set("error", text)
