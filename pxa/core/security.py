"""Security scans: build views of the targets, judge them with pxa.policy, keep the results.

A scan is a job (progress per guest). Scans read configuration through the PVE API only:
pxa never sends a packet to a guest's own addresses.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pxa.core.backups import all_backups
from pxa.core.catalogue import operation
from pxa.core.context import CallContext
from pxa.core.guest_views import cluster_view, guest_view
from pxa.core.infra import Infra, current
from pxa.core.storage import pools
from pxa.core.workflow import JobContext, workflow
from pxa.errors import Invalid, NotFound, PxaError
from pxa.models.common import Risk
from pxa.models.scan import (
    FindingOut,
    FixRequest,
    GuestScore,
    Scan,
    ScanAccepted,
    ScanList,
    ScanQuery,
    ScanRef,
    ScanRequest,
    ScanResult,
    ScoreHistory,
)
from pxa.models.vm import VmRef
from pxa.policy.view import GuestView
from pxa.proxmox.mapping import guest_id
from pxa.store.scans import ScanRepo

SECONDS_PER_GUEST = 0.4  # for the estimated completion the seed's response carries


def scans(infra: Infra) -> ScanRepo:
    return ScanRepo(infra.database)


async def resolve_targets(infra: Infra, targets: list[str]) -> list[str]:
    await infra.inventory.ensure_fresh()
    guests = {g: r for g, r in infra.inventory.guests.items() if not r.get("template")}
    chosen: list[str] = []
    for t in targets or ["all"]:
        if t == "all":
            picked = list(guests)
        elif t.startswith("tag:") or t.startswith("env:"):
            picked = [g for g, r in guests.items() if t[4:] in (r.get("tags") or "").split(";")]
        else:
            try:
                row = await infra.guest(t)
            except NotFound:
                raise Invalid(
                    f"unknown target {t!r}",
                    field="targets",
                    reason="unknown_target",
                    provided_value=t,
                ) from None
            picked = [guest_id(row["type"], int(row["vmid"]))]
        if not picked:
            raise Invalid(
                f"target {t!r} matches no guest",
                field="targets",
                reason="no_match",
                provided_value=t,
            )
        chosen += [g for g in picked if g not in chosen]
    return chosen


@operation(
    "security.scan",
    summary="Run a security scan (vulnerability, compliance or configuration) on VMs",
    input=ScanRequest,
    output=ScanAccepted,
    scope="security:write",
    risk=Risk.read,
)
async def security_scan(infra: Infra, req: ScanRequest, ctx: CallContext) -> ScanAccepted:
    targets = await resolve_targets(infra, req.targets)
    now = datetime.now(UTC)
    scan = Scan(
        id=f"scan-{uuid.uuid4().hex[:10]}",
        type=req.scan_type,
        status="running",
        targets=targets,
        started_at=now,
        estimated_completion=now + timedelta(seconds=2 + SECONDS_PER_GUEST * len(targets)),
    )
    job_id = infra.jobs.create(
        "security_scan",
        workflow="security_scan",
        params={
            "scan_id": scan.id,
            "scan_type": req.scan_type,
            "targets": targets,
            "deep": req.scan_options.deep_scan or req.scan_type == "vulnerability",
            "frameworks": req.scan_options.frameworks,
            "cluster": req.scan_options.include_dependencies or req.scan_type != "configuration",
        },
        target=scan.id,
        actor=str(ctx.actor),
    )
    scan.job_id = job_id
    scans(infra).create(scan)
    infra.jobs.start(job_id)
    return ScanAccepted(scan=scan)


@workflow("security_scan")
async def scan_workflow(ctx: JobContext) -> dict[str, Any]:
    from pxa.policy.engine import evaluate, score, vulnerability_counts

    infra = current(ctx)
    p = ctx.params
    repo = scans(infra)
    scan = repo.get(p["scan_id"])
    assert scan is not None
    try:
        await infra.inventory.ensure_fresh(0)
        stores = await pools(infra)
        off_node = {s.id for s in stores if "backup" in s.content and (s.shared or s.type == "pbs")}
        backups = await all_backups(infra)
        try:
            uncovered = set((await infra.call("backup.coverage", {}, ctx_for(ctx))).uncovered)
        except PxaError:
            uncovered = None
        targets = p["targets"]
        done = 0
        gate = asyncio.Semaphore(4)  # as many guests at once as the adapter has workers

        async def view_of(gid: str) -> GuestView | None:
            nonlocal done
            row = infra.inventory.guests.get(gid)
            if row is None or infra.inventory.node_online(row["node"]) is False:
                ctx.log(f"{gid}: skipped (gone, or its node is offline)", "warning")
                return None
            async with gate:
                try:
                    return await guest_view(
                        infra,
                        row,
                        backups=backups,
                        uncovered=uncovered,
                        off_node_storages=off_node,
                        with_agent=p["deep"],
                    )
                except PxaError as exc:  # one unreadable guest must not sink the whole scan
                    ctx.log(f"{gid}: could not be read ({exc.message}); not judged", "warning")
                    return None
                finally:
                    done += 1
                    ctx.progress(90 * done / max(1, len(targets)))

        views = [v for v in await asyncio.gather(*(view_of(g) for g in targets)) if v]
        cluster = await cluster_view(infra, off_node_storages=off_node)
        findings = evaluate(
            views, cluster, scan_type=p["scan_type"], frameworks=p.get("frameworks") or None
        )
        if not p.get("cluster"):
            findings = [f for f in findings if f.target in {v.id for v in views}]
        by_target: dict[str, list[Any]] = {v.id: [] for v in views}
        for f in findings:
            by_target.setdefault(f.target, []).append(f)
        names = {v.id: v.name for v in views}
        scores = [
            GuestScore(
                target=t,
                name=names.get(t),
                compliance_score=score(fs),
                vulnerabilities=vulnerability_counts(fs),
            )
            for t, fs in by_target.items()
            if t in names
        ]
        repo.save_results(scan.id, [f.model_dump(mode="json") for f in findings], scores)
        counts = vulnerability_counts(findings)
        scan.status, scan.finished_at = "completed", datetime.now(UTC)
        scan.summary = {
            "guests": len(views),
            "findings": len(findings),
            **counts,
            "average_score": round(sum(s.compliance_score for s in scores) / len(scores))
            if scores
            else None,
        }
        repo.update(scan)
        ctx.log(f"scan finished: {len(findings)} findings on {len(views)} guests")
        infra.bus.emit("security.scan_completed", scan=scan.model_dump(mode="json"))
        return {"scan_id": scan.id, **scan.summary}
    except BaseException:
        scan.status, scan.finished_at = "failed", datetime.now(UTC)
        repo.update(scan)
        raise


def ctx_for(job: JobContext) -> CallContext:
    return CallContext.of("system", job.job_id)


def _result(infra: Infra, scan: Scan) -> ScanResult:
    repo = scans(infra)
    names = {f.target: f.target_name for f in repo.findings(scan.id)}
    return ScanResult(
        scan=scan,
        findings=repo.findings(scan.id),
        scores=[
            GuestScore(
                target=t,
                name=names.get(t) or str(infra.inventory.guests.get(t, {}).get("name") or t),
                compliance_score=s,
                vulnerabilities=c,
            )
            for t, s, c in repo.scores(scan.id)
        ],
    )


@operation(
    "security.scan.get",
    summary="A scan's status, findings and per-VM scores",
    input=ScanRef,
    output=ScanResult,
    scope="security:read",
    risk=Risk.read,
)
async def scan_get(infra: Infra, ref: ScanRef, ctx: CallContext) -> ScanResult:
    scan = scans(infra).get(ref.scan_id)
    if scan is None:
        raise NotFound(f"scan {ref.scan_id} does not exist")
    return _result(infra, scan)


@operation(
    "security.scan.list",
    summary="Recent scans",
    input=ScanQuery,
    output=ScanList,
    scope="security:read",
    risk=Risk.read,
)
async def scan_list(infra: Infra, q: ScanQuery, ctx: CallContext) -> ScanList:
    return ScanList(scans=scans(infra).recent(q.limit))


@operation(
    "security.history",
    summary="A VM's compliance score over time",
    input=VmRef,
    output=ScoreHistory,
    scope="security:read",
    risk=Risk.read,
)
async def score_history(infra: Infra, ref: VmRef, ctx: CallContext) -> ScoreHistory:
    row = await infra.guest(ref.vm_id)
    gid = guest_id(row["type"], int(row["vmid"]))
    return ScoreHistory(vm_id=gid, points=scans(infra).history(gid))


@operation(
    "security.fix",
    summary="Apply a finding's automatic fix (through the same confirmation)",
    input=FixRequest,
    output=FindingOut,
    scope="security:write",
    risk=Risk.write,
)
async def security_fix(infra: Infra, req: FixRequest, ctx: CallContext) -> FindingOut:
    finding = scans(infra).finding(req.finding_id)
    if finding is None:
        raise NotFound(f"finding {req.finding_id} does not exist")
    if not finding.fix:
        raise Invalid(
            f"{finding.rule_id} has no automatic fix: {finding.remediation}",
            field="finding_id",
            reason="no_automatic_fix",
            provided_value=req.finding_id,
        )
    # The fix is an ordinary operation: it passes the gate with the caller's own context.
    await infra.call(finding.fix["operation"], finding.fix["arguments"], ctx)
    return finding
