"""The infrastructure spec: what a prompt asks for, before any Terraform exists.

The offline parser and Claude both fill this model (Claude through a tool whose input
schema is this model's JSON schema); grounding checks it against the live cluster; the
renderers turn it into HCL; the security analysis judges it with the live-scan rules.
Export reads live VMs into the same model, so one renderer serves both directions.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# A firewall source naming "the admin network": spec.admin_cidr, or var.admin_cidr at apply.
ADMIN_SOURCE = "admin"


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FirewallRuleSpec(_Spec):
    direction: Literal["in", "out"] = "in"
    action: Literal["ACCEPT", "DROP", "REJECT"] = "ACCEPT"
    protocol: Literal["tcp", "udp", "icmp"] | None = "tcp"
    port: str | None = Field(default=None, description='destination port(s): "22", "80,443"')
    macro: str | None = Field(default=None, description='a PVE macro such as "HTTPS" or "SSH"')
    source: str | None = Field(
        default=None,
        description='a CIDR, an IP, "admin" (the admin network), or null for anywhere',
    )
    comment: str | None = None
    enabled: bool = True

    @field_validator("port")
    @classmethod
    def _ports(cls, value: str | None) -> str | None:
        if value is None:
            return None
        for part in value.split(","):
            for bound in part.split(":"):
                named = re.fullmatch(r"[a-z][a-z0-9-]*", bound)  # /etc/services names
                if not named and not (bound.isdigit() and 0 < int(bound) < 65536):
                    raise ValueError(f"{value!r} is not a port list such as 22 or 80,443")
        return value

    @field_validator("source")
    @classmethod
    def _source(cls, value: str | None) -> str | None:
        if value is None or value == ADMIN_SOURCE:
            return value
        for part in value.split(","):
            if re.fullmatch(r"\+?[A-Za-z][A-Za-z0-9_/-]*", part):  # an ipset (+set) or alias
                continue
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(
                    f"{value!r} is not a CIDR, an address, 'admin', an alias or +ipset"
                ) from None
        return value


class FirewallSpec(_Spec):
    enabled: bool = True
    policy_in: Literal["DROP", "REJECT", "ACCEPT"] = "DROP"
    policy_out: Literal["DROP", "REJECT", "ACCEPT"] = "ACCEPT"
    rules: list[FirewallRuleSpec] = Field(default_factory=list)


class DiskSpec(_Spec):
    interface: str = Field(default="scsi0", pattern=r"^(scsi|virtio|sata|ide)\d{1,2}$")
    size_gb: int = Field(default=20, gt=0, le=65536)
    storage: str | None = Field(default=None, description="datastore; chosen when grounded")
    iothread: bool = True


class NicSpec(_Spec):
    bridge: str = "vmbr0"
    vlan_id: int | None = Field(default=None, ge=1, le=4094)
    firewall: bool = True
    ipv4: str = Field(default="dhcp", description='"dhcp" or an address with prefix, 10.0.0.5/24')
    gateway: str | None = None
    mac_address: str | None = None

    @field_validator("ipv4")
    @classmethod
    def _ipv4(cls, value: str) -> str:
        if value == "dhcp":
            return value
        try:
            ipaddress.IPv4Interface(value)
        except ValueError:
            raise ValueError(f"{value!r} is not 'dhcp' or an IPv4 address/prefix") from None
        if "/" not in value:
            raise ValueError(f"{value!r} needs a prefix length, e.g. {value}/24")
        return value

    @field_validator("gateway")
    @classmethod
    def _gateway(cls, value: str | None) -> str | None:
        if value is not None:
            ipaddress.IPv4Address(value)
        return value


class CloudInitSpec(_Spec):
    user: str | None = Field(default=None, description="login user; the template's when unset")
    ssh_keys: list[str] = Field(default_factory=list, description="public keys written inline")
    ssh_keys_from_variable: bool = Field(
        default=True, description="also take keys from var.ssh_public_keys at apply time"
    )
    password: str | None = Field(
        default=None, description="a literal login password (discouraged; never rendered inline)"
    )
    packages: list[str] = Field(default_factory=list)
    services: list[str] = Field(default_factory=list, description="nginx, postgresql, docker, …")
    tls: bool | None = Field(default=None, description="serve HTTPS (web servers)")
    tls_domain: str | None = None
    auto_updates: bool = True
    user_data: bool = Field(default=True, description="render a cloud-init user-data file")

    @field_validator("ssh_keys")
    @classmethod
    def _keys(cls, keys: list[str]) -> list[str]:
        for key in keys:
            if not key.strip().startswith(("ssh-", "ecdsa-", "sk-ssh-", "sk-ecdsa-")):
                raise ValueError(f"not an SSH public key: {key[:30]!r}")
        return keys


class VmSpec(_Spec):
    name: str = Field(description="hostname: lower-case letters, digits and dashes")
    vm_id: int | None = Field(default=None, ge=100, le=999_999_999)
    node: str | None = None
    template: str | None = Field(default=None, description="template VM name (or its id)")
    template_vm_id: int | None = Field(default=None, description="filled when grounded")
    template_node: str | None = Field(default=None, description="filled when grounded")
    os: str | None = Field(default=None, description='e.g. "ubuntu-22.04", "debian-12"')
    cores: int = Field(default=2, ge=1, le=512)
    sockets: int = Field(default=1, ge=1, le=4)
    cpu_type: str = "x86-64-v2-AES"
    os_type: str = Field(
        default="l26", pattern=r"^[a-z0-9]+$", description="PVE ostype: l26, win11…"
    )
    scsi_hardware: str = Field(default="virtio-scsi-single", pattern=r"^[a-z0-9-]+$")
    memory_mb: int = Field(default=2048, ge=64, le=4 * 1024 * 1024)
    disks: list[DiskSpec] = Field(default_factory=lambda: [DiskSpec()], min_length=1)
    nics: list[NicSpec] = Field(default_factory=lambda: [NicSpec()], min_length=1, max_length=8)
    cloud_init: CloudInitSpec = Field(default_factory=CloudInitSpec)
    firewall: FirewallSpec = Field(default_factory=FirewallSpec)
    agent: bool = True
    protection: bool = False
    on_boot: bool = True
    started: bool = True
    tags: list[str] = Field(default_factory=list)
    description: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME.match(value):
            raise ValueError(f"{value!r} is not a hostname (a-z, 0-9 and '-', at most 63)")
        return value

    @field_validator("tags")
    @classmethod
    def _tags(cls, tags: list[str]) -> list[str]:
        for tag in tags:
            if not re.match(r"^[a-z0-9_][a-z0-9_+.-]*$", tag):
                raise ValueError(f"{tag!r} is not a Proxmox tag (a-z 0-9 _ + . -)")
        return tags


class BackupSpec(_Spec):
    enabled: bool = True
    schedule: str = Field(default="02:00", description="a PVE calendar event: 02:00, sat 03:00")
    storage: str | None = Field(default=None, description="backup storage; chosen when grounded")
    keep_daily: int = Field(default=7, ge=0, le=365)
    keep_weekly: int = Field(default=4, ge=0, le=52)
    mode: Literal["snapshot", "suspend", "stop"] = "snapshot"


class InfraSpec(_Spec):
    """Everything one prompt asks for."""

    vms: list[VmSpec] = Field(min_length=1, max_length=50)
    environment: str | None = Field(default=None, description="production, staging, …")
    admin_cidr: str | None = Field(
        default=None, description="the network allowed to SSH in; a variable when unset"
    )
    backup: BackupSpec | None = Field(default_factory=BackupSpec)

    @field_validator("admin_cidr")
    @classmethod
    def _admin(cls, value: str | None) -> str | None:
        if value is not None:
            ipaddress.ip_network(value, strict=False)
        return value

    @model_validator(mode="after")
    def _unique(self) -> InfraSpec:
        names = [vm.name for vm in self.vms]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"VM names must be unique: {', '.join(twice)}")
        ids = [vm.vm_id for vm in self.vms if vm.vm_id is not None]
        if len(ids) != len(set(ids)):
            raise ValueError("VM ids must be unique")
        return self


def load_spec(data: object, *, prefix: str = "spec") -> InfraSpec:
    """Validate a draft (from the parser or the model) into a spec.

    Invalid names the first field that is wrong, as `spec.vms[0].memory_mb`.
    """
    from pydantic import ValidationError

    from pxa.errors import Invalid

    try:
        return InfraSpec.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        first = errors[0]
        field = field_path(prefix, first["loc"])
        raise Invalid(
            f"{field}: {first['msg']}",
            field=field,
            reason=first["type"],
            provided_value=first.get("input") if not isinstance(first.get("input"), dict) else None,
            details={
                "errors": [
                    {"field": field_path(prefix, e["loc"]), "message": e["msg"]} for e in errors
                ]
            },
        ) from None


def field_path(prefix: str, loc: tuple[object, ...]) -> str:
    """("vms", 0, "cores") → spec.vms[0].cores"""
    text = prefix
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def resource_name(vm_name: str) -> str:
    """A Terraform resource label for a VM name: web-01 → web_01."""
    label = re.sub(r"[^a-zA-Z0-9_]", "_", vm_name)
    return label if re.match(r"^[a-zA-Z_]", label) else f"vm_{label}"
