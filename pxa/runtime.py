"""Assembling the core from settings: one place, called by every front door.

In sandbox mode (no `proxmox.host`) it attaches to this user's sandbox, starting it if
needed; otherwise it connects to the configured cluster with secrets from the keyring
or the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pxa.errors import ConfigError
from pxa.proxmox.client import PveClient, PveTarget

if TYPE_CHECKING:
    from pxa.config import Settings
    from pxa.core.infra import Infra


def sandbox_state_dir(settings: Settings) -> Path:
    """Where the sandbox of these settings lives.

    A lab of another size or seed is another world in its own directory: asking for
    10,000 VMs must not attach to the standard lab already running, nor wipe it.
    """
    from pxa.sandbox.paths import default_state_dir

    s = settings.sandbox
    if s.state_dir:
        return Path(s.state_dir)
    base = default_state_dir()
    variant = ([f"{s.vms}-vms"] if s.vms is not None else []) + (
        [f"seed-{s.seed}"] if s.seed != type(s).model_fields["seed"].default else []
    )
    return base.with_name("-".join([base.name, *variant])) if variant else base


def proxmox_target(settings: Settings) -> PveTarget:
    p = settings.proxmox
    if settings.sandbox_mode:
        from pxa.sandbox.launcher import ensure_running

        info = ensure_running(
            sandbox_state_dir(settings),
            vms=settings.sandbox.vms,
            seed=settings.sandbox.seed,
            speed=settings.sandbox.speed,
        )
        user, _, token = info.token_id.partition("!")
        return PveTarget(
            host=info.host,
            port=info.port,
            user=user,
            token_name=token,
            token_secret=info.token_secret,
            ca_cert=Path(info.ca_cert),
            timeout=p.timeout_seconds,
            max_workers=p.max_workers,
        )
    from pxa.secrets import get_secret

    assert p.host is not None
    if not p.user:
        raise ConfigError("proxmox.user is not set (e.g. root@pam)")
    token_secret = get_secret("proxmox.token_secret") if p.token_name else None
    password = None if token_secret else get_secret("proxmox.password")
    if p.token_name and not token_secret and not password:
        raise ConfigError(
            f"no secret for token {p.user}!{p.token_name}: run 'pxa config set-secret "
            "proxmox.token_secret' or set PXA_PROXMOX_TOKEN_SECRET"
        )
    return PveTarget(
        host=p.host,
        port=p.port,
        user=p.user,
        token_name=p.token_name,
        token_secret=token_secret,
        password=password,
        verify_tls=p.verify_tls,
        ca_cert=Path(p.ca_cert) if p.ca_cert else None,
        fingerprint=p.fingerprint,
        timeout=p.timeout_seconds,
        max_workers=p.max_workers,
    )


def build_infra(settings: Settings, *, read_only: bool = False) -> Infra:
    from pxa.core.infra import Infra
    from pxa.paths import data_dir
    from pxa.proxmox.adapter import ProxmoxAdapter
    from pxa.store.db import Database

    target = proxmox_target(settings)
    infra = Infra(
        ProxmoxAdapter(PveClient(target)),
        Database(data_dir() / "pxa.db"),
        read_only=read_only or settings.safety.read_only,
        sandbox=settings.sandbox_mode,
        refresh_seconds=settings.ui.refresh_seconds,
    )
    from pxa.ai.spec_drafter import from_settings

    # With an Anthropic key Claude drafts Terraform specs; without, the offline parser.
    infra.spec_drafter = from_settings(settings)
    return infra
