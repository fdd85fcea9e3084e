"""Task endpoints: list, status, log, stop; and `/cluster/tasks`."""

from __future__ import annotations

from typing import Any

from pxa.sandbox.errors import forbidden, param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import boolean, integer, string
from pxa.sandbox.routing import Call, Reply, Router
from pxa.sandbox.tasks import UPID_RE, Task

LIST_PARAMS = (
    integer("start", minimum=0),
    integer("limit", minimum=0),
    integer("vmid", minimum=100),
    string("typefilter"),
    string("userfilter"),
    string("statusfilter"),
    string("source", enum=("archive", "active", "all")),
    boolean("errors"),
    integer("since"),
    integer("until"),
)
CLUSTER_RECENT = 25


def register(r: Router) -> None:
    r.get("/nodes/{node}/tasks", list_tasks, params=LIST_PARAMS)
    r.get("/nodes/{node}/tasks/{upid}", lambda call: [{"name": "log"}, {"name": "status"}])
    r.delete("/nodes/{node}/tasks/{upid}", stop_task)
    r.get("/nodes/{node}/tasks/{upid}/status", task_status)
    r.get(
        "/nodes/{node}/tasks/{upid}/log",
        task_log,
        params=[integer("start", minimum=0), integer("limit", minimum=0), boolean("download")],
    )
    r.get("/cluster/tasks", cluster_tasks)


def _task(call: Call) -> Task:
    upid = call.params["upid"]
    if not UPID_RE.match(upid):
        raise param_error({"upid": "unable to parse worker upid"})
    task = call.world.tasks.by_upid.get(upid)
    if task is None or task.node != call.node:
        raise param_error({"upid": "no such task"})
    return task


def _visible(call: Call, task: Task) -> bool:
    p = call.principal
    return task.user in (p.userid, p.actor) or p.can(f"/nodes/{task.node}", "Sys.Audit")


def list_tasks(call: Call) -> Reply:
    source = call.get("source", "archive")
    types = set(split_list(call.get("typefilter") or ""))
    statuses = set(split_list(call.get("statusfilter") or ""))
    items = []
    for t in reversed(call.world.tasks.tasks):
        if t.node != call.node or not _visible(call, t):
            continue
        if source == "archive" and t.status == "running":
            continue
        if source == "active" and t.status != "running":
            continue
        if call.get("vmid") is not None and t.id != str(call.get("vmid")):
            continue
        if types and t.type not in types:
            continue
        if call.get("userfilter") and call.get("userfilter") not in t.user:
            continue
        if call.get("errors") and not t.is_error():
            continue
        if statuses and _status_class(t) not in statuses:
            continue
        if call.get("since") is not None and t.starttime < call.get("since"):
            continue
        if call.get("until") is not None and t.starttime > call.get("until"):
            continue
        items.append(t.summary())
    start, limit = call.get("start", 0), call.get("limit", 50)
    return Reply(items[start : start + limit] if limit else items[start:], {"total": len(items)})


def _status_class(t: Task) -> str:
    if t.status == "running":
        return "running"
    if t.exitstatus == "OK":
        return "ok"
    return "warning" if str(t.exitstatus).startswith("WARNINGS") else "error"


def task_status(call: Call) -> dict[str, Any]:
    task = _task(call)
    item = task.summary()
    item.pop("endtime", None)
    item["status"] = task.status
    if task.status == "stopped":
        item["exitstatus"] = task.exitstatus
    if "!" in task.user:
        item["user"], item["tokenid"] = task.user.split("!", 1)
    return item


def task_log(call: Call) -> Reply:
    task = _task(call)
    lines = task.lines(call.now) or ["no content"]
    start, limit = call.get("start", 0), call.get("limit", 50)
    chosen = lines[start : start + limit] if limit else lines[start:]
    data = [{"n": start + i + 1, "t": text} for i, text in enumerate(chosen)]
    return Reply(data, {"total": len(lines)})


def stop_task(call: Call) -> None:
    task = _task(call)
    p = call.principal
    if task.user not in (p.userid, p.actor) and not p.can(f"/nodes/{task.node}", "Sys.Modify"):
        raise forbidden(f"/nodes/{task.node}", "Sys.Modify")
    call.world.tasks.abort(call.world, task, call.now)
    return None


def cluster_tasks(call: Call) -> list[dict[str, Any]]:
    per_node: dict[str, int] = {}
    items = []
    for t in reversed(call.world.tasks.tasks):
        if not _visible(call, t):
            continue
        if t.status != "running":
            if per_node.get(t.node, 0) >= CLUSTER_RECENT:
                continue
            per_node[t.node] = per_node.get(t.node, 0) + 1
        items.append(t.summary())
    return items
