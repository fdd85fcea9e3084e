"""Export: live VMs → a spec, rendered as the same HCL plus `import {}` blocks.

`spec_from_live` reads what the core fetched (the resources row, the qemu config, the
firewall options and rules) into the spec model; rendering it with `imports=True` gives
a module whose `terraform plan` after import should leave the VMs unchanged.
`pxa.iac.read_hcl` reads such a module back.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from pxa.iac.spec import (
    CloudInitSpec,
    DiskSpec,
    FirewallRuleSpec,
    FirewallSpec,
    InfraSpec,
    NicSpec,
    VmSpec,
)
from pxa.proxmox.parse import (
    decode_sshkeys,
    parse_disk,
    parse_ipconfig,
    parse_net,
    parse_tags,
    property_string,
    size_bytes,
)

DISK_SLOT = re.compile(r"^(scsi|virtio|sata|ide)(\d+)$")
GiB = 1024**3


class LiveVm(BaseModel):
    """What the core read about one VM."""

    row: dict[str, Any]  # /cluster/resources
    config: dict[str, Any]
    firewall_options: dict[str, Any] = Field(default_factory=dict)
    firewall_rules: list[dict[str, Any]] = Field(default_factory=list)


def _flag(value: Any) -> bool:
    return str(value).strip() in ("1", "true", "yes", "on")


def _agent(raw: Any) -> bool:
    if raw is None:
        return False
    props = property_string(str(raw), default_key="enabled")
    return _flag(props.get("enabled", "0"))


def _disks(config: dict[str, Any]) -> list[DiskSpec]:
    found = []
    for key, raw in config.items():
        slot = DISK_SLOT.match(key)
        if not slot:
            continue
        disk = parse_disk(str(raw))
        props = property_string(str(raw), default_key="file")
        if disk["media"] == "cdrom" or "cloudinit" in (disk["volume"] or ""):
            continue
        size = size_bytes(disk["size"]) or 0
        found.append(
            (
                (slot.group(1), int(slot.group(2))),
                DiskSpec(
                    interface=key,
                    size_gb=max(1, round(size / GiB)),
                    storage=disk["storage"],
                    iothread=_flag(props.get("iothread", "0")),
                ),
            )
        )
    return [d for _, d in sorted(found, key=lambda item: item[0])]


def _nics(config: dict[str, Any]) -> list[NicSpec]:
    out = []
    for index in range(32):
        raw = config.get(f"net{index}")
        if raw is None:
            continue
        net = parse_net(str(raw))
        ip = parse_ipconfig(str(config.get(f"ipconfig{index}", "ip=dhcp")))
        out.append(
            NicSpec(
                bridge=net["bridge"] or "vmbr0",
                vlan_id=int(net["tag"]) if net["tag"] else None,
                firewall=_flag(net["firewall"] or "0"),
                mac_address=net["mac"],
                ipv4=ip["cidr"] if ip["cidr"] and ip["cidr"] not in ("dhcp", "auto") else "dhcp",
                gateway=ip["gateway"],
            )
        )
    return out


def _rules(rules: list[dict[str, Any]], notes: list[str], name: str) -> list[FirewallRuleSpec]:
    out = []
    for rule in sorted(rules, key=lambda r: int(r.get("pos", 0))):
        if rule.get("type") not in ("in", "out"):
            notes.append(
                f"{name}: firewall rule {rule.get('pos')} ({rule.get('type')}) not exported"
            )
            continue
        out.append(
            FirewallRuleSpec(
                direction=rule["type"],
                action=rule.get("action", "ACCEPT"),
                protocol=rule.get("proto"),
                port=rule.get("dport"),
                macro=rule.get("macro"),
                source=rule.get("source") or None,
                comment=rule.get("comment") or None,
                enabled=_flag(rule.get("enable", 1)),
            )
        )
    return out


def vm_from_live(vm: LiveVm, notes: list[str]) -> VmSpec:
    config, row = vm.config, vm.row
    name = str(config.get("name") or row.get("name"))
    cpu = property_string(str(config.get("cpu", "x86-64-v2-AES")), default_key="cputype")
    options = vm.firewall_options
    if config.get("cipassword"):
        notes.append(f"{name}: a cloud-init password is set on the VM; it is not exported")
    return VmSpec(
        name=name,
        vm_id=int(row["vmid"]),
        node=row["node"],
        cores=int(config.get("cores", 1)),
        sockets=int(config.get("sockets", 1)),
        cpu_type=cpu.get("cputype", "x86-64-v2-AES"),
        os_type=str(config.get("ostype", "other")),
        scsi_hardware=str(config.get("scsihw", "lsi")),
        memory_mb=int(config.get("memory", 512)),
        disks=_disks(config),
        nics=_nics(config),
        cloud_init=CloudInitSpec(
            user=config.get("ciuser"),
            ssh_keys=decode_sshkeys(config.get("sshkeys")),
            ssh_keys_from_variable=False,
            auto_updates=False,
            user_data=False,
        ),
        firewall=FirewallSpec(
            enabled=_flag(options.get("enable", 0)),
            policy_in=options.get("policy_in", "DROP"),
            policy_out=options.get("policy_out", "ACCEPT"),
            rules=_rules(vm.firewall_rules, notes, name),
        ),
        agent=_agent(config.get("agent")),
        protection=_flag(config.get("protection", 0)),
        on_boot=_flag(config.get("onboot", 0)),
        started=row.get("status") == "running",
        tags=sorted(parse_tags(config.get("tags"))),
        description=config.get("description") or None,
    )


def spec_from_live(vms: list[LiveVm]) -> tuple[InfraSpec, list[str]]:
    notes: list[str] = []
    spec = InfraSpec(vms=[vm_from_live(vm, notes) for vm in vms], backup=None)
    notes.append("backup jobs are not exported; `pxa backup schedule list` shows them")
    notes.append(
        "import blocks cover the VMs; each VM's firewall options and rules are written as "
        "they are live, so applying them rewrites the same settings"
    )
    return spec, notes
