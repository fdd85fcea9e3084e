"""Secrets (PVE token secret or password, Anthropic key): environment first, then the OS keyring.

Secrets never live in config.toml and are never written to a plaintext file: a machine
without a usable keyring (CI, servers) reads them from the environment only, and storing
one there fails with a message naming the variable to set instead.

`keyring` is imported on first use, so `pxa --help` and the config loader stay fast.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Literal

from pxa.errors import ConfigError

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

KEYRING_SERVICE = "pxa"

SECRET_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "proxmox.token_secret": "PXA_PROXMOX_TOKEN_SECRET",
        "proxmox.password": "PXA_PROXMOX_PASSWORD",
        "anthropic.api_key": "ANTHROPIC_API_KEY",
    }
)
"""Every secret pxa knows, by name (the keyring username) → the env var that overrides it."""

SecretSource = Literal["environment", "keyring"]


def env_var(name: str) -> str:
    """The environment variable for secret `name`; ConfigError for a name pxa does not know."""
    try:
        return SECRET_NAMES[name]
    except KeyError:
        known = ", ".join(SECRET_NAMES)
        raise ConfigError(f"unknown secret {name!r}; pxa keeps: {known}") from None


def get_secret(name: str, *, env: Mapping[str, str] | None = None) -> str | None:
    """The secret's value from the environment, else the OS keyring, else None."""
    value, _ = _lookup(name, env)
    return value


def secret_source(name: str, *, env: Mapping[str, str] | None = None) -> SecretSource | None:
    """Where the secret would come from, without handing out its value (for `config show`)."""
    _, source = _lookup(name, env)
    return source


def set_secret(name: str, value: str) -> None:
    """Store the secret in the OS keyring; ConfigError (naming the env var) when there is none."""
    var = env_var(name)
    if not value:
        raise ConfigError(f"refusing to store an empty value for {name}")
    backend = _usable_backend(var)
    from keyring.errors import KeyringError

    try:
        backend.set_password(KEYRING_SERVICE, name, value)
        # Some backends (an empty chainer, the null keyring) accept a value and drop it;
        # reading it back is the only way to know it was really stored.
        stored = backend.get_password(KEYRING_SERVICE, name)
    except (KeyringError, OSError) as exc:
        raise ConfigError(_no_keyring_message(var, f"the keyring refused it: {exc}")) from exc
    if stored != value:
        raise ConfigError(_no_keyring_message(var, f"{_describe(backend)} did not keep it"))


def delete_secret(name: str) -> bool:
    """Remove the secret from the OS keyring; False if it was not there.

    The environment variable, if set, is the caller's to unset: pxa does not own it.
    """
    var = env_var(name)
    backend = _usable_backend(var)
    from keyring.errors import KeyringError, PasswordDeleteError

    try:
        if backend.get_password(KEYRING_SERVICE, name) is None:
            return False
        backend.delete_password(KEYRING_SERVICE, name)
    except PasswordDeleteError:
        return False
    except (KeyringError, OSError) as exc:
        raise ConfigError(_no_keyring_message(var, f"the keyring refused it: {exc}")) from exc
    return True


def keyring_backend_name() -> str | None:
    """A short name of the usable keyring backend, or None when there is none."""
    backend = _backend()
    if backend is None or _refusal(backend) is not None:
        return None
    return _describe(backend)


def _lookup(name: str, env: Mapping[str, str] | None) -> tuple[str | None, SecretSource | None]:
    var = env_var(name)
    from_env = (os.environ if env is None else env).get(var)
    if from_env:
        return from_env, "environment"
    backend = _backend()
    if backend is None or _refusal(backend) is not None:
        return None, None
    try:
        value = backend.get_password(KEYRING_SERVICE, name)
    except Exception as exc:
        # Backends raise whatever their transport raises (D-Bus, Security framework, ...);
        # a locked or broken keyring must not stop pxa, which then runs on the environment.
        log.warning("OS keyring unavailable (%s); reading %s from %s only", exc, name, var)
        return None, None
    return (value, "keyring") if value else (None, None)


def _backend() -> KeyringBackend | None:
    try:
        import keyring
    except ImportError:
        return None
    try:
        return keyring.get_keyring()
    except Exception as exc:  # a broken keyringrc or backend import: treat as no keyring
        log.warning("OS keyring unavailable: %s", exc)
        return None


def _usable_backend(var: str) -> KeyringBackend:
    backend = _backend()
    if backend is None:
        raise ConfigError(_no_keyring_message(var, "the keyring package could not load"))
    reason = _refusal(backend)
    if reason is not None:
        raise ConfigError(_no_keyring_message(var, reason))
    return backend


def _refusal(backend: KeyringBackend) -> str | None:
    """Why this backend must not hold pxa's secrets, or None if it may."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring):
        return "no OS keyring backend is available on this machine"
    if isinstance(backend, null.Keyring):
        return "the keyring is configured as the null backend, which stores nothing"
    if type(backend).__name__ == "PlaintextKeyring":
        # keyrings.alt's plaintext file: exactly what secrets must never become.
        return "the only keyring backend writes plaintext files"
    if isinstance(backend, chainer.ChainerBackend):
        chained = list(backend.backends)
        if not chained:
            return "no OS keyring backend is available on this machine"
        # The chainer stores in its first backend; that one decides.
        return _refusal(chained[0])
    return None


def _describe(backend: KeyringBackend) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def _no_keyring_message(var: str, reason: str) -> str:
    return (
        f"cannot store the secret in the OS keyring: {reason}. "
        f"pxa never writes secrets to a file; set {var} in the environment instead"
    )
