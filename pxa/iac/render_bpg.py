"""bpg/proxmox (`proxmox_virtual_environment_vm`): the provider the community uses today.

One VM resource per VM, its firewall options and rules as their own resources, the
cloud-init user-data uploaded as a snippet, and one backup job covering the VMs.
"""

from __future__ import annotations

from pxa.iac import cloudinit
from pxa.iac.hcl import Block, Expr
from pxa.iac.spec import ADMIN_SOURCE, InfraSpec, VmSpec, resource_name

VM = "proxmox_virtual_environment_vm"
FILE = "proxmox_virtual_environment_file"
FW_OPTIONS = "proxmox_virtual_environment_firewall_options"
FW_RULES = "proxmox_virtual_environment_firewall_rules"
BACKUP_JOB = "proxmox_backup_job"


def provider_block() -> Block:
    return (
        Block("provider", ("proxmox",))
        .set("endpoint", Expr("var.proxmox_endpoint"))
        .set("api_token", Expr("var.proxmox_api_token"))
        .set("insecure", Expr("var.proxmox_insecure"))
        # Uploading snippets (cloud-init user-data) goes over SSH to the node.
        .add(Block("ssh").set("agent", True).set("username", Expr("var.proxmox_ssh_username")))
    )


def _source(source: str | None, spec: InfraSpec) -> str | Expr | None:
    if source == ADMIN_SOURCE:
        return spec.admin_cidr or Expr("var.admin_cidr")
    return source


def _keys(vm: VmSpec) -> Expr | list[str]:
    inline = vm.cloud_init.ssh_keys
    if not vm.cloud_init.ssh_keys_from_variable:
        return inline
    if not inline:
        return Expr(f"var.{cloudinit.KEYS_VARIABLE}")
    listed = ", ".join(f'"{k}"' for k in inline)
    return Expr(f"concat(var.{cloudinit.KEYS_VARIABLE}, [{listed}])")


def vm_blocks(vm: VmSpec, spec: InfraSpec) -> list[Block]:
    label = resource_name(vm.name)
    out: list[Block] = []
    ci = vm.cloud_init
    if ci.user_data:
        keys = _keys(vm)
        keys_text = keys.text if isinstance(keys, Expr) else "[]"
        args = f"{cloudinit.KEYS_VARIABLE} = {keys_text}"
        if ci.password:
            args += f", {cloudinit.PASSWORD_VARIABLE} = var.{cloudinit.PASSWORD_VARIABLE}"
        out.append(
            Block("resource", (FILE, f"{label}_user_data"))
            .set("content_type", "snippets")
            .set("datastore_id", cloudinit.USER_DATA_STORAGE)
            .set("node_name", vm.node)
            .add(
                Block("source_raw")
                .set(
                    "data",
                    Expr(
                        f'templatefile("${{path.module}}/{cloudinit.user_data_path(vm)}", '
                        f"{{ {args} }})"
                    ),
                )
                .set("file_name", f"{vm.name}-user-data.yaml")
            )
        )
    body = (
        Block("resource", (VM, label))
        .set("name", vm.name)
        .set("node_name", vm.node)
        .set("vm_id", vm.vm_id)
        .set("description", vm.description)
        .set("tags", sorted(vm.tags) or None)
        .set("on_boot", vm.on_boot)
        .set("started", vm.started)
        .set("protection", vm.protection)
        .set("scsi_hardware", vm.scsi_hardware)
    )
    if vm.template_vm_id is not None:
        body.add(
            Block("clone")
            .set("vm_id", vm.template_vm_id)
            .set("node_name", vm.template_node)
            .set("full", True)
        )
    body.add(Block("agent").set("enabled", vm.agent))
    body.add(
        Block("cpu").set("cores", vm.cores).set("sockets", vm.sockets).set("type", vm.cpu_type)
    )
    body.add(Block("memory").set("dedicated", vm.memory_mb))
    for disk in vm.disks:
        body.add(
            Block("disk")
            .set("interface", disk.interface)
            .set("datastore_id", disk.storage)
            .set("size", disk.size_gb)
            .set("iothread", disk.iothread)
        )
    for nic in vm.nics:
        body.add(
            Block("network_device")
            .set("bridge", nic.bridge)
            .set("vlan_id", nic.vlan_id)
            .set("firewall", nic.firewall)
            .set("mac_address", nic.mac_address)
            .set("model", "virtio")
        )
    init = Block("initialization").set("datastore_id", vm.disks[0].storage)
    for nic in vm.nics:
        init.add(
            Block("ip_config").add(
                Block("ipv4").set("address", nic.ipv4).set("gateway", nic.gateway)
            )
        )
    if ci.user_data:
        init.set("user_data_file_id", Expr(f"{FILE}.{label}_user_data.id"))
    else:
        account = Block("user_account").set("username", cloudinit.login_user(vm))
        account.set("keys", _keys(vm))
        if ci.password:
            account.set("password", Expr(f"var.{cloudinit.PASSWORD_VARIABLE}"))
        init.add(account)
    body.add(init)
    body.add(Block("operating_system").set("type", vm.os_type))
    out.append(body)
    out.append(
        Block("resource", (FW_OPTIONS, label))
        .set("node_name", Expr(f"{VM}.{label}.node_name"))
        .set("vm_id", Expr(f"{VM}.{label}.vm_id"))
        .set("enabled", vm.firewall.enabled)
        .set("input_policy", vm.firewall.policy_in)
        .set("output_policy", vm.firewall.policy_out)
    )
    if vm.firewall.rules:
        rules = (
            Block("resource", (FW_RULES, label))
            .set("node_name", Expr(f"{VM}.{label}.node_name"))
            .set("vm_id", Expr(f"{VM}.{label}.vm_id"))
        )
        for rule in vm.firewall.rules:
            rules.add(
                Block("rule")
                .set("type", rule.direction)
                .set("action", rule.action)
                .set("macro", rule.macro)
                .set("proto", rule.protocol)
                .set("dport", rule.port)
                .set("source", _source(rule.source, spec))
                .set("comment", rule.comment)
                .set("enabled", None if rule.enabled else False)
            )
        out.append(rules)
    return out


def backup_block(spec: InfraSpec) -> Block | None:
    backup = spec.backup
    if backup is None or not backup.enabled:
        return None
    job = f"pxa-{spec.environment or 'backup'}"
    return (
        Block("resource", (BACKUP_JOB, resource_name(job)))
        .set("id", job)
        .set("schedule", backup.schedule)
        .set("storage", backup.storage)
        .set("mode", backup.mode)
        .set("enabled", True)
        .set("vmid", [Expr(f"tostring({VM}.{resource_name(vm.name)}.vm_id)") for vm in spec.vms])
        .set(
            "prune_backups",
            {"keep-daily": str(backup.keep_daily), "keep-weekly": str(backup.keep_weekly)},
        )
    )


def main_blocks(spec: InfraSpec) -> list[Block]:
    blocks = [b for vm in spec.vms for b in vm_blocks(vm, spec)]
    backup = backup_block(spec)
    return [*blocks, backup] if backup else blocks


def import_id(vm: VmSpec) -> str:
    return f"{vm.node}/{vm.vm_id}"


def ipv4_output(vm: VmSpec) -> Expr:
    return Expr(f"{VM}.{resource_name(vm.name)}.ipv4_addresses")


def vm_address(vm: VmSpec) -> str:
    return f"{VM}.{resource_name(vm.name)}"
