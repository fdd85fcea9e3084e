"""Networks in the seed's shape, backed by PVE SDN (a VLAN zone's vnet and its subnet)
or, read-only, by a node's Linux bridge.

Ids: `net-<vnet>` for SDN vnets (`net-prod`), `bridge-<node>-<iface>` for node bridges.
A network's `name` is the vnet's alias (PVE limits vnet ids to 8 characters, so pxa
derives the id from the VLAN tag, `vlan200`, and keeps the name as the alias).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from pxa.models.common import Model

RuleAction = Literal["allow", "deny", "reject"]
Protocol = Literal["tcp", "udp", "icmp", "any"]
PORT_RE = re.compile(r"^\d{1,5}(?::\d{1,5})?(?:,\d{1,5}(?::\d{1,5})?)*$")


class DhcpRange(Model):
    start: str
    end: str

    @field_validator("start", "end")
    @classmethod
    def _ip(cls, v: str) -> str:
        ipaddress.IPv4Address(v)
        return v


class FirewallRule(BaseModel):
    id: str = Field(description="rule-<position>; positions shift when rules are added")
    position: int
    action: RuleAction
    protocol: Protocol = "any"
    port: str | None = None
    source: str | None = None
    destination: str | None = None
    enabled: bool = True
    comment: str | None = None


class Network(BaseModel):
    id: str
    name: str
    type: Literal["vlan", "simple", "vxlan", "bridge"]
    vlan_id: int | None = None
    subnet: str | None = None
    gateway: str | None = None
    dns_servers: list[str] = Field(default_factory=list)
    dhcp_enabled: bool = False
    dhcp_range: DhcpRange | None = None
    firewall_rules: list[FirewallRule] = Field(default_factory=list)
    zone: str | None = None
    node: str | None = Field(default=None, description="for bridges: the node that has it")
    status: Literal["applied", "pending", "active", "inactive"] = "applied"
    used_by: list[str] = Field(default_factory=list, description="ids of guests attached")
    created_at: datetime | None = None


class NetworkChange(BaseModel):
    """What creating, changing or deleting a network returns: it and the SDN apply job."""

    network: Network | None
    job_id: str | None = None
    message: str


class NetworkList(BaseModel):
    networks: list[Network]


class NetworkQuery(Model):
    type: Literal["vlan", "simple", "vxlan", "bridge"] | None = None
    include_bridges: bool = True


class NetworkRef(Model):
    network_id: str = Field(min_length=1, description="net-prod, the vnet id, or the name")


def _check_cidr(v: str | None) -> str | None:
    if v is None:
        return v
    net = ipaddress.IPv4Network(v, strict=True)
    return str(net)


class NetworkCreate(Model):
    name: str = Field(min_length=1, max_length=64, pattern=r"^[\w][\w .()\-]*$")
    type: Literal["vlan"] = "vlan"
    vlan_id: int = Field(ge=1, le=4094)
    subnet: str
    gateway: str | None = None
    dns_servers: list[str] = Field(default_factory=list, max_length=3)
    dhcp_enabled: bool = False
    dhcp_range: DhcpRange | None = None
    zone: str | None = Field(default=None, description="the SDN VLAN zone; default: the only one")

    @field_validator("subnet")
    @classmethod
    def _subnet(cls, v: str) -> str:
        return _check_cidr(v) or v

    @field_validator("gateway")
    @classmethod
    def _gateway(cls, v: str | None) -> str | None:
        if v is not None:
            ipaddress.IPv4Address(v)
        return v

    @field_validator("dns_servers")
    @classmethod
    def _dns(cls, v: list[str]) -> list[str]:
        for ip in v:
            ipaddress.ip_address(ip)
        return v


class NetworkUpdate(Model):
    network_id: str = Field(min_length=1)
    name: str | None = Field(default=None, min_length=1, max_length=64)
    gateway: str | None = None
    dns_servers: list[str] | None = Field(default=None, max_length=3)
    dhcp_enabled: bool | None = None
    dhcp_range: DhcpRange | None = None


class FirewallRuleCreate(Model):
    network_id: str = Field(min_length=1)
    action: RuleAction
    protocol: Protocol = "tcp"
    port: int | str | None = Field(
        default=None, description="22, '8000:8080' or '80,443'; tcp/udp only"
    )
    source: str | None = Field(default=None, description="CIDR or IP; empty: anywhere")
    destination: str | None = None
    comment: str | None = Field(default=None, max_length=200)
    enabled: bool = True

    @field_validator("port")
    @classmethod
    def _port(cls, v: int | str | None) -> str | None:
        if v is None:
            return None
        text = str(v).replace("-", ":").replace(" ", "")
        if not PORT_RE.match(text):
            raise ValueError("use a port (22), a range (8000:8080) or a list (80,443)")
        for part in re.split(r"[:,]", text):
            if not 1 <= int(part) <= 65535:
                raise ValueError(f"port {part} is outside 1-65535")
        return text

    @field_validator("source", "destination")
    @classmethod
    def _cidr(cls, v: str | None) -> str | None:
        if v is None or v == "":
            return None
        return str(ipaddress.ip_network(v, strict=False))


class FirewallRuleRef(Model):
    network_id: str = Field(min_length=1)
    rule_id: str = Field(min_length=1, description="rule-<position> or the position")


class FirewallRuleList(BaseModel):
    rules: list[FirewallRule]
