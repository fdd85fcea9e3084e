"""The offline intent parser: everyday requests to one catalogue call, deterministically.

No model, no network: a handful of patterns over plain English ("list running production
vms", "start web-server-01", "snapshot db-01 before the upgrade", "show failed jobs",
"backup app-server-01", "generate terraform for …"). Each gives an `Intent` naming the
operation, its arguments and a sentence saying what was understood; anything else is None,
and the caller says honestly that it did not understand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

ENVIRONMENTS = {
    "production": "production",
    "prod": "production",
    "staging": "staging",
    "stage": "staging",
    "development": "development",
    "dev": "development",
}
STATUSES = {
    "running": "running",
    "stopped": "stopped",
    "paused": "paused",
    "started": "running",
    "up": "running",
    "down": "stopped",
}
JOB_STATUSES = {
    "failed": "failed",
    "running": "running",
    "pending": "pending",
    "completed": "completed",
    "finished": "completed",
    "cancelled": "cancelled",
    "active": "running",
}
FILLER = {
    "the",
    "a",
    "an",
    "vm",
    "vms",
    "virtual",
    "machine",
    "machine(s)",
    "please",
    "now",
    "my",
    "all",
    "every",
    "container",
    "guest",
}
NAME = r"(?P<name>[A-Za-z0-9][A-Za-z0-9.\-_]*)"


@dataclass(frozen=True)
class Intent:
    operation: str
    arguments: dict[str, Any] = field(default_factory=dict)

    @property
    def understood(self) -> str:
        args = " ".join(f"{k}={_show(v)}" for k, v in self.arguments.items())
        return f"{self.operation} {args}".strip()


def _show(value: Any) -> str:
    if isinstance(value, str) and " " in value:
        return repr(value)
    return str(value).lower() if isinstance(value, bool) else str(value)


def parse(text: str) -> Intent | None:
    said = " ".join(text.strip().rstrip(".!?").split())
    low = said.lower()
    for rule in RULES:
        intent = rule(said, low)
        if intent is not None:
            return intent
    return None


# --- rules, most specific first ------------------------------------------------------------


def _terraform(said: str, low: str) -> Intent | None:
    m = re.match(
        r"^(?:generate|write|make|create)\s+(?:a\s+)?terraform\s*(?:for|:)?\s*(.*)$",
        said,
        re.IGNORECASE,
    )
    if m is None:
        return None
    return Intent("terraform.generate", {"prompt": m.group(1).strip() or said})


def _snapshot(said: str, low: str) -> Intent | None:
    m = re.match(
        r"^(?:take\s+a\s+|create\s+a\s+|make\s+a\s+)?snapshot\s+(?:of\s+)?(?:vm\s+)?"
        + NAME
        + r"(?:\s+(?:called|named|as)\s+(?P<label>\S+)|\s+(?P<why>.+))?$",
        said,
        re.IGNORECASE,
    )
    if m is None:
        return None
    name = m.group("label") or _slug(m.group("why") or "") or "pxa-snapshot"
    args: dict[str, Any] = {"vm_id": m.group("name"), "name": name}
    if m.group("why"):
        args["description"] = m.group("why")
    return Intent("vm.snapshot.create", args)


def _backup(said: str, low: str) -> Intent | None:
    m = re.match(
        r"^(?:back\s*up|backup|take\s+a\s+backup\s+of)\s+(?:vm\s+)?" + NAME + "$",
        said,
        re.IGNORECASE,
    )
    return Intent("backup.create", {"vm_id": m.group("name")}) if m else None


def _power(said: str, low: str) -> Intent | None:
    m = re.match(
        r"^(?P<verb>force[\s-]stop|hard[\s-]stop|start|boot|stop|shut\s*down|"
        r"restart|reboot|delete|remove|destroy)\s+(?:the\s+)?(?:vm\s+)?" + NAME + "$",
        said,
        re.IGNORECASE,
    )
    if m is None:
        return None
    verb = re.sub(r"[\s-]", "", m.group("verb").lower())
    vm = m.group("name")
    if verb in ("start", "boot"):
        return Intent("vm.start", {"vm_id": vm})
    if verb in ("restart", "reboot"):
        return Intent("vm.restart", {"vm_id": vm})
    if verb in ("forcestop", "hardstop"):
        return Intent("vm.stop", {"vm_id": vm, "graceful": False})
    if verb in ("stop", "shutdown"):
        return Intent("vm.stop", {"vm_id": vm, "graceful": True})
    return Intent("vm.delete", {"vm_id": vm})


def _jobs(said: str, low: str) -> Intent | None:
    if not re.search(r"\b(jobs?|tasks?)\b", low) or re.search(r"\b(vms?|backups?)\b", low):
        return None
    if not re.match(r"^(show|list|what|which|any|get|display)?\b", low):
        return None
    args: dict[str, Any] = {}
    for word, status in JOB_STATUSES.items():
        if re.search(rf"\b{word}\b", low):
            args["status"] = status
            break
    return Intent("job.list", args)


def _scan(said: str, low: str) -> Intent | None:
    if not re.search(r"\b(scan|audit)\b", low) or not re.search(
        r"\b(security|compliance|"
        r"vulnerabilit\w*|scan)\b",
        low,
    ):
        return None
    kind = (
        "compliance"
        if "compliance" in low
        else ("vulnerability" if "vulnerab" in low else "configuration")
    )
    return Intent("security.scan", {"scan_type": kind})


def _summary(said: str, low: str) -> Intent | None:
    if re.match(
        r"^(?:show\s+|how\s+is\s+)?(?:the\s+)?cluster(?:\s+(?:status|summary|health))?$", low
    ) or low in ("status", "summary", "overview"):
        return Intent("cluster.summary", {})
    return None


def _list_vms(said: str, low: str) -> Intent | None:
    nouns = {"vm", "vms", "machines", "guests", "containers", "servers", "instances"}
    if not nouns & set(low.split()):
        return None
    if not re.match(r"^(list|show|which|what|find|get|display)\b", low):
        return None
    args: dict[str, Any] = {}
    words = low.split()
    for word in words:
        if word in STATUSES and "status" not in args:
            args["status"] = STATUSES[word]
        if word in ENVIRONMENTS and "environment" not in args:
            args["environment"] = ENVIRONMENTS[word]
    if m := re.search(r"\bon\s+(?:node\s+)?(\S+)", low):
        args["node"] = m.group(1)
    if m := re.search(r"\btagged\s+(?:with\s+)?(\S+)|\bwith\s+tag\s+(\S+)", low):
        args["tag"] = m.group(1) or m.group(2)
    if m := re.search(r"\b(?:named|called|matching)\s+(\S+)", low):
        args["search"] = m.group(1)
    if "container" in low:
        args["type"] = "lxc"
    return Intent("vm.list", args)


def _show_vm(said: str, low: str) -> Intent | None:
    m = re.match(
        r"^(?:show|describe|details\s+of|details\s+for|info\s+on|get|inspect)\s+"
        r"(?:me\s+)?(?:the\s+)?(?:vm\s+)?" + NAME + "$",
        said,
        re.IGNORECASE,
    )
    word = m.group("name").lower() if m else ""
    if m is None or word in FILLER or word in STATUSES or word in ENVIRONMENTS:
        return None
    return Intent("vm.get", {"vm_id": m.group("name")})


def _slug(text: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower())]
    slug = "-".join(words)[:40].strip("-")
    if slug and not slug[0].isalpha():
        slug = "s-" + slug
    return slug[:40]


RULES = (_terraform, _snapshot, _backup, _power, _jobs, _scan, _summary, _show_vm, _list_vms)

EXAMPLES = (
    "list running production vms",
    "show web-server-01",
    "start web-server-01",
    "snapshot db-01 before the upgrade",
    "backup app-server-01",
    "show failed jobs",
    "scan security",
    "generate terraform for two web servers behind a load balancer",
)
