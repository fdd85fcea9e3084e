"""Secrets of a storage (PBS password, encryption key, master key): kept beside
storage.cfg, never returned by a read. The config only records the key's fingerprint.

The wording of the errors is PBSPlugin's, typo included.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any

from pxa.sandbox.errors import fail

BAD_KEY = "Value does not seems like a valid, JSON formatted encryption key!"


def autogen_key() -> str:
    """A key as `proxmox-backup-client key create --kdf none` writes it."""
    data = secrets.token_bytes(48)
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    fp = ":".join(f"{b:02x}" for b in hashlib.sha256(data).digest())
    return json.dumps(
        {
            "kdf": None,
            "created": now,
            "modified": now,
            "data": base64.b64encode(data).decode(),
            "fingerprint": fp,
        }
    )


def apply(
    conf: dict[str, Any],
    stored: dict[str, str],
    given: dict[str, Any],
    deleted: list[str],
    prefix: str,
) -> dict[str, Any] | None:
    """Store `given` secrets, drop `deleted` ones; returns the `config` part of the reply."""
    returned: dict[str, Any] = {}
    for key in deleted:
        stored.pop(key, None)
        if key in ("encryption-key", "master-pubkey"):
            conf.pop(key, None)
    if "password" in given:
        stored["password"] = str(given["password"])
    if "encryption-key" in given:
        key = str(given["encryption-key"])
        if key == "autogen":
            key = autogen_key()
        try:
            decoded = json.loads(key)
        except ValueError:
            decoded = None
        if not isinstance(decoded, dict) or "data" not in decoded:
            raise fail(f"{prefix}{BAD_KEY}")
        stored["encryption-key"] = key
        conf["encryption-key"] = decoded.get("fingerprint") or 1
        returned["encryption-key"] = key
    if "master-pubkey" in given:
        if "encryption-key" not in conf:
            raise fail(f"{prefix}'master-pubkey' can only be used together with 'encryption-key'")
        stored["master-pubkey"] = str(given["master-pubkey"])
        conf["master-pubkey"] = 1
    return returned or None
