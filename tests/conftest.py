"""Fixtures shared by the whole suite.

Every test runs with its own data and config dirs, no PXA_* variables from the developer's
shell and a keyring that holds nothing. Core tests run against a real sandbox over HTTPS on
a free loopback port, driven through proxmoxer exactly as a real cluster would be.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from support import SPEED, make_infra, target_for

if TYPE_CHECKING:
    from pxa.core.infra import Infra
    from pxa.proxmox.client import PveTarget
    from pxa.sandbox.server import SandboxServer


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key in list(os.environ):
        if key.startswith("PXA_") or key == "ANTHROPIC_API_KEY":
            monkeypatch.delenv(key)
    home = tmp_path / "home"
    monkeypatch.setenv("PXA_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("PXA_CONFIG_DIR", str(home / "config"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    return home


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    """A fresh sandbox world (seed 42) over HTTPS on a free loopback port."""
    from pxa.sandbox.server import SandboxServer

    server = SandboxServer(tmp_path / "sandbox", speed=SPEED)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_target(sandbox: SandboxServer) -> Callable[..., PveTarget]:
    """Build a PveTarget for the sandbox, with fields overridden (wrong secret, CA...)."""
    return lambda **overrides: target_for(sandbox, **overrides)


@pytest.fixture
async def infra_factory(
    sandbox: SandboxServer, tmp_path: Path
) -> AsyncIterator[Callable[..., Infra]]:
    """Make more cores on the same sandbox and database (a second pxa process, a restart)."""
    made: list[Infra] = []

    def factory(**kwargs: Any) -> Infra:
        core = make_infra(sandbox, tmp_path / "pxa.db", **kwargs)
        made.append(core)
        return core

    yield factory
    for core in made:
        await core.close()


@pytest.fixture
async def infra(infra_factory: Callable[..., Infra]) -> Infra:
    return infra_factory()
