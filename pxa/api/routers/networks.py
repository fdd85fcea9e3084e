"""/v1/networks: the seed's Network API — SDN VLANs, node bridges, firewall rules."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from pxa.api.deps import Allowed, InfraDep, call_args
from pxa.api.envelope import Envelope, ok
from pxa.core.context import CallContext
from pxa.models.common import Model
from pxa.models.network import (
    DhcpRange,
    FirewallRuleList,
    Network,
    NetworkChange,
    NetworkCreate,
    NetworkList,
    Protocol,
    RuleAction,
)
from pxa.models.vm import JobAccepted

router = APIRouter(prefix="/networks", tags=["networks"])


class NetworkData(BaseModel):
    network: Network


class JobData(BaseModel):
    job: JobAccepted


class NetworkUpdateBody(Model):
    name: str | None = None
    gateway: str | None = None
    dns_servers: list[str] | None = None
    dhcp_enabled: bool | None = None
    dhcp_range: DhcpRange | None = None


class RuleBody(Model):
    action: RuleAction
    protocol: Protocol = "tcp"
    port: int | str | None = None
    source: str | None = None
    destination: str | None = None
    comment: str | None = None
    enabled: bool = True


@router.get("", response_model=Envelope[NetworkList])
async def list_networks(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.list"))],
    type: Literal["vlan", "simple", "vxlan", "bridge"] | None = None,
    include_bridges: bool = True,
) -> Envelope[NetworkList]:
    args = call_args(type=type, include_bridges=include_bridges)
    return ok(request, await infra.call("network.list", args, ctx))


@router.post("", status_code=201, response_model=Envelope[NetworkChange])
async def create_network(
    body: NetworkCreate,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.create"))],
) -> Envelope[NetworkChange]:
    return ok(request, await infra.call("network.create", body, ctx))


@router.get("/{network_id}", response_model=Envelope[NetworkData])
async def get_network(
    network_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.get"))],
) -> Envelope[NetworkData]:
    net = await infra.call("network.get", {"network_id": network_id}, ctx)
    return ok(request, NetworkData(network=net))


@router.put("/{network_id}", response_model=Envelope[NetworkChange])
async def update_network(
    network_id: str,
    body: NetworkUpdateBody,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.update"))],
) -> Envelope[NetworkChange]:
    payload = {"network_id": network_id, **body.model_dump(exclude_unset=True)}
    return ok(request, await infra.call("network.update", payload, ctx))


@router.delete("/{network_id}", status_code=202, response_model=Envelope[JobData])
async def delete_network(
    network_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.delete"))],
) -> Envelope[JobData]:
    change = await infra.call("network.delete", {"network_id": network_id}, ctx)
    job = JobAccepted(
        job_id=change.job_id, status="running", target=network_id, message=change.message
    )
    return ok(request, JobData(job=job))


@router.get("/{network_id}/firewall-rules", response_model=Envelope[FirewallRuleList])
async def list_rules(
    network_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.rule.list"))],
) -> Envelope[FirewallRuleList]:
    return ok(request, await infra.call("network.rule.list", {"network_id": network_id}, ctx))


@router.post(
    "/{network_id}/firewall-rules", status_code=201, response_model=Envelope[FirewallRuleList]
)
async def add_rule(
    network_id: str,
    body: RuleBody,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.rule.add"))],
) -> Envelope[FirewallRuleList]:
    """The network's rules after the addition; the new rule comes first (`rule-0`)."""
    payload = {"network_id": network_id, **body.model_dump(exclude_unset=True)}
    return ok(request, await infra.call("network.rule.add", payload, ctx))


@router.delete("/{network_id}/firewall-rules/{rule_id}", response_model=Envelope[FirewallRuleList])
async def delete_rule(
    network_id: str,
    rule_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("network.rule.delete"))],
) -> Envelope[FirewallRuleList]:
    payload = {"network_id": network_id, "rule_id": rule_id}
    return ok(request, await infra.call("network.rule.delete", payload, ctx))
