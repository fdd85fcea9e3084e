"""Named string formats (PVE's `format` keys) that the validator checks.

Each check raises ValueError with PVE's text; the validator prefixes it with
`invalid format - `. Property strings with semantics (net, disks, ipconfig) are
checked where they are interpreted, not here.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

_CONFIGID = re.compile(r"^[a-z][a-z0-9_-]+$", re.IGNORECASE)
_DNS_LABEL = r"[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?"
_DNS_NAME = re.compile(rf"^({_DNS_LABEL}\.)*{_DNS_LABEL}$")
_NODE = re.compile(rf"^{_DNS_LABEL}$")
_TAG = re.compile(r"^[a-z0-9_][a-z0-9_\-+.]*$", re.IGNORECASE)
_URLENCODED = re.compile(r"^[-%a-zA-Z0-9_.!~*'()]*$")
_STORAGE_ID = re.compile(r"^[a-z][a-z0-9\-_.]*[a-z0-9]$", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"[,; ]+")


def split_list(value: str) -> list[str]:
    return [part for part in _LIST_SPLIT.split(value.strip()) if part]


def _configid(value: str) -> None:
    if not _CONFIGID.match(value):
        raise ValueError(f"invalid configuration ID '{value}'")


def _configid_list(value: str) -> None:
    for part in split_list(value):
        _configid(part)


def _dns_name(value: str) -> None:
    if not _DNS_NAME.match(value):
        raise ValueError("value does not look like a valid DNS name")


def _node(value: str) -> None:
    if not _NODE.match(value):
        raise ValueError("value does not look like a valid node name")


def _tag_list(value: str) -> None:
    for tag in split_list(value):
        if not _TAG.match(tag):
            raise ValueError(f"invalid tag '{tag}'")


def _urlencoded(value: str) -> None:
    if not _URLENCODED.match(value):
        raise ValueError(f"invalid urlencoded string: {value}")


def _storage_id(value: str) -> None:
    if not _STORAGE_ID.match(value):
        raise ValueError(f"storage ID '{value}' contains illegal characters")


def _address_list(value: str) -> None:
    for part in split_list(value):
        try:
            ipaddress.ip_address(part)
        except ValueError:
            raise ValueError(f"unable to parse ip address '{part}'") from None


_CHECKS: dict[str, Callable[[str], None]] = {
    "pve-configid": _configid,
    "pve-configid-list": _configid_list,
    "dns-name": _dns_name,
    "pve-node": _node,
    "pve-tag-list": _tag_list,
    "urlencoded": _urlencoded,
    "pve-storage-id": _storage_id,
    "address-list": _address_list,
}


def check_format(name: str, value: str) -> None:
    check = _CHECKS.get(name)
    if check is None:
        return
    try:
        check(value)
    except ValueError as exc:
        raise ValueError(f"invalid format - {exc}") from None
