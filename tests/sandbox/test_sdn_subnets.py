"""SDN subnets: ids, gateways and DHCP ranges, and what is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from proxmoxer import ProxmoxAPI

from pxa.sandbox.server import SandboxInfo

from .helpers import token_client
from .test_sdn import raw, refusal, serve

FAILED = "create sdn subnet object failed: 400 Parameter verification failed.\n"


def _post(info: SandboxInfo, *ranges: str, **data: Any) -> requests.Response:
    # dhcp-range is an array: one form key per range.
    fields = [("subnet", "10.60.0.0/24"), ("type", "subnet"), *data.items()]
    fields += [("dhcp-range", r) for r in ranges]
    return requests.post(
        f"{info.url}/api2/json/cluster/sdn/vnets/web/subnets",
        data=fields,
        verify=info.ca_cert,
        headers={"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"},
        timeout=10,
    )


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[SandboxInfo]:
    """Shared by the refused creations, which leave its `web` vnet without subnets."""
    for srv in serve(tmp_path_factory, tls_dir):
        assert srv.info is not None
        _web(token_client(srv.info))
        yield srv.info


def _range(start: int, end: int) -> str:
    return f"start-address=10.60.0.{start},end-address=10.60.0.{end}"


def _web(pve: ProxmoxAPI) -> None:
    pve.cluster.sdn.vnets.post(vnet="web", zone="lab", tag=60)


def test_subnet_is_stored_as_zone_network_prefixlen(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    _web(pve)
    assert _post(info, gateway="10.60.0.1").status_code == 200
    subnet = pve.cluster.sdn.vnets("web").subnets.get()[0]
    assert (subnet["subnet"], subnet["zone"], subnet["network"], subnet["mask"]) == (
        "lab-10.60.0.0-24",
        "lab",
        "10.60.0.0",
        "24",
    )


def test_subnet_keeps_several_dhcp_ranges(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    _web(pve)
    _post(info, _range(10, 20), _range(50, 60), gateway="10.60.0.1")
    subnet = pve.cluster.sdn.vnets("web").subnets("lab-10.60.0.0-24").get()
    assert [r["start-address"] for r in subnet["dhcp-range"]] == ["10.60.0.10", "10.60.0.50"]


def test_new_subnet_is_pending_until_applied(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    _web(pve)
    _post(info, gateway="10.60.0.1")
    subnet = pve.cluster.sdn.vnets("web").subnets.get(pending=1)[0]
    assert (subnet["state"], subnet["pending"]["gateway"]) == ("new", "10.60.0.1")


def test_gateway_outside_the_subnet_is_refused(lab: SandboxInfo) -> None:
    assert refusal(_post(lab, gateway="10.61.0.1")) == (
        500,
        FAILED + "gateway: 10.61.0.1 is not in subnet 10.60.0.0/24",
    )


def test_dhcp_range_outside_the_subnet_is_refused(lab: SandboxInfo) -> None:
    resp = _post(lab, "start-address=10.60.0.10,end-address=10.60.1.20")
    assert (
        refusal(resp)[1]
        == FAILED + "dhcp-range: end-address 10.60.1.20 is not in subnet 10.60.0.0/24"
    )


def test_dhcp_range_that_ends_before_it_starts_is_refused(lab: SandboxInfo) -> None:
    assert refusal(_post(lab, _range(20, 10)))[1] == (
        FAILED + "dhcp-range: start-address 10.60.0.20 must be smaller than end-address 10.60.0.10"
    )


def test_overlapping_dhcp_ranges_are_refused(lab: SandboxInfo) -> None:
    resp = _post(lab, _range(10, 20), _range(15, 30))
    assert refusal(resp)[1] == FAILED + "dhcp-range: dhcp ranges must not overlap"


def test_dhcp_range_covering_the_gateway_is_refused(lab: SandboxInfo) -> None:
    resp = _post(lab, _range(1, 20), gateway="10.60.0.1")
    assert refusal(resp)[1] == FAILED + (
        "dhcp-range: gateway 10.60.0.1 must not be inside dhcp range 10.60.0.1-10.60.0.20"
    )


def test_malformed_dhcp_range_is_refused_up_front(lab: SandboxInfo) -> None:
    resp = _post(lab, "start=10.60.0.10")
    assert (resp.status_code, resp.json()["errors"]) == (
        400,
        {"dhcp-range": "invalid format - property 'start' is not defined in schema"},
    )


def test_subnet_on_an_unknown_vnet_is_refused(lab: SandboxInfo) -> None:
    resp = raw(lab, "POST", "/cluster/sdn/vnets/nope/subnets", subnet="10.9.0.0/24", type="subnet")
    assert refusal(resp) == (500, "sdn vnet 'nope' does not exist")
