"""The VMs pane's create form: a VM from a template, with only what exists to choose.

Templates and nodes come from the inventory, networks from `network.list`; the form shows
the storage the template's disks stay on (`storage.list` and the template's `vm.get`).
The core validates the rest (`VmFormScreen` puts its errors under the fields).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.widgets import Checkbox, Input, Select, Static

from pxa.models.network import Network
from pxa.models.storage import StoragePool
from pxa.models.vm import ENVIRONMENTS, Vm, VmDetail
from pxa.tui.widgets.vm_forms import VmFormScreen


@dataclass
class CreateChoices:
    """What exists, for the create form's choices."""

    templates: list[Vm]
    nodes: dict[str, bool]  # node → online
    networks: list[Network] = field(default_factory=list)
    storage: list[StoragePool] = field(default_factory=list)
    template_disks: dict[str, list[str]] = field(default_factory=dict)  # template id → storages

    @classmethod
    def of(
        cls,
        vms: list[Vm],
        nodes: dict[str, bool],
        networks: list[Network],
        storage: list[StoragePool],
        details: list[VmDetail],
    ) -> CreateChoices:
        return cls(
            templates=sorted(
                (v for v in vms if v.template and v.type == "qemu"), key=lambda v: v.name
            ),
            nodes=nodes,
            networks=networks,
            storage=storage,
            template_disks={
                d.id: sorted(
                    {s.storage for s in d.configuration.storage if s.storage and s.type != "cdrom"}
                )
                for d in details
            },
        )

    def network_options(self) -> list[tuple[str, str]]:
        out = []
        for net in self.networks:
            if net.type == "bridge":
                continue
            where = f" · {net.subnet}" if net.subnet else ""
            vlan = f"VLAN {net.vlan_id}" if net.vlan_id else net.type
            out.append(
                (
                    f"{net.id} · {vlan}{where}",
                    f"vlan:{net.vlan_id}" if net.vlan_id else f"bridge:{net.name}",
                )
            )
        bridges = sorted({n.name for n in self.networks if n.type == "bridge"})
        out += [(f"{b} · bridge, untagged", f"bridge:{b}") for b in bridges if b != "vmbr0"]
        return out

    def storage_note(self, template_id: str | None, node: str | None) -> str:
        if template_id is None:
            return ""
        template = next((t for t in self.templates if t.id == template_id), None)
        pools = {p.id: p for p in self.storage}
        notes = []
        for name in self.template_disks.get(template_id, []):
            pool = pools.get(name)
            if pool is None:
                notes.append(f"{name} (not in storage.list)")
            elif pool.shared:
                notes.append(f"{name} (shared)")
            else:
                notes.append(f"{name} (local to {template.node if template else '?'})")
        text = "disks stay on " + ", ".join(notes) if notes else ""
        target = node or (template.node if template else None)
        if template and target and target != template.node and any("local" in n for n in notes):
            text += f"; Proxmox clones it only on {template.node}"
        return text


class VmCreateScreen(VmFormScreen):
    operation = "vm.create"
    submit_label = "Create"
    FIELDS: ClassVar[dict[str, str]] = {
        "name": "create-name",
        "template": "create-template",
        "node": "create-node",
        "environment": "create-environment",
        "vmid": "create-name",
        "configuration.cpu_cores": "create-cores",
        "configuration.cpu_sockets": "create-cores",
        "configuration.memory_mb": "create-memory",
        "configuration.storage_gb": "create-disk",
        "configuration.network": "create-network",
        "configuration.network.static_ip": "create-ip",
        "configuration.network.gateway": "create-gateway",
        "security.ssh_keys": "create-tags",
        "tags": "create-tags",
        "description": "create-description",
    }

    def __init__(self, choices: CreateChoices) -> None:
        super().__init__("vm: create")
        self.choices = choices

    def fields(self) -> ComposeResult:
        c = self.choices
        templates = [(f"{t.name} ({t.id}, {t.node})", t.id) for t in c.templates]
        nodes = [(n if up else f"{n} (offline)", n) for n, up in sorted(c.nodes.items())]
        first = c.templates[0].id if c.templates else Select.NULL
        yield self.row(
            "create-name", "name", Input(placeholder="web-04", id="create-name", compact=True)
        )
        yield self.row(
            "create-template",
            "template",
            Select(templates, value=first, allow_blank=False, id="create-template", compact=True)
            if templates
            else Select([], prompt="no templates", id="create-template", compact=True),
        )
        yield self.row(
            "create-node",
            "node",
            Select(nodes, prompt="the template's node", id="create-node", compact=True),
        )
        yield Static("", id="create-storage", classes="field-note", markup=False)
        yield self.row(
            "create-environment",
            "environment",
            Select(
                [(e, e) for e in ENVIRONMENTS], prompt="none", id="create-environment", compact=True
            ),
        )
        yield self.row("create-cores", "cores", Input("2", id="create-cores", compact=True))
        yield self.row(
            "create-memory", "memory MB", Input("2048", id="create-memory", compact=True)
        )
        yield self.row(
            "create-disk",
            "disk GB",
            Input(placeholder="the template's size", id="create-disk", compact=True),
        )
        yield self.row(
            "create-network",
            "network",
            Select(
                c.network_options(), prompt="vmbr0, untagged", id="create-network", compact=True
            ),
        )
        yield self.row(
            "create-ip",
            "static IP",
            Input(placeholder="DHCP (or 10.0.0.5/24)", id="create-ip", compact=True),
        )
        yield self.row("create-gateway", "gateway", Input(id="create-gateway", compact=True))
        yield self.row(
            "create-tags", "tags", Input(placeholder="web, nginx", id="create-tags", compact=True)
        )
        yield self.row(
            "create-description", "description", Input(id="create-description", compact=True)
        )
        yield Checkbox("firewall on", True, id="create-firewall", compact=True)
        yield Checkbox("start when created", True, id="create-start", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self._storage_note()
        self.query_one("#create-name", Input).focus()

    @on(Select.Changed, "#create-template, #create-node")
    def _storage_note(self) -> None:
        note = self.choices.storage_note(self.choice("create-template"), self.choice("create-node"))
        self.query_one("#create-storage", Static).update(note)

    def arguments(self) -> dict[str, Any] | None:
        network: dict[str, Any] = {}
        chosen = self.choice("create-network")
        if isinstance(chosen, str):
            kind, _, value = chosen.partition(":")
            network["vlan_id" if kind == "vlan" else "bridge"] = value
        for key, fid in (("static_ip", "create-ip"), ("gateway", "create-gateway")):
            if self.value(fid):
                network[key] = self.value(fid)
        configuration: dict[str, Any] = {"network": network}
        for key, fid in (
            ("cpu_cores", "create-cores"),
            ("memory_mb", "create-memory"),
            ("storage_gb", "create-disk"),
        ):
            if self.value(fid):
                configuration[key] = self.value(fid)
        template = self.choice("create-template")
        if template is None:
            self.show_errors({"create-template": "there is no template to clone"})
            return None
        args: dict[str, Any] = {
            "name": self.value("create-name"),
            "template": template,
            "configuration": configuration,
            "tags": [t.strip() for t in self.value("create-tags").split(",") if t.strip()],
            "security": {"enable_firewall": self.query_one("#create-firewall", Checkbox).value},
            "start": self.query_one("#create-start", Checkbox).value,
        }
        for key, fid in (("node", "create-node"), ("environment", "create-environment")):
            if self.choice(fid) is not None:
                args[key] = self.choice(fid)
        if self.value("create-description"):
            args["description"] = self.value("create-description")
        return args
