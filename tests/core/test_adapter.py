"""The proxmoxer adapter: TLS pinning, credentials, and failures a person can act on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pxa.errors import BackendAuthFailed, BackendTlsError, BackendUnavailable, NotFound
from pxa.proxmox.adapter import ProxmoxAdapter
from pxa.proxmox.client import PveClient, PveTarget
from pxa.sandbox.server import SandboxServer


def adapter(target: PveTarget) -> ProxmoxAdapter:
    return ProxmoxAdapter(PveClient(target))


async def test_the_pinned_certificate_lets_pxa_in(make_target: Callable[..., PveTarget]) -> None:
    version = await adapter(make_target()).version()
    assert version["release"]


async def test_a_certificate_that_does_not_match_is_refused(
    make_target: Callable[..., PveTarget], tmp_path: Path
) -> None:
    other = SandboxServer(tmp_path / "other", speed=40)
    other.start()
    try:
        with pytest.raises(BackendTlsError, match="TLS verification failed"):
            await adapter(make_target(ca_cert=Path(other.info.ca_cert))).version()
    finally:
        other.stop()


async def test_an_unverified_self_signed_cluster_is_refused(
    make_target: Callable[..., PveTarget],
) -> None:
    with pytest.raises(BackendTlsError):
        await adapter(make_target(ca_cert=None)).version()


async def test_a_pinned_fingerprint_is_accepted_and_a_wrong_one_refused(
    make_target: Callable[..., PveTarget], sandbox: SandboxServer
) -> None:
    fp = sandbox.info.fingerprint
    assert (await adapter(make_target(ca_cert=None, fingerprint=fp)).version())["version"]
    with pytest.raises(BackendTlsError, match="not the pinned one"):
        await adapter(make_target(ca_cert=None, fingerprint="00" * 32)).version()


async def test_a_wrong_token_secret_is_an_auth_failure(
    make_target: Callable[..., PveTarget],
) -> None:
    with pytest.raises(BackendAuthFailed, match="refused pxa's credentials"):
        await adapter(make_target(token_secret="not-the-secret")).resources()


async def test_password_login_works_too(
    make_target: Callable[..., PveTarget], sandbox: SandboxServer
) -> None:
    target = make_target(token_name=None, token_secret=None, password=sandbox.info.password)
    assert await adapter(target).nodes()


async def test_api_down_is_unreachable_with_the_url(
    make_target: Callable[..., PveTarget], sandbox: SandboxServer
) -> None:
    sandbox.faults.api_down = True
    try:
        with pytest.raises(BackendUnavailable, match=r"unreachable at https://127\.0\.0\.1"):
            await adapter(make_target()).version()
    finally:
        sandbox.faults.api_down = False
    assert await adapter(make_target()).version()


async def test_an_unknown_vmid_is_not_found(make_target: Callable[..., PveTarget]) -> None:
    with pytest.raises(NotFound, match="VM 424242 does not exist"):
        await adapter(make_target()).config("pve1", 424242)


async def test_the_read_only_token_gets_a_clear_refusal_on_writes(
    make_target: Callable[..., PveTarget], sandbox: SandboxServer
) -> None:
    from pxa.errors import Forbidden

    user, _, name = sandbox.info.readonly_token_id.partition("!")
    ro = adapter(
        make_target(user=user, token_name=name, token_secret=sandbox.info.readonly_token_secret)
    )
    rows = await ro.resources("vm")
    vm = next(r for r in rows if r.get("status") == "stopped" and not r.get("template"))
    with pytest.raises(Forbidden, match="Permission check failed"):
        await ro.power(vm["node"], vm["vmid"], "start")
