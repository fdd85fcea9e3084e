"""The Networks pane: SDN VLAN networks and node bridges, and each network's firewall rules.

`network.list` fills the table (bridges included) and carries the rules, so the detail
below it needs no further call. Creating or changing a network is a form whose field
errors are the core's own (`Invalid.field`); deleting one asks for its id typed back (the
shell's confirmer); rules are added with a form and deleted from the rules table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Label, Static

from pxa.models.network import Network
from pxa.tui.keys import op_binding
from pxa.tui.messages import JobCompleted
from pxa.tui.ops import OperationFinished
from pxa.tui.panes.base import Pane
from pxa.tui.widgets.op_form import OperationForm
from pxa.tui.widgets.pane_forms import create_fields, rule_fields, update_fields
from pxa.tui.widgets.pane_kit import (
    LoadFailed,
    fetch,
    refill,
    selected_key,
    show_body,
    show_state,
    status_text,
    tint,
)
from pxa.tui.widgets.state import PaneState

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation

COLUMNS = ("name", "type", "VLAN", "subnet", "gateway", "DHCP", "rules", "status", "used by")
RULE_COLUMNS = ("#", "action", "proto", "port", "source", "destination", "on", "comment")
ACTION_VARIABLES = {
    "allow": "status-running",
    "deny": "severity-critical",
    "reject": "severity-high",
}


class NetworksLoaded(Message):
    def __init__(self, networks: list[Network]) -> None:
        super().__init__()
        self.networks = networks


class NetworksPane(Pane):
    pane_id = "networks"
    title = "Networks"
    areas = ("network",)
    forms: ClassVar[frozenset[str]] = frozenset(
        {"network.create", "network.update", "network.rule.add"}
    )  # operations that open a form first
    BINDINGS: ClassVar[list[BindingType]] = [
        op_binding("n", "network.create", "new"),
        op_binding("e", "network.update", "edit"),
        op_binding("d", "network.delete", "delete"),
        op_binding("a", "network.rule.add", "add rule"),
        op_binding("x", "network.rule.delete", "delete rule"),
        Binding("r", "refresh", "refresh", id="networks-refresh"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.networks: dict[str, Network] | None = None

    def compose(self) -> ComposeResult:
        yield PaneState()
        with Vertical(classes="pane-body"):
            table: DataTable[Any] = DataTable(cursor_type="row", id="networks-table")
            table.add_columns(*COLUMNS)
            yield table
            with Horizontal(classes="detail-row"):
                yield Static("", id="network-detail", classes="detail")
                with Vertical(classes="side"):
                    yield Label("firewall rules", classes="section-title")
                    rules: DataTable[Any] = DataTable(cursor_type="row", id="rules-table")
                    rules.add_columns(*RULE_COLUMNS)
                    yield rules

    def on_mount(self) -> None:
        self.query_one(".pane-body").display = False
        self.app.theme_changed_signal.subscribe(self, lambda _: self._refresh_view())

    def focus_target(self) -> DataTable[Any]:
        return self.query_one("#networks-table", DataTable)

    @property
    def selected(self) -> Network | None:
        key = selected_key(self.focus_target())
        return (self.networks or {}).get(key or "")

    # --- loading --------------------------------------------------------------------------
    async def load(self) -> None:
        found = await fetch(self, "network.list")
        if found is not None:
            self.post_message(NetworksLoaded(found.networks))

    def on_networks_loaded(self, message: NetworksLoaded) -> None:
        self.networks = {n.id: n for n in message.networks}
        if not message.networks:
            show_state(self, "empty", "No networks: no SDN VLANs and no node bridges were found.")
            return
        show_body(self)
        self._refresh_view()

    def on_load_failed(self, message: LoadFailed) -> None:
        show_state(self, "error", f"Networks could not be read: {message.message}")

    def _refresh_view(self) -> None:
        if not self.networks:
            return
        refill(self.focus_target(), ((n.id, self._cells(n)) for n in self.networks.values()))
        self._show_detail()

    @on(DataTable.RowHighlighted, "#networks-table")
    def _highlighted(self) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        net = self.selected
        detail = self.query_one("#network-detail", Static)
        rules = self.query_one("#rules-table", DataTable)
        if net is None:
            detail.update("")
            rules.clear()
            return
        detail.update(self._detail(net))
        rows = [(r.id, self._rule_cells(r)) for r in net.firewall_rules]
        refill(rules, rows)
        self.query_one(".side .section-title", Label).update(
            "firewall rules: node bridges have none in pxa"
            if net.type == "bridge"
            else f"firewall rules ({len(rows)})"
        )

    # --- what the rows say ----------------------------------------------------------------
    def _cells(self, n: Network) -> list[Any]:
        kind = f"bridge {n.node}" if n.type == "bridge" else n.type
        dhcp = "on" if n.dhcp_enabled else ("range" if n.dhcp_range else "—")
        return [
            n.name,
            kind,
            str(n.vlan_id) if n.vlan_id else "—",
            n.subnet or "—",
            n.gateway or "—",
            dhcp,
            str(len(n.firewall_rules)) if n.type != "bridge" else "—",
            status_text(self.app, n.status),
            str(len(n.used_by)),
        ]

    def _rule_cells(self, r: Any) -> list[Any]:
        return [
            str(r.position),
            tint(self.app, r.action, ACTION_VARIABLES.get(r.action)),
            r.protocol,
            r.port or "any",
            r.source or "any",
            r.destination or "any",
            "yes" if r.enabled else "no",
            r.comment or "",
        ]

    def _detail(self, n: Network) -> Text:
        text = Text(end="")
        text.append(n.name, style="bold")
        text.append(f" ({n.id})")
        if n.type == "bridge":
            text.append(f"\nLinux bridge on {n.node}")
        else:
            vlan = f" · VLAN {n.vlan_id}" if n.vlan_id else ""
            text.append(f"\n{n.type} zone {n.zone or '—'}{vlan}")
        text.append(f"\nsubnet {n.subnet or '—'} · gateway {n.gateway or '—'}")
        if n.dns_servers:
            text.append(f"\nDNS {', '.join(n.dns_servers)}")
        if n.dhcp_range:
            state = "on" if n.dhcp_enabled else "off"
            text.append(f"\nDHCP {state} · range {n.dhcp_range.start}–{n.dhcp_range.end}")
        elif n.type != "bridge":
            text.append("\nDHCP off")
        text.append("\nused by: ")
        text.append(", ".join(self._guest(g) for g in n.used_by) or "no guest")
        return text

    def _guest(self, gid: str) -> str:
        infra = self.pxa.infra
        name = infra.inventory.guests.get(gid, {}).get("name") if infra else None
        return f"{name} ({gid})" if name else gid

    # --- keys, forms and operations -------------------------------------------------------
    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        net = self.selected
        if op.name in ("network.get", "network.delete", "network.rule.list"):
            return {"network_id": net.id} if net else None
        if op.name == "network.rule.delete":
            rule = selected_key(self.query_one("#rules-table", DataTable))
            return {"network_id": net.id, "rule_id": rule} if net and rule else None
        return super().operation_args(op)

    def run_palette_operation(self, op: Operation) -> None:
        if op.name not in self.forms:
            super().run_palette_operation(op)
            return
        net = self.selected
        if op.name != "network.create" and (net is None or net.type == "bridge"):
            self.notify(
                f"{op.title} needs an SDN network selected in the Networks pane",
                severity="warning",
                markup=False,
            )
            return
        if op.name == "network.create":
            form = OperationForm(op.name, create_fields(), title="network: create", requester=self)
        elif op.name == "network.update":
            assert net is not None
            form = OperationForm(
                op.name,
                update_fields(net),
                title=f"network: update {net.name}",
                fixed={"network_id": net.id},
                requester=self,
            )
        else:
            assert net is not None
            form = OperationForm(
                op.name,
                rule_fields(),
                title=f"network: rule add to {net.name}",
                fixed={"network_id": net.id},
                requester=self,
                note="The new rule goes first: rules are checked in order.",
            )
        self.app.push_screen(form)

    def on_operation_finished(self, message: OperationFinished) -> None:
        if message.ok:
            self.reload()

    def on_job_completed(self, message: JobCompleted) -> None:
        if message.job.type == "network_apply" and self.networks is not None:
            self.reload()

    def action_refresh(self) -> None:
        self.reload()
