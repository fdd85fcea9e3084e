"""vzdump's options as `/nodes/{node}/vzdump` and `/cluster/backup` declare them, and
PVE's `verify_vzdump_parameters` and `command_line`."""

from __future__ import annotations

import re
from typing import Any

from pxa.sandbox import prune
from pxa.sandbox.errors import param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import Param, boolean, integer, string

OPTIONS: tuple[Param, ...] = (
    boolean("all"),
    integer("bwlimit", minimum=0),
    string("compress", enum=("0", "1", "gzip", "lzo", "zstd")),
    string("dumpdir"),
    string("exclude", format="pve-vmid-list"),
    Param("exclude-path", "array"),
    string("fleecing", format="backup-fleecing"),
    integer("ionice", minimum=0, maximum=8),
    integer("lockwait", minimum=0),
    string("mailnotification", enum=("always", "failure")),
    string("mailto", format="email-or-username-list"),
    integer("maxfiles", minimum=1),
    string("mode", enum=("snapshot", "suspend", "stop")),
    string("notes-template", max_length=1024),
    string("notification-mode", enum=("auto", "legacy-sendmail", "notification-system")),
    string("pbs-change-detection-mode", enum=("legacy", "data", "metadata")),
    string("performance", format="backup-performance"),
    integer("pigz"),
    string("pool"),
    boolean("protected"),
    string("prune-backups", format="prune-backups"),
    boolean("quiet"),
    boolean("remove"),
    string("script"),
    boolean("stdexcludes"),
    boolean("stop"),
    integer("stopwait", minimum=0),
    string("storage", format="pve-storage-id"),
    string("tmpdir"),
    string("vmid", format="pve-vmid-list"),
    integer("zstd"),
)
# Options only root@pam may pass (the schema's permission note for 9.x).
ROOT_ONLY = ("tmpdir", "dumpdir", "script", "job-id")
_SAFE = re.compile(r"^[\w\-./]+$")


def check_vmid_list(params: dict[str, Any]) -> None:
    for key in ("vmid", "exclude"):
        for item in split_list(str(params.get(key) or "")):
            if not item.isdigit() or not 100 <= int(item) <= 999999999:
                raise param_error(
                    {key: f"invalid format - value '{item}' does not look like a valid VM ID"}
                )


def verify(params: dict[str, Any], check_missing: bool) -> None:
    """PVE's verify_vzdump_parameters; sets `all` when only `exclude` is given."""
    check_vmid_list(params)
    for other in ("all", "exclude", "pool"):
        if params.get(other) and params.get("vmid"):
            raise param_error({other: "option conflicts with option 'vmid'"})
    if params.get("prune-backups") is not None and params.get("maxfiles") is not None:
        raise param_error({"prune-backups": "option conflicts with option 'maxfiles'"})
    if params.get("prune-backups"):
        prune.parse(str(params["prune-backups"]))
    if "\n" in str(params.get("notes-template") or ""):
        raise param_error({"notes-template": "contains a line feed"})
    if params.get("exclude") and not params.get("pool"):
        params["all"] = 1
    if (
        check_missing
        and not (params.get("all") or params.get("stop") or params.get("pool"))
        and not params.get("vmid")
    ):
        raise param_error({"vmid": "property is missing"})


def shellquote(value: str) -> str:
    if value == "":
        return "''"
    if _SAFE.match(value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"


def command_line(params: dict[str, Any]) -> str:
    """`vzdump 101 102 --mode snapshot --storage local ...`, as the task log starts."""
    cmd = "vzdump"
    if params.get("vmid"):
        cmd += " " + " ".join(split_list(str(params["vmid"])))
    skip = {"id", "vmid", "starttime", "dow", "stdout", "enabled", "schedule", "comment"}
    for key in sorted(params):
        value = params[key]
        if key in skip or value is None or value == "":
            continue
        if isinstance(value, list):
            cmd += "".join(f" --{key} {shellquote(str(v))}" for v in value)
        else:
            cmd += f" --{key} {shellquote(str(value))}"
    return cmd
