"""The status header: cluster name, SANDBOX and READ-ONLY badges, connection health, the API.

It holds no clock or uptime, so a screenshot of it depends only on the cluster's state.
Everything it shows comes from core messages; it never reads the core on its own.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from pxa.tui.bridge import CoreListener
from pxa.tui.messages import (
    ApiFailed,
    ApiStarted,
    BackendHealthChanged,
    ClusterSummaryLoaded,
    CoreFailed,
    CoreReady,
    InventoryRefreshed,
)


class StatusHeader(CoreListener, Horizontal):
    DEFAULT_CLASSES = "status-header"

    def compose(self) -> ComposeResult:
        yield Static("pxa", id="brand")
        yield Static("SANDBOX", id="badge-sandbox", classes="badge")
        yield Static("READ-ONLY", id="badge-read-only", classes="badge")
        yield Static("", id="cluster", markup=False)  # takes the room left, cut with …
        yield Static("", id="health", markup=False)
        yield Static("", id="api", markup=False)

    def on_mount(self) -> None:
        self.query_one("#badge-sandbox").display = False
        self.query_one("#badge-read-only").display = getattr(self.app, "read_only", False)
        self.set_health("connecting", "connecting…")
        self.set_api("API starting…" if getattr(self.app, "api_wanted", False) else "API off")

    # --- what the header shows ------------------------------------------------------------
    def set_health(self, state: str, text: str) -> None:
        health = self.query_one("#health", Static)
        health.set_classes(f"-{state}")
        symbol = {"connected": "●", "connecting": "○"}.get(state, "✕")
        health.update(f"{symbol} {text}")

    def set_api(self, text: str, *, failed: bool = False) -> None:
        api = self.query_one("#api", Static)
        api.set_class(failed, "-failed")
        api.update(text)

    @property
    def health(self) -> str:
        return str(self.query_one("#health", Static).content)

    # --- core messages --------------------------------------------------------------------
    def on_core_ready(self, message: CoreReady) -> None:
        infra = message.infra
        self.query_one("#badge-sandbox").display = infra.sandbox
        self.query_one("#badge-read-only").display = infra.read_only
        if infra.inventory.healthy:
            self.set_health("connected", "connected")
        elif infra.inventory.error is not None:
            self.set_health("unreachable", f"unreachable: {infra.inventory.error.message}")

    def on_core_failed(self, message: CoreFailed) -> None:
        self.set_health("failed", message.message)

    def on_cluster_summary_loaded(self, message: ClusterSummaryLoaded) -> None:
        summary = message.summary
        name = summary.cluster_name or (summary.nodes[0].name if summary.nodes else "")
        nodes = len(summary.nodes)
        version = f" · PVE {summary.version}" if summary.version else ""
        self.query_one("#cluster", Static).update(
            f"{name} · {nodes} node{'s' if nodes != 1 else ''}{version}"
        )

    def on_inventory_refreshed(self, message: InventoryRefreshed) -> None:
        self.set_health("connected", "connected")

    def on_backend_health_changed(self, message: BackendHealthChanged) -> None:
        if message.healthy:
            self.set_health("connected", "connected")
        else:
            self.set_health("unreachable", f"unreachable: {message.message}")

    def on_api_started(self, message: ApiStarted) -> None:
        self.set_api(f"API {message.url}")

    def on_api_failed(self, message: ApiFailed) -> None:
        self.set_api("API failed", failed=True)
