"""Natural language → Terraform, and live VMs → Terraform, as catalogue operations.

generate: the prompt becomes a spec (Claude through `infra.spec_drafter` when one is
configured, else the offline parser), the spec is grounded in the live cluster (what
does not exist is an Invalid naming the spec field), code renders the HCL, the
validator checks it against the provider's schema and the policy rules judge the spec.
Nothing is written to disk here: front doors write files, and only valid ones.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any, Protocol

from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.core.storage import pools
from pxa.errors import Invalid, PxaError
from pxa.iac.export import LiveVm, spec_from_live
from pxa.iac.ground import (
    BridgeFact,
    ClusterFacts,
    NodeFact,
    StorageFact,
    TemplateFact,
    VlanFact,
    ground,
)
from pxa.iac.models import (
    ExportRequest,
    ExportResult,
    GeneratedCode,
    GenerateRequest,
    GenerateResult,
)
from pxa.iac.parse import parse
from pxa.iac.render import notes as provider_notes
from pxa.iac.render import render
from pxa.iac.security import analyse
from pxa.iac.spec import InfraSpec, load_spec
from pxa.iac.validate import validate
from pxa.models.common import Risk
from pxa.proxmox.parse import parse_tags

if TYPE_CHECKING:
    from pxa.iac.models import GenerateContext

OFFLINE_MODEL = "pxa-offline-parser"
MB = 1024 * 1024
OS_NAME = re.compile(r"^(ubuntu|debian|rocky|alma|centos|fedora|alpine)-\d+(\.\d+)?$")
EXAMPLE = "e.g. 'a web server with nginx and TLS, 2 cores, 4 GB RAM, on ubuntu 22.04'"


class SpecDrafter(Protocol):
    """Turns a prompt into a spec draft (Claude's implementation lives in pxa.ai)."""

    model: str

    async def draft(
        self, prompt: str, context: GenerateContext, facts: ClusterFacts
    ) -> tuple[InfraSpec | dict[str, Any], int]:
        """The draft and the tokens the model used."""
        ...


async def cluster_facts(infra: Infra) -> ClusterFacts:
    """What grounding needs, read through the inventory and the adapter."""
    await infra.inventory.ensure_fresh()
    nodes = [
        NodeFact(
            name=name,
            online=row.get("status") == "online",
            cpus=int(row.get("maxcpu") or 0),
            memory_total_mb=int((row.get("maxmem") or 0) // MB),
            memory_used_mb=int((row.get("mem") or 0) // MB),
        )
        for name, row in sorted(infra.inventory.nodes.items())
    ]
    guests = list(infra.inventory.guests.values())
    templates = []
    for row in guests:
        if row.get("type") == "qemu" and row.get("template"):
            name = str(row.get("name") or row["vmid"])
            tags = parse_tags(row.get("tags"))
            os_name = (
                name if OS_NAME.match(name) else next((t for t in tags if t != "template"), None)
            )
            disk = row.get("maxdisk")
            templates.append(
                TemplateFact(
                    name=name,
                    vm_id=int(row["vmid"]),
                    node=row["node"],
                    os=os_name,
                    disk_gb=round(disk / 1024**3, 1) if disk else None,
                )
            )
    storages = [
        StorageFact(
            id=p.id,
            content=p.content,
            nodes=p.nodes,
            shared=p.shared,
            enabled=p.enabled,
            free_gb=p.free_gb,
        )
        for p in await pools(infra)
    ]

    async def bridges_of(node: NodeFact) -> list[BridgeFact]:
        if not node.online:
            return []
        try:
            rows = await infra.adapter.sdn.node_interfaces(node.name, "bridge")
        except PxaError:
            return []
        return [
            BridgeFact(node=node.name, name=r["iface"], vlan_aware=bool(r.get("bridge_vlan_aware")))
            for r in rows
        ]

    bridges = [b for found in await asyncio.gather(*map(bridges_of, nodes)) for b in found]
    try:
        vnets = await infra.adapter.sdn.vnets()
    except PxaError:
        vnets = []
    vlans = [
        VlanFact(vlan_id=int(v["tag"]), name=str(v.get("alias") or v["vnet"]))
        for v in vnets
        if v.get("tag")
    ]
    return ClusterFacts(
        nodes=nodes,
        templates=templates,
        storages=storages,
        bridges=bridges,
        vlans=vlans,
        used_vm_ids=sorted(int(r["vmid"]) for r in guests),
        guest_names=sorted(str(r["name"]) for r in guests if r.get("name")),
    )


def _not_understood(unresolved: list[str]) -> Invalid:
    words = f"; not understood: {', '.join(unresolved)}" if unresolved else ""
    return Invalid(
        f"the prompt asks for no VM or server pxa can build{words}. Say what to build, {EXAMPLE}",
        field="prompt",
        reason="not_understood",
        details={"unresolved": unresolved},
    )


async def _draft(
    infra: Infra, req: GenerateRequest, facts: ClusterFacts
) -> tuple[InfraSpec, str, int, list[str], list[str]]:
    drafter: SpecDrafter | None = getattr(infra, "spec_drafter", None)
    if drafter is not None:
        draft, tokens = await drafter.draft(req.prompt, req.context, facts)
        spec = draft if isinstance(draft, InfraSpec) else load_spec(draft)
        return spec, drafter.model, tokens, [f"drafted by {drafter.model}"], []
    parsed = parse(req.prompt, environment=req.context.environment)
    if not parsed.vm_intent:
        raise _not_understood(parsed.unresolved)
    return load_spec(parsed.draft), OFFLINE_MODEL, 0, parsed.understood, parsed.unresolved


def _grounding_error(problems: list[Any]) -> Invalid:
    first = problems[0]
    more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
    return Invalid(
        first.message + more,
        field=first.field,
        reason=first.reason,
        provided_value=first.provided_value,
        details={"errors": [{"field": p.field, "message": p.message} for p in problems]},
    )


def build_code(
    spec: InfraSpec,
    provider: str,
    *,
    frameworks: list[str] | None = None,
    imports: bool = False,
    understood: list[str] | None = None,
    unresolved: list[str] | None = None,
    notes: list[str] | None = None,
) -> GeneratedCode:
    files = render(spec, provider, imports=imports)  # type: ignore[arg-type]
    report = validate(files, provider)
    analysis = analyse(spec, files=files, frameworks=frameworks, provider=provider)
    return GeneratedCode(
        provider=report.provider,
        code=files["main.tf"],
        files=files,
        validation_score=report.score,
        validation=report,
        security_analysis=analysis,
        spec=spec,
        understood=understood or [],
        unresolved=unresolved or [],
        notes=[*(notes or []), *provider_notes(spec, provider)],  # type: ignore[arg-type]
    )


@operation(
    "terraform.generate",
    summary="Generate Terraform for a prompt: grounded in the cluster, validated, security-checked",
    input=GenerateRequest,
    output=GenerateResult,
    scope="ai:generate",
    risk=Risk.read,
)
async def terraform_generate(
    infra: Infra, req: GenerateRequest, ctx: CallContext
) -> GenerateResult:
    facts = await cluster_facts(infra)
    spec, model, tokens, understood, unresolved = await _draft(infra, req, facts)
    if req.context.environment and not spec.environment:
        spec = spec.model_copy(update={"environment": req.context.environment})
    grounded = ground(spec, facts)
    if grounded.problems:
        raise _grounding_error(grounded.problems)
    code = build_code(
        grounded.spec,
        req.provider,
        frameworks=req.context.compliance_requirements,
        understood=understood,
        unresolved=unresolved,
        notes=grounded.notes,
    )
    return GenerateResult(generated_code=code, ai_model=model, tokens_used=tokens)


async def _live(infra: Infra, row: dict[str, Any]) -> LiveVm:
    node, vmid = row["node"], int(row["vmid"])
    config, options, rules = await asyncio.gather(
        infra.adapter.config(node, vmid),
        infra.adapter.firewall_options(node, vmid),
        infra.adapter.security.vm_rules(node, vmid),
    )
    return LiveVm(row=row, config=config, firewall_options=options, firewall_rules=rules)


def select(infra: Infra, req: ExportRequest) -> list[dict[str, Any]]:
    rows = [
        r
        for r in infra.inventory.guests.values()
        if r.get("type") == "qemu" and not r.get("template")
    ]
    by_name = {str(r.get("name")): r for r in rows}
    unknown = [n for n in req.names if n not in by_name]
    if unknown:
        raise Invalid(
            f"no VM named {', '.join(unknown)}",
            field="names",
            reason="unknown_vm",
            provided_value=unknown,
        )
    if req.names:
        rows = [by_name[n] for n in req.names]
    if req.tags:
        rows = [r for r in rows if set(req.tags) & set(parse_tags(r.get("tags")))]
    if req.node:
        if req.node not in infra.inventory.nodes:
            raise Invalid(
                f"node {req.node!r} does not exist",
                field="node",
                reason="unknown_node",
                provided_value=req.node,
            )
        rows = [r for r in rows if r.get("node") == req.node]
    if not rows:
        raise Invalid(
            "no VM matches the selection",
            field="tags" if req.tags else "node" if req.node else "names",
            reason="no_match",
        )
    return sorted(rows, key=lambda r: int(r["vmid"]))


@operation(
    "terraform.export",
    summary="Export live VMs (by name, tag, node) as Terraform with import blocks",
    input=ExportRequest,
    output=ExportResult,
    scope="vm:read",
    risk=Risk.read,
)
async def terraform_export(infra: Infra, req: ExportRequest, ctx: CallContext) -> ExportResult:
    await infra.inventory.ensure_fresh()
    rows = select(infra, req)
    live = await asyncio.gather(*(_live(infra, r) for r in rows))
    spec, notes = spec_from_live(list(live))
    code = build_code(spec, req.provider, imports=True, notes=notes)
    return ExportResult(generated_code=code, vms=[vm.name for vm in spec.vms])
