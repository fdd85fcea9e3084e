"""The Storage pane: pools with a usage bar per node, and the content of the selected pool.

`storage.list` fills the pools (one column per node); `storage.content` the browser below,
for one node of the pool (`o` moves to the next node) and one content type or all (`t`).
Creating a pool is a form whose fields follow the type; an upload takes a local path and
runs `storage.upload`, a job: the browser reloads when it ends.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Label

from pxa.models.storage import ContentList, StoragePool
from pxa.tui.keys import op_binding
from pxa.tui.messages import JobCompleted
from pxa.tui.ops import OperationFinished
from pxa.tui.panes.base import Pane
from pxa.tui.widgets.op_form import OperationForm
from pxa.tui.widgets.pane_forms import pool_fields, upload_fields
from pxa.tui.widgets.pane_kit import (
    LoadFailed,
    bar,
    fetch,
    gib,
    refill,
    selected_key,
    show_body,
    show_state,
    stamp,
    tint,
)
from pxa.tui.widgets.state import PaneState

if TYPE_CHECKING:
    from pxa.core.catalogue import Operation

CONTENT_COLUMNS = ("volume", "content", "size", "VM", "created", "notes")
CONTENT_WORDS = {"vztmpl": "template", "images": "image", "rootdir": "ct disk"}


class StorageLoaded(Message):
    def __init__(self, pools: list[StoragePool]) -> None:
        super().__init__()
        self.pools = pools


class ContentLoaded(Message):
    def __init__(self, content: ContentList) -> None:
        super().__init__()
        self.content = content


class StoragePane(Pane):
    pane_id = "storage"
    title = "Storage"
    areas = ("storage",)
    forms: ClassVar[frozenset[str]] = frozenset({"storage.create", "storage.upload"})
    BINDINGS: ClassVar[list[BindingType]] = [
        op_binding("n", "storage.create", "new pool"),
        op_binding("u", "storage.upload", "upload"),
        Binding("t", "content_type", "type", id="storage-content-type"),
        Binding("o", "next_node", "node", id="storage-node"),
        Binding("r", "refresh", "refresh", id="storage-refresh"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.pools: dict[str, StoragePool] | None = None
        self.content: ContentList | None = None
        self.content_type: str | None = None
        self.node: str | None = None  # the node browsed; None: the first that has the pool

    def compose(self) -> ComposeResult:
        yield PaneState()
        with Vertical(classes="pane-body"):
            yield DataTable(cursor_type="row", id="storage-table")
            yield Label("", id="content-title", classes="section-title")
            content: DataTable[Any] = DataTable(cursor_type="row", id="content-table")
            content.add_columns(*CONTENT_COLUMNS)
            yield content

    def on_mount(self) -> None:
        self.query_one(".pane-body").display = False
        self.app.theme_changed_signal.subscribe(self, lambda _: self._refresh_view())

    def focus_target(self) -> DataTable[Any]:
        return self.query_one("#storage-table", DataTable)

    @property
    def selected(self) -> StoragePool | None:
        return (self.pools or {}).get(selected_key(self.focus_target()) or "")

    # --- loading --------------------------------------------------------------------------
    async def load(self) -> None:
        found = await fetch(self, "storage.list")
        if found is not None:
            self.post_message(StorageLoaded(found.storage))

    @work(exclusive=True, group="storage-content")
    async def load_content(self, storage_id: str) -> None:
        args: dict[str, Any] = {"storage_id": storage_id}
        if self.node:
            args["node"] = self.node
        if self.content_type:
            args["content"] = self.content_type
        found = await fetch(self, "storage.content", args)
        if found is not None:
            self.post_message(ContentLoaded(found))

    def on_storage_loaded(self, message: StorageLoaded) -> None:
        self.pools = {p.id: p for p in message.pools}
        if not message.pools:
            show_state(self, "empty", "No storage is configured on this cluster.")
            return
        show_body(self)
        self._refresh_view()
        if self.selected is not None:
            self.load_content(self.selected.id)

    def on_content_loaded(self, message: ContentLoaded) -> None:
        self.content = message.content
        self._show_content()

    def on_load_failed(self, message: LoadFailed) -> None:
        if message.operation == "storage.content" and self.pools:
            self.content = None
            self.query_one("#content-table", DataTable).clear()
            self.query_one("#content-title", Label).update(f"content: {message.message}")
        else:
            show_state(self, "error", f"Storage could not be read: {message.message}")

    @on(DataTable.RowHighlighted, "#storage-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.content is not None and self.content.storage_id == event.row_key.value:
            return
        self.node = None
        self.content_type = None
        if event.row_key.value:
            self.load_content(event.row_key.value)

    # --- what the tables say --------------------------------------------------------------
    def _node_names(self) -> list[str]:
        return sorted({u.node for p in (self.pools or {}).values() for u in p.usage})

    def _refresh_view(self) -> None:
        if not self.pools:
            return
        table = self.focus_target()
        nodes = self._node_names()
        columns = ["pool", "type", "content", "shared", *nodes, "used / total"]
        if [str(c.label) for c in table.columns.values()] != columns:
            table.clear(columns=True)
            table.add_columns(*columns)
        refill(table, ((p.id, self._cells(p, nodes)) for p in self.pools.values()))
        self._show_content()

    def _cells(self, p: StoragePool, nodes: list[str]) -> list[Any]:
        usage = {u.node: u for u in p.usage}
        bars = []
        for node in nodes:
            u = usage.get(node)
            if u is None:
                bars.append("")
            elif not u.active:
                bars.append(tint(self.app, "offline", "severity-critical"))
            else:
                bars.append(bar(self.app, u.used_percent, 6))
        kind = p.type if p.enabled else f"{p.type} (off)"
        return [
            p.id,
            kind,
            " ".join(p.content),
            "shared" if p.shared else "local",
            *bars,
            _used_of(p.used_gb, p.total_gb),
        ]

    def _show_content(self) -> None:
        table = self.query_one("#content-table", DataTable)
        title = self.query_one("#content-title", Label)
        c = self.content
        if c is None:
            title.update("content")
            table.clear()
            return
        kind = CONTENT_WORDS.get(self.content_type or "", self.content_type or "all")
        count = len(c.items)
        title.update(
            f"content of {c.storage_id} on {c.node} · {kind} · {count} volume"
            f"{'s' if count != 1 else ''}   (t: type, o: node)"
        )
        refill(table, ((i.volid, self._item(i)) for i in c.items))

    def _item(self, i: Any) -> list[Any]:
        notes = i.notes or ""
        if i.protected:
            notes = f"protected · {notes}" if notes else "protected"
        return [
            i.volid.split(":", 1)[-1],
            CONTENT_WORDS.get(i.content, i.content),
            gib(i.size_gb),
            str(i.vmid) if i.vmid else "",
            stamp(i.created_at),
            notes,
        ]

    # --- keys, forms and operations -------------------------------------------------------
    def action_content_type(self) -> None:
        pool = self.selected
        if pool is None:
            return
        kinds: list[str | None] = [None, *pool.content]
        here = self.content_type if self.content_type in kinds else None
        self.content_type = kinds[(kinds.index(here) + 1) % len(kinds)]
        self.load_content(pool.id)

    def action_next_node(self) -> None:
        pool = self.selected
        if pool is None:
            return
        nodes = [u.node for u in pool.usage if u.active]
        if pool.shared or not nodes:
            self.notify(f"{pool.id} shows the same content on every node", markup=False)
            return
        current = self.content.node if self.content else None
        self.node = nodes[(nodes.index(current) + 1) % len(nodes)] if current in nodes else nodes[0]
        self.load_content(pool.id)

    def action_refresh(self) -> None:
        self.reload()

    def operation_args(self, op: Operation) -> dict[str, Any] | None:
        pool = self.selected
        if op.name == "storage.get":
            return {"storage_id": pool.id} if pool else None
        if op.name == "storage.content":
            return {"storage_id": pool.id} if pool else None
        return super().operation_args(op)

    def run_palette_operation(self, op: Operation) -> None:
        pool = self.selected
        if op.name == "storage.create":
            self.app.push_screen(
                OperationForm(op.name, pool_fields(), title="storage: create", requester=self)
            )
        elif op.name == "storage.upload":
            if pool is None:
                self.notify("storage: upload needs a pool selected", severity="warning")
                return
            self.app.push_screen(
                OperationForm(
                    op.name,
                    upload_fields(pool),
                    title=f"storage: upload to {pool.id}",
                    fixed={"storage_id": pool.id},
                    requester=self,
                    note="A file on the machine pxa runs on; it is sent to Proxmox as a job.",
                )
            )
        else:
            super().run_palette_operation(op)

    def on_operation_finished(self, message: OperationFinished) -> None:
        if message.ok and message.name in ("storage.create", "storage.list", "storage.get"):
            self.reload()
        elif message.ok and message.name == "storage.content":
            self.load_content(message.args["storage_id"])

    def on_job_completed(self, message: JobCompleted) -> None:
        if message.job.type == "storage_upload" and self.pools is not None:
            self.reload()


def _used_of(used: float | None, total: float | None) -> str:
    if used is None or total is None:
        return "—"
    if total >= 1024:
        return f"{used / 1024:.1f} / {total / 1024:.1f} TiB"
    return f"{used:.0f} / {total:.0f} GiB"
