"""The settings model: one pydantic section per table of config.toml, each field documented.

Validators here judge one value or one section; they never read files or the environment
(`pxa.config.load` does). A check spanning fields raises `CrossFieldError` naming the field
to blame, so the problem's dotted key points at the line to fix.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)


class CrossFieldError(ValueError):
    """A check spanning several fields that blames one of them, so the problem's key is exact."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _no_empty_path(value: Any) -> Any:
    # Path("") is ".", which would silently mean "this directory".
    if value == "":
        raise ValueError("empty path; leave the key out instead")
    return value


UserPath = Annotated[Path, BeforeValidator(_no_empty_path), AfterValidator(Path.expanduser)]

# Signature algorithms an OAuth issuer's tokens may use: asymmetric only, so that only the
# issuer can sign. `none` and HS* (a shared secret, or a public key misused as one) never.
OAUTH_ALGORITHMS = (
    *("RS256", "RS384", "RS512"),
    *("PS256", "PS384", "PS512"),
    *("ES256", "ES384", "ES512"),
    "EdDSA",
)


class _Section(BaseModel):
    model_config = ConfigDict(
        extra="forbid", use_attribute_docstrings=True, validate_assignment=True
    )


class ProxmoxSection(_Section):
    """The Proxmox VE cluster to manage. Without `host`, pxa runs against its sandbox."""

    host: str | None = Field(default=None, min_length=1)
    """Host name or IP address of any cluster node, without scheme or port. Unset: sandbox."""
    port: int = Field(default=8006, ge=1, le=65535)
    """Port of the PVE API (pveproxy)."""
    user: str | None = None
    """PVE user with its realm, e.g. `root@pam` or `pxa@pve`."""
    token_name: str | None = None
    """API token id of `user` (e.g. `pxa` for `root@pam!pxa`); preferred over a password."""
    verify_tls: bool = True
    """Verify the node's TLS certificate; pin a self-signed one with `ca_cert` or `fingerprint`."""
    ca_cert: UserPath | None = None
    """PEM CA bundle, or the node's own self-signed certificate, to trust."""
    fingerprint: str | None = None
    """SHA-256 fingerprint of the node's certificate to pin, as `pvenode cert info` shows it."""
    timeout_seconds: float = Field(default=10.0, gt=0)
    """Timeout of every request to the PVE API."""
    max_workers: int = Field(default=4, ge=1, le=32)
    """Threads calling the PVE API at once (proxmoxer is synchronous)."""

    @field_validator("host")
    @classmethod
    def _bare_host(cls, host: str | None) -> str | None:
        if host is None:
            return None
        if "://" in host or "/" in host or host.strip() != host:
            raise ValueError("give the bare host name or address, e.g. 'pve1.example.lan'")
        if ":" in host and not _is_ip(host.strip("[]")):
            raise ValueError("give the host without a port; set the port with proxmox.port")
        return host.strip("[]")

    @field_validator("user")
    @classmethod
    def _user_with_realm(cls, user: str | None) -> str | None:
        if user is not None and "!" in user:
            raise ValueError("put the token id in proxmox.token_name: user = 'root@pam'")
        if user is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+", user):
            raise ValueError("expected user@realm, e.g. 'root@pam'")
        return user

    @field_validator("token_name")
    @classmethod
    def _pve_token_id(cls, name: str | None) -> str | None:
        # PVE's own rule for token ids; anything else is refused by the cluster anyway.
        if name is not None and not re.fullmatch(r"[A-Za-z][A-Za-z0-9._-]+", name):
            raise ValueError("a token id starts with a letter, then letters, digits, . _ -")
        return name

    @field_validator("fingerprint")
    @classmethod
    def _sha256_fingerprint(cls, fingerprint: str | None) -> str | None:
        if fingerprint is None:
            return None
        hexdigits = re.sub(r"[\s:]", "", fingerprint).upper()
        if not re.fullmatch(r"[0-9A-F]{64}", hexdigits):
            raise ValueError("expected a SHA-256 fingerprint: 32 hex bytes, e.g. 'AB:CD:...'")
        # One canonical spelling, so comparing with the certificate's is a plain ==.
        return ":".join(hexdigits[i : i + 2] for i in range(0, 64, 2))

    @model_validator(mode="after")
    def _credentials_need_user(self) -> ProxmoxSection:
        if self.token_name is not None and self.user is None:
            raise CrossFieldError("token_name", "needs proxmox.user, the token's owner")
        if self.host is not None and self.user is None:
            raise CrossFieldError("user", "required once proxmox.host is set, e.g. 'root@pam'")
        return self


class SandboxSection(_Section):
    """The built-in simulated cluster used when `proxmox.host` is unset."""

    vms: int | None = Field(default=None, ge=1, le=10000)
    """Number of VMs in the simulated lab. Unset: the sandbox's standard lab."""
    seed: int = 42
    """Random seed of the simulated lab: the same seed builds the same cluster."""
    speed: float = Field(default=1.0, gt=0)
    """How fast simulated time runs: 2.0 finishes tasks twice as fast."""
    state_dir: UserPath | None = None
    """Directory keeping the sandbox's state between runs. Unset: a fresh lab each start."""


class ApiSection(_Section):
    """The `/v1` HTTP API served inside the pxa process."""

    enabled: bool = True
    """Serve the API while pxa runs."""
    host: str = Field(default="127.0.0.1", min_length=1)
    """Address to bind. Anything but loopback needs `allow_remote` and TLS."""
    port: int = Field(default=8765, ge=0, le=65535)
    """Port to bind; 0 picks a free one."""
    tls_cert: UserPath | None = None
    """PEM certificate (chain) to serve HTTPS with; set together with `tls_key`."""
    tls_key: UserPath | None = None
    """PEM private key of `tls_cert`."""
    allow_remote: bool = False
    """Allow binding a non-loopback address, so other machines can reach the API."""
    oauth_issuer: str | None = Field(default=None, min_length=1)
    """OAuth 2.0 issuer (`iss`) whose JWT access tokens are accepted as bearer tokens."""
    oauth_audience: str | None = Field(default=None, min_length=1)
    """Audience (`aud`) the issuer puts in tokens meant for pxa; set with `oauth_issuer`."""
    oauth_jwks_url: str | None = None
    """The issuer's signing keys (JWKS): https, or http to a loopback address only."""
    oauth_algorithms: str = "RS256 ES256"
    """Accepted signature algorithms, space-separated (RS*, PS*, ES*, EdDSA; never none or HS*)."""
    oauth_scopes_claim: str = Field(default="scope", min_length=1)
    """Claim with the pxa permissions: a space-separated string or a list (`scp`, `permissions`)."""
    oauth_leeway_seconds: int = Field(default=30, ge=0, le=300)
    """Clock skew tolerated when checking a token's `exp`, `nbf` and `iat`."""
    oauth_jwks_cache_seconds: int = Field(default=300, ge=0)
    """Seconds fetched keys are reused; an unknown key id refetches sooner (rate-limited)."""
    rate_limits: dict[str, str] = Field(default_factory=dict)
    """Per-token limits by category (auth, vm_ops, read, bulk, ai) as "requests/seconds",
    e.g. {read = "5000/3600"}; unset categories keep the seed's table."""
    max_body_mb: int = Field(default=10, ge=1, le=1024)
    """Largest JSON request body, in MiB (uploads are streamed and have their own limit)."""

    @field_validator("rate_limits")
    @classmethod
    def _limits(cls, v: dict[str, str]) -> dict[str, str]:
        known = ("auth", "vm_ops", "read", "bulk", "ai")
        for category, text in v.items():
            if category not in known:
                raise ValueError(f"unknown category {category!r}; use {', '.join(known)}")
            count, _, window = text.partition("/")
            if not (count.isdigit() and window.isdigit() and int(count) > 0 and int(window) > 0):
                raise ValueError(f'{category}: write requests/seconds, e.g. "1000/3600"')
        return v

    def parsed_rate_limits(self) -> dict[str, tuple[int, int]]:
        return {
            k: (int(v.split("/")[0]), int(v.split("/")[1])) for k, v in self.rate_limits.items()
        }

    @field_validator("oauth_jwks_url")
    @classmethod
    def _jwks_over_tls(cls, url: str | None) -> str | None:
        if url is None:
            return None
        match = re.fullmatch(r"(https?)://(\[[^\]]+\]|[^/:?#\s]+)(:\d+)?([/?][^\s]*)?", url)
        if not match:
            raise ValueError("expected an https:// URL, e.g. 'https://id.example.com/jwks.json'")
        if match.group(1) == "http" and not _is_loopback(match.group(2)):
            # Keys fetched in clear text could be swapped, and with them every token forged.
            raise ValueError("use https:// (plain http only to a loopback address)")
        return url

    @field_validator("oauth_algorithms")
    @classmethod
    def _asymmetric_algorithms(cls, value: str) -> str:
        names = [n for n in re.split(r"[\s,]+", value) if n]
        refused = [n for n in names if n not in OAUTH_ALGORITHMS]
        if refused or not names:
            raise ValueError(
                f"not accepted: {' '.join(refused) or '(none given)'}; choose from "
                f"{' '.join(OAUTH_ALGORITHMS)} (none and HS* are never accepted)"
            )
        return " ".join(dict.fromkeys(names))

    @model_validator(mode="after")
    def _oauth_needs_issuer_audience_and_keys(self) -> ApiSection:
        keys = ("oauth_issuer", "oauth_audience", "oauth_jwks_url")
        given = [k for k in keys if getattr(self, k) is not None]
        if given and len(given) < len(keys):
            missing = next(k for k in keys if getattr(self, k) is None)
            raise CrossFieldError(
                missing, "api.oauth_issuer, oauth_audience and oauth_jwks_url go together"
            )
        return self

    @model_validator(mode="after")
    def _remote_needs_consent_and_tls(self) -> ApiSection:
        if (self.tls_cert is None) != (self.tls_key is None):
            missing = "tls_key" if self.tls_key is None else "tls_cert"
            raise CrossFieldError(missing, "api.tls_cert and api.tls_key go together")
        if _is_loopback(self.host):
            return self
        # Tokens would otherwise cross the network in clear text, or be exposed by accident.
        needs = [] if self.allow_remote else ["api.allow_remote = true"]
        if self.tls_cert is None:
            needs.append("api.tls_cert and api.tls_key")
        if needs:
            raise CrossFieldError(
                "host",
                f"{self.host!r} is not a loopback address; serving beyond this machine "
                f"needs {' and '.join(needs)}",
            )
        return self


class UiSection(_Section):
    """The terminal UI."""

    theme: str = Field(default="proxmox-dark", min_length=1)
    """Name of the colour theme (a built-in one or a file in the themes folder)."""
    keymap: dict[str, str] = Field(default_factory=dict)
    """Key rebindings: binding id → keys, e.g. {"vm-start" = "s"}."""
    refresh_seconds: float = Field(default=5.0, gt=0)
    """Seconds between refreshes of the cluster inventory."""


class AiSection(_Section):
    """The chat assistant (Claude). Its API key is a secret: `anthropic.api_key`."""

    model: str = Field(default="claude-sonnet-5-5", min_length=1)
    """Claude model to use."""
    base_url: str | None = None
    """Base URL of the Messages API, for a proxy or gateway. Unset: Anthropic's."""
    max_tokens: int = Field(default=4096, ge=1)
    """Longest answer the model may write in one turn."""
    max_steps: int = Field(default=12, ge=1, le=100)
    """Most tool calls the assistant may chain for one request before it must stop."""

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"https?://[^/\s]+", url):
            raise ValueError("expected an http:// or https:// URL")
        return url


class SafetySection(_Section):
    """Limits that hold for every front door."""

    read_only: bool = False
    """Refuse every operation that changes anything."""


class Settings(BaseModel):
    """Everything config.toml and `PXA_SECTION__FIELD` can set. Secrets are not here."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    proxmox: ProxmoxSection = Field(default_factory=ProxmoxSection)
    """The cluster to manage; unset `host` means the sandbox."""
    sandbox: SandboxSection = Field(default_factory=SandboxSection)
    """The simulated cluster."""
    api: ApiSection = Field(default_factory=ApiSection)
    """The embedded `/v1` HTTP API."""
    ui: UiSection = Field(default_factory=UiSection)
    """The terminal UI."""
    ai: AiSection = Field(default_factory=AiSection)
    """The chat assistant."""
    safety: SafetySection = Field(default_factory=SafetySection)
    """Safety limits."""

    @property
    def sandbox_mode(self) -> bool:
        """True when no Proxmox host is configured, so pxa drives its built-in sandbox."""
        return self.proxmox.host is None


def section_models() -> dict[str, type[BaseModel]]:
    """Section name → its model, in the order of `Settings`."""
    return {name: info.annotation for name, info in Settings.model_fields.items()}


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # any other name may resolve anywhere
