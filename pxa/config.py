"""Settings: config.toml, then `PXA_SECTION__FIELD` environment overrides, validated by pydantic.

With no file at all pxa runs against the built-in sandbox (`proxmox.host` unset). Secrets
never come from here: `pxa.secrets` reads them from the environment or the OS keyring, and
a secret found in the file is an error that says where it belongs.

Loading collects every problem (TOML syntax, unknown keys, bad values, secrets, missing
certificate files) and reports them together, each once, with the dotted key it concerns.
"""

from __future__ import annotations

import difflib
import importlib.resources
import ipaddress
import json
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated, Any, get_args, get_origin

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pxa import paths
from pxa.errors import ConfigError
from pxa.secrets import SECRET_NAMES

ENV_PREFIX = "PXA_"
ENV_SOURCE = "environment"
"""`ConfigProblem.file` for a problem in a `PXA_SECTION__FIELD` variable rather than a file."""

SECRET_KEYS = frozenset(
    {"password", "token_secret", "token_value", "secret", "api_key", "anthropic_api_key"}
)
"""Key names that hold a secret wherever they appear; they are refused in config files."""

# Keys naming files that must exist when pxa starts; checked at load so a typo fails early
# rather than as a TLS error on the first request.
FILE_KEYS = ("proxmox.ca_cert", "api.tls_cert", "api.tls_key")


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

    model: str = Field(default="claude-sonnet-4-5", min_length=1)
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


@dataclass(frozen=True)
class ConfigProblem:
    """One thing wrong with the configuration; `key` is dotted, empty for the whole file."""

    file: str
    key: str
    message: str

    def __str__(self) -> str:
        if not self.key:
            return f"{self.file}: {self.message}"
        return f"{self.file}: {self.key}: {self.message}"


def load_settings(path: Path | None = None, *, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from `path` (default: `PXA_CONFIG_FILE` or the config dir) and `env` overrides.

    A missing default file means defaults (sandbox mode); a missing file that was asked for,
    by argument or `PXA_CONFIG_FILE`, is an error. `env` defaults to `os.environ`.
    Raises ConfigError listing every problem.
    """
    settings, problems = _load(path, os.environ if env is None else env)
    if problems or settings is None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        raise ConfigError(
            f"invalid configuration ({len(problems)} problem(s)):\n{lines}",
            details={"problems": [asdict(problem) for problem in problems]},
        )
    return settings


def check_config(
    path: Path | None = None, *, env: Mapping[str, str] | None = None
) -> list[ConfigProblem]:
    """Every problem `load_settings(path, env=env)` would raise for, each once; [] if none."""
    return _load(path, os.environ if env is None else env)[1]


def env_overrides(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """Dotted setting key → the `PXA_SECTION__FIELD` variable that overrides it."""
    return _env_overrides(os.environ if env is None else env)[1]


def settings_to_toml(settings: Settings, *, sources: Mapping[str, str] | None = None) -> str:
    """The settings as TOML that loads back to them; unset keys and `sources` as comments."""
    lines: list[str] = []
    for section_name in Settings.model_fields:
        section = getattr(settings, section_name)
        lines.append(f"[{section_name}]")
        for name in type(section).model_fields:
            value = getattr(section, name)
            source = (sources or {}).get(f"{section_name}.{name}")
            note = f"  # from {source}" if source else ""
            if value is None:
                lines.append(f"# {name} is unset{note}")
            else:
                lines.append(f"{name} = {_toml_value(value)}{note}")
        lines.append("")
    return "\n".join(lines)


def example_config_text() -> str:
    """The text of config.example.toml, from the installed package or the source checkout."""
    candidates = (
        importlib.resources.files("pxa").joinpath("config.example.toml"),
        Path(__file__).resolve().parent.parent / "config.example.toml",
    )
    for candidate in candidates:
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8")
    raise ConfigError("config.example.toml is not part of this installation")


# --- loading ---------------------------------------------------------------------------


def _load(path: Path | None, env: Mapping[str, str]) -> tuple[Settings | None, list[ConfigProblem]]:
    explicit = path is not None or paths.explicit_config_file(env) is not None
    file = path if path is not None else paths.default_config_file(env)
    problems: list[ConfigProblem] = []
    data = _strip_secrets(_read_toml(file, explicit, problems), str(file), (), problems)
    _resolve_relative_paths(data, file.absolute().parent)
    overrides, sources, env_problems = _env_overrides(env)
    problems.extend(env_problems)
    for key, value in overrides.items():
        section, field = key.split(".")
        table = data.setdefault(section, {})
        if isinstance(table, dict):  # a non-table is the file's problem; validation says so
            table[field] = value

    settings: Settings | None = None
    failed: set[str] = set()
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        for problem in _translate(exc, str(file), sources):
            problems.append(problem)
            failed.add(problem.key)
    problems.extend(_missing_files(data, str(file), sources, failed))
    return settings, list(dict.fromkeys(problems))


def _read_toml(file: Path, explicit: bool, problems: list[ConfigProblem]) -> dict[str, Any]:
    name = str(file)
    if not file.exists():
        if explicit:
            problems.append(ConfigProblem(name, "", "config file not found"))
        return {}
    try:
        with file.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.11 puts the position only in the text: "... (at line 3, column 7)".
        match = re.fullmatch(r"(.*) \((at line \d+, column \d+|at end of document)\)", str(exc))
        where, what = (match.group(2), match.group(1)) if match else ("", str(exc))
        problems.append(ConfigProblem(name, "", f"TOML syntax error {where}: {what}"))
    except UnicodeDecodeError:
        problems.append(ConfigProblem(name, "", "not UTF-8 text"))
    except OSError as exc:
        problems.append(ConfigProblem(name, "", f"cannot read: {exc.strerror or exc}"))
    return {}


def _strip_secrets(
    table: dict[str, Any], file: str, where: tuple[str, ...], problems: list[ConfigProblem]
) -> dict[str, Any]:
    """A copy of `table` without secret keys, each reported once where it was found."""
    kept: dict[str, Any] = {}
    for key, value in table.items():
        loc = (*where, key)
        if key.lower().replace("-", "_") in SECRET_KEYS:
            problems.append(ConfigProblem(file, ".".join(loc), _secret_message(loc)))
        elif isinstance(value, dict):
            inner = _strip_secrets(value, file, loc, problems)
            # A table that held nothing but secrets would only add a second, noisier problem.
            if inner or not value:
                kept[key] = inner
        else:
            kept[key] = value
    return kept


def _secret_message(loc: tuple[str, ...], place: str = "config.toml") -> str:
    name = _secret_name(loc)
    return (
        f"secrets do not belong in {place} — run 'pxa config set-secret {name}' "
        f"(OS keyring) or set {SECRET_NAMES[name]}"
    )


def _secret_name(loc: tuple[str, ...]) -> str:
    """The pxa secret a misplaced key most likely meant."""
    key = loc[-1].lower().replace("-", "_")
    section = loc[0].lower() if len(loc) > 1 else ""
    if section in ("ai", "anthropic") or key == "anthropic_api_key":
        return "anthropic.api_key"
    if key == "password":
        return "proxmox.password"
    if key == "api_key" and section != "proxmox":
        return "anthropic.api_key"
    return "proxmox.token_secret"


def _resolve_relative_paths(data: dict[str, Any], base: Path) -> None:
    # Relative paths in a file mean "next to this file", whatever the working directory.
    for section, field in _path_keys():
        table = data.get(section)
        value = table.get(field) if isinstance(table, dict) else None
        if isinstance(value, str) and value:
            candidate = Path(value).expanduser()
            if not candidate.is_absolute():
                table[field] = str(base / candidate)


def _env_overrides(
    env: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, str], list[ConfigProblem]]:
    """Values (dotted key → raw value), sources (dotted key → variable) and problems."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    problems: list[ConfigProblem] = []
    for var in sorted(env):
        if not var.startswith(ENV_PREFIX) or "__" not in var:
            continue  # PXA_CONFIG_FILE, PXA_PROXMOX_TOKEN_SECRET, ... are not settings
        section, _, field = var[len(ENV_PREFIX) :].lower().partition("__")
        key = f"{section}.{field}"
        if field in SECRET_KEYS:
            message = _secret_message((section, field), f"{ENV_PREFIX}SECTION__FIELD settings")
            problems.append(ConfigProblem(ENV_SOURCE, key, f"{var}: {message}"))
            continue
        section_model = _section_models().get(section)
        if section_model is None or field not in section_model.model_fields:
            problems.append(ConfigProblem(ENV_SOURCE, key, _unknown_env_message(var, key)))
            continue
        annotation = section_model.model_fields[field].annotation
        raw = env[var]
        if get_origin(annotation) is dict:
            try:
                values[key] = json.loads(raw)
            except json.JSONDecodeError:
                message = f'{var} must be a JSON object, e.g. \'{{"vm-start": "s"}}\''
                problems.append(ConfigProblem(ENV_SOURCE, key, message))
                continue
        elif raw == "" and type(None) in get_args(annotation):
            values[key] = None  # an empty variable unsets an optional setting
        else:
            values[key] = raw
        sources[key] = var
    return values, sources, problems


def _unknown_env_message(var: str, key: str) -> str:
    known = [f"{s}.{f}" for s, model in _section_models().items() for f in model.model_fields]
    match = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {_env_name(match[0])}?" if match else ""
    return f"{var} names no setting{hint}"


def _env_name(key: str) -> str:
    section, field = key.split(".")
    return f"{ENV_PREFIX}{section.upper()}__{field.upper()}"


def _translate(exc: ValidationError, file: str, sources: Mapping[str, str]) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for error in exc.errors():
        loc = tuple(str(part) for part in error["loc"])
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, CrossFieldError):
            loc = (*loc, cause.field)
        key = ".".join(loc)
        message = _error_message(error["type"], loc, error.get("msg", ""), cause)
        if error["type"] not in _HIDE_INPUT and _is_scalar(error.get("input")):
            message += f" (got {_short_repr(error['input'])})"
        var = next((sources[k] for k in _prefixes(loc) if k in sources), None)
        if var is not None:
            problems.append(ConfigProblem(ENV_SOURCE, key, f"{message} (from {var})"))
        else:
            problems.append(ConfigProblem(file, key, message))
    return problems


# Kinds where the offending value is noise (a whole table, an unknown key's value).
_HIDE_INPUT = frozenset({"extra_forbidden", "model_type", "dict_type", "missing"})


def _error_message(kind: str, loc: tuple[str, ...], msg: str, cause: object) -> str:
    if kind == "extra_forbidden":
        return _unknown_key_message(loc)
    if kind in ("model_type", "dict_type"):
        return f"expected a table, e.g. [{'.'.join(loc)}]"
    if kind == "path_type":
        return "expected a path, as a string"
    if isinstance(cause, Exception):
        return str(cause)
    return msg


def _unknown_key_message(loc: tuple[str, ...]) -> str:
    parent, name = loc[:-1], loc[-1]
    sections = _section_models()
    if not parent:
        match = difflib.get_close_matches(name, list(sections), n=1)
        homes = [f"{s}.{name}" for s, model in sections.items() if name in model.model_fields]
        if match:
            return f"unknown section; did you mean [{match[0]}]?"
        if homes:
            return f"unknown key; did you mean {' or '.join(homes)}?"
        return f"unknown section; sections are {', '.join(sections)}"
    model = sections.get(parent[0])
    fields = list(model.model_fields) if model is not None and len(parent) == 1 else []
    match = difflib.get_close_matches(name, fields, n=1)
    if match:
        return f"unknown key; did you mean {'.'.join((*parent, match[0]))}?"
    # The right key in the wrong section is a common slip (read_only under [api]).
    homes = [f"{s}.{name}" for s, model in sections.items() if name in model.model_fields]
    if homes:
        return f"unknown key here; did you mean {' or '.join(homes)}?"
    return f"unknown key; [{'.'.join(parent)}] has {', '.join(fields)}"


def _missing_files(
    data: Mapping[str, Any], file: str, sources: Mapping[str, str], failed: set[str]
) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for key in FILE_KEYS:
        section, field = key.split(".")
        table = data.get(section)
        value = table.get(field) if isinstance(table, dict) else None
        if key in failed or not isinstance(value, str | Path) or not str(value):
            continue
        target = Path(value).expanduser()
        if not target.is_file():
            var = sources.get(key)
            where, suffix = (ENV_SOURCE, f" (from {var})") if var else (file, "")
            problems.append(ConfigProblem(where, key, f"file not found: {target}{suffix}"))
    return problems


# --- small helpers ---------------------------------------------------------------------


def _section_models() -> dict[str, type[BaseModel]]:
    return {name: info.annotation for name, info in Settings.model_fields.items()}


def _path_keys() -> list[tuple[str, str]]:
    return [
        (section, field)
        for section, model in _section_models().items()
        for field, info in model.model_fields.items()
        if _is_path_type(info.annotation)
    ]


def _is_path_type(annotation: object) -> bool:
    # `UserPath | None` keeps its Annotated wrapper inside the union.
    for arg in (annotation, *get_args(annotation)):
        if get_origin(arg) is Annotated:
            arg = get_args(arg)[0]
        if arg is Path:
            return True
    return False


def _prefixes(loc: tuple[str, ...]) -> list[str]:
    return [".".join(loc[:n]) for n in range(len(loc), 0, -1)]


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


def _is_scalar(value: object) -> bool:
    return isinstance(value, str | int | float | bool)


def _short_repr(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        items = ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items())
        return f"{{ {items} }}" if items else "{}"
    # JSON string escapes are valid TOML basic-string escapes.
    return json.dumps(str(value), ensure_ascii=False)
