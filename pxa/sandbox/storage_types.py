"""Storage types: which options each takes, which it needs, which content it may hold.

The tables follow pve-storage's plugins (`options`, `plugindata`). `check_config`
answers the way PVE's SectionConfig does: with plain errors, so HTTP 500 and the
message as reason (`missing value for required option 'path'`, `unexpected property
'shared'`, `can't change value of fixed parameter 'path'`). The type-specific rules
live there, not in the API schema, which marks every type's options optional.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pxa.sandbox.errors import fail, param_error
from pxa.sandbox.formats import split_list

ALL_CONTENT = ("backup", "images", "import", "iso", "rootdir", "snippets", "vztmpl")
FILE_OPTIONS = (
    "prune-backups",
    "max-protected-backups",
    "content-dirs",
    "format",
    "mkdir",
    "create-base-path",
    "create-subdirs",
    "bwlimit",
    "preallocation",
    "snapshot-as-volume-chain",
)
COMMON = ("nodes", "disable", "content")


@dataclass(frozen=True)
class StorageType:
    name: str
    required: tuple[str, ...]  # fixed options: given on create, never changed
    optional: tuple[str, ...]
    content: frozenset[str]  # what `content` may list ('none' when it may be empty)
    default_content: str
    shared: bool = False  # network storages are shared by definition
    file_based: bool = False  # has a path: uploads and backup files land there
    secrets: tuple[str, ...] = ()  # kept out of storage.cfg, never read back

    def allows(self, key: str) -> bool:
        return key in self.required or key in self.optional


def _content(*names: str) -> frozenset[str]:
    return frozenset(names)


TYPES: dict[str, StorageType] = {
    "dir": StorageType(
        "dir",
        ("path",),
        (*COMMON, "shared", "is_mountpoint", *FILE_OPTIONS),
        _content(*ALL_CONTENT, "none"),
        "images,rootdir",
        file_based=True,
    ),
    "btrfs": StorageType(
        "btrfs",
        ("path",),
        (*COMMON, "is_mountpoint", *FILE_OPTIONS),
        _content(*ALL_CONTENT, "none"),
        "images,rootdir",
        file_based=True,
    ),
    "nfs": StorageType(
        "nfs",
        ("server", "export", "path"),
        (*COMMON, "options", *FILE_OPTIONS),
        _content(*ALL_CONTENT),
        "images",
        shared=True,
        file_based=True,
    ),
    "cifs": StorageType(
        "cifs",
        ("server", "share", "path"),
        (
            *COMMON,
            "username",
            "password",
            "domain",
            "smbversion",
            "subdir",
            "options",
            *FILE_OPTIONS,
        ),
        _content(*ALL_CONTENT),
        "images",
        shared=True,
        file_based=True,
        secrets=("password",),
    ),
    "lvm": StorageType(
        "lvm",
        ("vgname",),
        (*COMMON, "shared", "base", "saferemove", "tagged_only", "bwlimit"),
        _content("images", "rootdir"),
        "images,rootdir",
    ),
    "lvmthin": StorageType(
        "lvmthin",
        ("vgname", "thinpool"),
        (*COMMON, "bwlimit"),
        _content("images", "rootdir"),
        "images,rootdir",
    ),
    "zfspool": StorageType(
        "zfspool",
        ("pool",),
        (*COMMON, "blocksize", "sparse", "mountpoint", "bwlimit"),
        _content("images", "rootdir"),
        "images,rootdir",
    ),
    "pbs": StorageType(
        "pbs",
        ("server", "datastore"),
        (
            *COMMON,
            "namespace",
            "port",
            "username",
            "password",
            "encryption-key",
            "master-pubkey",
            "prune-backups",
            "max-protected-backups",
            "fingerprint",
        ),
        _content("backup", "none"),
        "backup",
        shared=True,
        secrets=("password", "encryption-key", "master-pubkey"),
    ),
}


def lookup(type_name: str) -> StorageType:
    found = TYPES.get(type_name)
    if found is None:
        raise fail(f"storage type '{type_name}' is not available in the sandbox")
    return found


def check_content_list(value: str) -> None:
    """The `pve-storage-content-list` format: every entry a known content type."""
    for item in split_list(value):
        if item not in (*ALL_CONTENT, "none"):
            raise param_error({"content": f"invalid format - invalid content type '{item}'"})


def check_config(stype: StorageType, params: dict[str, Any], create: bool) -> dict[str, Any]:
    """Validate options for `stype`; returns them decoded (content, nodes canonical)."""
    settings: dict[str, Any] = {}
    for key, value in params.items():
        if not create and key in stype.required:
            raise fail(f"can't change value of fixed parameter '{key}'")
        if not stype.allows(key):
            raise fail(f"unexpected property '{key}'")
        settings[key] = _decode(stype, key, value)
    if create:
        for key in stype.required:
            if key not in params:
                raise fail(f"missing value for required option '{key}'")
    return settings


def _decode(stype: StorageType, key: str, value: Any) -> Any:
    if key == "content":
        # PVE drops (and only logs) content types the plugin cannot hold.
        kept = sorted({c for c in split_list(str(value)) if c in stype.content})
        if "none" in kept and len(kept) > 1:
            raise fail("unable to combine 'none' with other content types")
        if not kept and "none" not in stype.content:
            raise fail("storage does not support content type 'none'")
        return ",".join(c for c in kept if c != "none")
    if key == "nodes":
        return ",".join(sorted(set(split_list(str(value)))))
    return value


def content_set(conf: dict[str, Any]) -> set[str]:
    return set(split_list(str(conf.get("content", ""))))
