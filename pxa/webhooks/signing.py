"""Signing a delivery: HMAC-SHA256 over "<unix timestamp>.<raw body>" with the webhook's secret.

The timestamp is inside the signed text so a receiver can refuse replays of old deliveries.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_PREFIX = "sha256="


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SIGNATURE_PREFIX + digest.hexdigest()


def verify(secret: str, timestamp: int, body: bytes, signature: str) -> bool:
    """What a receiver does (see docs/webhooks.md); constant-time comparison."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)
