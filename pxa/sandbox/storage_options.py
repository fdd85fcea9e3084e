"""Declared parameters of `/storage` create and update, and their format checks.

The PVE schema lists every option of every storage type as optional; which ones a
type takes is decided by storage_types.check_config. Formats the generic validator
does not know (paths, servers) are checked here with PVE's wording.
"""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from pxa.sandbox import prune
from pxa.sandbox.errors import param_error
from pxa.sandbox.formats import split_list
from pxa.sandbox.params import Param, boolean, integer, string
from pxa.sandbox.storage_types import check_content_list

STORAGE_TYPES = (
    "btrfs",
    "cephfs",
    "cifs",
    "dir",
    "esxi",
    "iscsi",
    "iscsidirect",
    "lvm",
    "lvmthin",
    "nfs",
    "pbs",
    "rbd",
    "zfs",
    "zfspool",
)
OPTIONS: tuple[Param, ...] = (
    string("nodes", format="pve-node-list"),
    string("content", format="pve-storage-content-list"),
    boolean("disable"),
    boolean("shared"),
    string("path", format="pve-storage-path"),
    string("server", format="pve-storage-server"),
    string("export", format="pve-storage-path"),
    string("options", format="pve-storage-options"),
    string("share"),
    string("subdir", format="pve-storage-path"),
    string("domain", max_length=256),
    string("smbversion", enum=("default", "2.0", "2.1", "3", "3.0", "3.11")),
    string("vgname", format="pve-storage-vgname"),
    string("thinpool", format="pve-storage-vgname"),
    string("base", format="pve-volume-id"),
    boolean("saferemove"),
    boolean("tagged_only"),
    string("pool"),
    boolean("sparse"),
    string("blocksize"),
    string("mountpoint", format="pve-storage-path"),
    string("datastore"),
    string("namespace"),
    integer("port", minimum=1, maximum=65535),
    string("username"),
    string("password", max_length=256),
    string("fingerprint", pattern=r"([A-Fa-f0-9]{2}:){31}[A-Fa-f0-9]{2}"),
    string("encryption-key"),
    string("master-pubkey"),
    string("prune-backups", format="prune-backups"),
    integer("max-protected-backups", minimum=-1),
    string("content-dirs", format="pve-dir-override-list"),
    string("format", enum=("raw", "qcow2", "subvol", "vmdk")),
    boolean("mkdir"),
    boolean("create-base-path"),
    boolean("create-subdirs"),
    string("is_mountpoint"),
    string("bwlimit"),
    string("preallocation", enum=("off", "metadata", "falloc", "full")),
    boolean("snapshot-as-volume-chain"),
)
# Options the update call does not take at all (they are fixed for every type using them).
NOT_UPDATABLE = {"path", "export", "vgname", "thinpool", "datastore", "share", "base"}
CREATE_PARAMS = (
    string("storage", optional=False, format="pve-storage-id"),
    string("type", optional=False, enum=STORAGE_TYPES),
    *OPTIONS,
)
UPDATE_PARAMS = (
    *(p for p in OPTIONS if p.name not in NOT_UPDATABLE),
    string("delete", format="pve-configid-list", max_length=4096),
    string("digest", max_length=64),
)
_PATH_KEYS = ("path", "export", "subdir", "mountpoint")
_LVM_NAME = re.compile(r"^[a-z0-9][a-z0-9\-_.]*[a-z0-9]$", re.IGNORECASE)
_NODE = re.compile(r"^[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?$")
_DNS = re.compile(r"^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$", re.I)


def check_formats(params: dict[str, Any]) -> None:
    """400 for values PVE's format checkers reject."""
    errors: dict[str, str] = {}
    for key in _PATH_KEYS:
        if key in params and not re.match(r"^/[^;()]+", str(params[key])):
            errors[key] = "invalid format - value does not look like a valid absolute path"
    if "server" in params and not _is_server(str(params["server"])):
        errors["server"] = (
            "invalid format - value does not look like a valid server name or IP address"
        )
    for key in ("vgname", "thinpool"):
        if key in params and not _LVM_NAME.match(str(params[key])):
            errors[key] = f"invalid format - lvm name '{params[key]}' contains illegal characters"
    for node in split_list(str(params.get("nodes") or "")):
        if not _NODE.match(node):
            errors["nodes"] = "invalid format - value does not look like a valid node name"
    if "options" in params and re.search(r"\s", str(params["options"])):
        errors["options"] = f"invalid format - invalid options '{params['options']}'"
    if errors:
        raise param_error(errors)
    if "content" in params:
        check_content_list(str(params["content"]))
    if "prune-backups" in params:
        prune.parse(str(params["prune-backups"]))


def _is_server(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
        return True
    except ValueError:
        return bool(_DNS.match(value))
