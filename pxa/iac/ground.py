"""Grounding a spec in the live cluster: what it names must exist, and fit.

The core reads the cluster into `ClusterFacts` and passes them in, so this module stays
pure. Grounding fills what the spec left open (template for the OS, node, storages,
free VM ids) and reports what does not exist or does not fit, each problem naming the
spec field; it never invents a template, node, bridge or storage.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from pxa.iac.cloudinit import USER_DATA_STORAGE
from pxa.iac.spec import InfraSpec, VmSpec

MB = 1024 * 1024


class NodeFact(BaseModel):
    name: str
    online: bool = True
    cpus: int = 0
    memory_total_mb: int = 0
    memory_used_mb: int = 0

    @property
    def memory_free_mb(self) -> int:
        return max(0, self.memory_total_mb - self.memory_used_mb)


class TemplateFact(BaseModel):
    name: str
    vm_id: int
    node: str
    disk_gb: float | None = None  # its root disk: a clone's disk can only grow from it
    os: str | None = None  # "ubuntu-22.04" when the name or tags say so


class StorageFact(BaseModel):
    id: str
    content: list[str]
    nodes: list[str]
    shared: bool = False
    enabled: bool = True
    free_gb: float | None = None


class BridgeFact(BaseModel):
    node: str
    name: str
    vlan_aware: bool = False


class VlanFact(BaseModel):
    vlan_id: int
    name: str


class ClusterFacts(BaseModel):
    nodes: list[NodeFact] = Field(default_factory=list)
    templates: list[TemplateFact] = Field(default_factory=list)
    storages: list[StorageFact] = Field(default_factory=list)
    bridges: list[BridgeFact] = Field(default_factory=list)
    vlans: list[VlanFact] = Field(default_factory=list)
    used_vm_ids: list[int] = Field(default_factory=list)
    guest_names: list[str] = Field(default_factory=list)


class Problem(BaseModel):
    field: str
    reason: str
    message: str
    provided_value: Any = None


class Grounded(BaseModel):
    spec: InfraSpec
    problems: list[Problem] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def _os_matches(template: TemplateFact, wanted: str) -> bool:
    os_name = template.os or template.name
    return os_name == wanted or os_name.startswith(wanted + "-")


def _version_key(template: TemplateFact) -> tuple[float, ...]:
    return tuple(float(n) for n in re.findall(r"\d+(?:\.\d+)?", template.os or template.name))


class _Grounder:
    def __init__(self, spec: InfraSpec, facts: ClusterFacts) -> None:
        self.spec = spec.model_copy(deep=True)
        self.facts = facts
        self.problems: list[Problem] = []
        self.notes: list[str] = []
        self.nodes = {n.name: n for n in facts.nodes}

    def problem(self, field: str, reason: str, message: str, value: Any = None) -> None:
        self.problems.append(
            Problem(field=field, reason=reason, message=message, provided_value=value)
        )

    def template(self, vm: VmSpec, at: str) -> TemplateFact | None:
        names = ", ".join(f"{t.name} ({t.vm_id} on {t.node})" for t in self.facts.templates)
        if vm.template:
            for t in self.facts.templates:
                if vm.template in (t.name, str(t.vm_id)):
                    return t
            self.problem(
                f"{at}.template",
                "unknown_template",
                f"no template {vm.template!r} in the cluster; templates: {names or 'none'}",
                vm.template,
            )
            return None
        wanted = vm.os or "ubuntu"
        matches = [t for t in self.facts.templates if _os_matches(t, wanted)]
        if vm.node:
            matches.sort(key=lambda t: t.node != vm.node)
        if not matches:
            self.problem(
                f"{at}.os",
                "no_template_for_os",
                f"no template provides {wanted!r}; templates: {names or 'none'}",
                wanted,
            )
            return None
        best = max(matches, key=lambda t: (t.node == vm.node, _version_key(t)))
        self.notes.append(f"{vm.name}: template {best.name} ({best.vm_id}) for OS {wanted}")
        return best

    def node(self, vm: VmSpec, at: str, template: TemplateFact | None) -> NodeFact | None:
        if vm.node is None:
            vm.node = template.node if template else None
        if vm.node is None:
            return None
        node = self.nodes.get(vm.node)
        if node is None:
            self.problem(
                f"{at}.node",
                "unknown_node",
                f"node {vm.node!r} does not exist; nodes: {', '.join(sorted(self.nodes))}",
                vm.node,
            )
            return None
        if not node.online:
            self.problem(f"{at}.node", "node_offline", f"node {vm.node} is offline", vm.node)
            return None
        if template and template.node != vm.node and not self._clone_across(template, vm.node):
            here = [t.name for t in self.facts.templates if t.node == vm.node]
            self.problem(
                f"{at}.node",
                "template_on_other_node",
                f"template {template.name} lives on {template.node} on node-local storage, so "
                f"it cannot be cloned to {vm.node}; use node {template.node}"
                + (f" or a template on {vm.node}: {', '.join(here)}" if here else ""),
                vm.node,
            )
        return node

    def _clone_across(self, template: TemplateFact, node: str) -> bool:
        # PVE clones to another node only from shared storage; templates here are local.
        return False

    def disk_sizes(self, vm: VmSpec, at: str, template: TemplateFact | None) -> None:
        if template is None or template.disk_gb is None:
            return
        if vm.disks[0].size_gb < template.disk_gb:
            self.problem(
                f"{at}.disks[0].size_gb",
                "smaller_than_template",
                f"{vm.disks[0].size_gb} GB is smaller than template {template.name}'s "
                f"{template.disk_gb:g} GB disk; a clone's disk can only grow",
                vm.disks[0].size_gb,
            )

    def snippets(self, vm: VmSpec, at: str) -> None:
        """User-data goes to `local` as a snippet (bpg) or an ISO (Telmate's cloud-init disk)."""
        if not vm.cloud_init.user_data:
            return
        local = next((s for s in self.facts.storages if s.id == USER_DATA_STORAGE), None)
        if (
            local is None
            or vm.node not in local.nodes
            or not {"snippets", "iso"} <= set(local.content)
        ):
            self.problem(
                f"{at}.cloud_init",
                "no_snippets_storage",
                f"the cloud-init user-data is stored on {USER_DATA_STORAGE!r}, which must allow "
                f"the 'snippets' and 'iso' content on {vm.node} (Datacenter → Storage → "
                f"{USER_DATA_STORAGE} → Content)",
            )

    def storage(self, vm: VmSpec, at: str) -> None:
        for index, disk in enumerate(vm.disks):
            field = f"{at}.disks[{index}].storage"
            usable = [
                s
                for s in self.facts.storages
                if "images" in s.content and s.enabled and (vm.node in s.nodes)
            ]
            if disk.storage is None:
                if not usable:
                    self.problem(field, "no_storage", f"no storage for disk images on {vm.node}")
                    continue
                disk.storage = max(usable, key=lambda s: s.free_gb or 0).id
                continue
            found = next((s for s in self.facts.storages if s.id == disk.storage), None)
            if found is None or "images" not in found.content or vm.node not in found.nodes:
                names = ", ".join(s.id for s in usable) or "none"
                why = "does not exist" if found is None else f"cannot hold VM disks on {vm.node}"
                self.problem(
                    field,
                    "unknown_storage",
                    f"storage {disk.storage!r} {why}; usable: {names}",
                    disk.storage,
                )

    def network(self, vm: VmSpec, at: str) -> None:
        for index, nic in enumerate(vm.nics):
            bridges = {b.name: b for b in self.facts.bridges if b.node == vm.node}
            bridge = bridges.get(nic.bridge)
            if bridge is None:
                self.problem(
                    f"{at}.nics[{index}].bridge",
                    "unknown_bridge",
                    f"bridge {nic.bridge!r} does not exist on {vm.node}; bridges there: "
                    f"{', '.join(sorted(bridges)) or 'none'}",
                    nic.bridge,
                )
                continue
            if nic.vlan_id is None:
                continue
            if not bridge.vlan_aware:
                self.problem(
                    f"{at}.nics[{index}].vlan_id",
                    "bridge_not_vlan_aware",
                    f"bridge {nic.bridge} on {vm.node} is not VLAN-aware, so VLAN {nic.vlan_id} "
                    "cannot be used on it",
                    nic.vlan_id,
                )
                continue
            known = {v.vlan_id: v.name for v in self.facts.vlans}
            if nic.vlan_id not in known:
                listed = ", ".join(f"{k} ({v})" for k, v in sorted(known.items()))
                self.problem(
                    f"{at}.nics[{index}].vlan_id",
                    "unknown_vlan",
                    f"VLAN {nic.vlan_id} is not a network of this cluster; VLANs: {listed}",
                    nic.vlan_id,
                )

    def capacity(self) -> None:
        wanted: dict[str, int] = {}
        for index, vm in enumerate(self.spec.vms):
            node = self.nodes.get(vm.node or "")
            if node is None:
                continue
            if vm.cores * vm.sockets > node.cpus:
                self.problem(
                    f"spec.vms[{index}].cores",
                    "beyond_capacity",
                    f"{vm.name} asks for {vm.cores * vm.sockets} vCPUs; node {node.name} has "
                    f"{node.cpus}",
                    vm.cores,
                )
            wanted[node.name] = wanted.get(node.name, 0) + vm.memory_mb
        for name, memory in wanted.items():
            node = self.nodes[name]
            if memory > node.memory_free_mb:
                index = next(i for i, vm in enumerate(self.spec.vms) if vm.node == name)
                self.problem(
                    f"spec.vms[{index}].memory_mb",
                    "beyond_capacity",
                    f"the VMs on {name} need {memory} MB of memory; {name} has "
                    f"{node.memory_free_mb} MB free of {node.memory_total_mb} MB",
                    memory,
                )
        disk_wanted: dict[str, float] = {}
        for vm in self.spec.vms:
            for disk in vm.disks:
                if disk.storage:
                    disk_wanted[disk.storage] = disk_wanted.get(disk.storage, 0) + disk.size_gb
        for storage_id, size in disk_wanted.items():
            found = next((s for s in self.facts.storages if s.id == storage_id), None)
            if found and found.free_gb is not None and size > found.free_gb:
                self.problem(
                    "spec.vms[0].disks[0].size_gb",
                    "beyond_capacity",
                    f"the disks need {size:g} GB on {storage_id}; it has {found.free_gb:g} GB free",
                    size,
                )

    def ids(self) -> None:
        used = set(self.facts.used_vm_ids)
        for index, vm in enumerate(self.spec.vms):
            if vm.vm_id is not None:
                if vm.vm_id in used:
                    self.problem(
                        f"spec.vms[{index}].vm_id",
                        "vm_id_in_use",
                        f"VM id {vm.vm_id} is taken",
                        vm.vm_id,
                    )
                used.add(vm.vm_id)
        candidate = 100
        for vm in self.spec.vms:
            if vm.vm_id is None:
                while candidate in used:
                    candidate += 1
                vm.vm_id = candidate
                used.add(candidate)
        taken = set(self.facts.guest_names)
        for index, vm in enumerate(self.spec.vms):
            numbered = re.fullmatch(r"([a-z][a-z0-9-]*)-(\d{2})", vm.name)
            if vm.name in taken and numbered:
                # A numbered default name (web-01) moves to the next free number.
                others = {v.name for v in self.spec.vms}
                n = int(numbered.group(2))
                while f"{numbered.group(1)}-{n:02d}" in taken | others:
                    n += 1
                new = f"{numbered.group(1)}-{n:02d}"
                self.notes.append(f"{vm.name} exists already: named the new VM {new}")
                vm.name = new
            taken.add(vm.name)
            if vm.name in self.facts.guest_names:
                self.problem(
                    f"spec.vms[{index}].name",
                    "name_in_use",
                    f"a guest named {vm.name!r} already exists",
                    vm.name,
                )

    def backup(self) -> None:
        backup = self.spec.backup
        if backup is None or not backup.enabled:
            return
        usable = [s for s in self.facts.storages if "backup" in s.content and s.enabled]
        if backup.storage is None:
            if not usable:
                self.problem("spec.backup.storage", "no_storage", "no storage accepts backups")
                return
            best = max(usable, key=lambda s: (s.shared, s.free_gb or 0))
            backup.storage = best.id
            self.notes.append(f"backups to {best.id}" + (" (shared)" if best.shared else ""))
        elif backup.storage not in {s.id for s in usable}:
            self.problem(
                "spec.backup.storage",
                "unknown_storage",
                f"storage {backup.storage!r} does not accept backups; usable: "
                f"{', '.join(s.id for s in usable) or 'none'}",
                backup.storage,
            )

    def run(self) -> Grounded:
        for index, vm in enumerate(self.spec.vms):
            at = f"spec.vms[{index}]"
            template = self.template(vm, at)
            if template:
                vm.template, vm.template_vm_id, vm.template_node = (
                    template.name,
                    template.vm_id,
                    template.node,
                )
                vm.os = vm.os if vm.os and "-" in vm.os else template.os or vm.os
            node = self.node(vm, at, template)
            if node is None:
                continue
            self.storage(vm, at)
            self.disk_sizes(vm, at, template)
            self.snippets(vm, at)
            self.network(vm, at)
        self.capacity()
        self.ids()
        self.backup()
        return Grounded(spec=self.spec, problems=self.problems, notes=self.notes)


def ground(spec: InfraSpec, facts: ClusterFacts) -> Grounded:
    """The spec with its open choices made from the cluster, and what does not fit."""
    return _Grounder(spec, facts).run()
