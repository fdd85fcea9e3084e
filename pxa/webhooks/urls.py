"""Which receiver URLs pxa will send to: https anywhere, plain http only on this machine."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pxa.errors import Invalid


def is_loopback_host(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str) -> str:
    """The URL unchanged, or Invalid naming `url` with the reason."""

    def refuse(message: str, reason: str, *, echo: bool = True) -> Invalid:
        # A URL carrying credentials is not echoed back: the password is in it.
        return Invalid(message, field="url", reason=reason, provided_value=url if echo else None)

    try:
        parts = urlsplit(url.strip())
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise refuse("url: not a valid URL", "invalid_url") from None
    if not parts.scheme or not parts.netloc or not host:
        raise refuse("url: must be absolute, like https://host/path", "not_absolute")
    if parts.username is not None or parts.password is not None:
        raise refuse(
            "url: must not carry credentials; sign with the secret instead",
            "credentials_in_url",
            echo=False,
        )
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise refuse(f"url: scheme {scheme!r} is not supported; use https", "unsupported_scheme")
    if scheme == "http" and not is_loopback_host(host):
        raise refuse(
            "url: https is required; plain http is accepted only for a receiver on this "
            "machine (127.0.0.1, localhost, [::1])",
            "https_required",
        )
    return url.strip()
