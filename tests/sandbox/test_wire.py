"""Wire behaviour: reason phrases, parameter verification, envelopes, unknown paths."""

from __future__ import annotations

import pytest
import requests
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxInfo

from .helpers import find_vm


def _auth(info: SandboxInfo) -> dict[str, str]:
    return {"Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}"}


def test_pve_message_reaches_resource_exception_content(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").qemu(4242).status.current.get()
    assert err.value.status_code == 500
    assert err.value.content == (
        "Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist"
    )


def test_error_body_carries_the_message_with_a_newline(info: SandboxInfo) -> None:
    resp = requests.get(
        f"{info.url}/api2/json/nodes/pve1/qemu/4242/config",
        verify=info.ca_cert,
        headers=_auth(info),
    )
    assert resp.json() == {
        "data": None,
        "message": "Configuration file 'nodes/pve1/qemu-server/4242.conf' does not exist\n",
    }


def test_unknown_parameter_is_400_with_errors_object(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").qemu(100).status.start.post(bogus="1")
    assert (err.value.status_code, err.value.content) == (400, "Parameter verification failed.")
    assert err.value.errors == {
        "bogus": "property is not defined in schema and the schema "
        "does not allow additional properties"
    }


def test_missing_required_parameter_is_reported(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").qemu(100).clone.post()
    assert err.value.errors == {"newid": "property is missing and it is not optional"}


def test_non_integer_is_a_type_check_failure(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").qemu(100).clone.post(newid="abc")
    assert err.value.errors == {"newid": "type check ('integer') failed - got 'abc'"}


def test_boolean_true_is_rejected_in_form_data(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").qemu(100).status.stop.post(keepActive="true")
    assert err.value.errors == {"keepActive": "type check ('boolean') failed - got 'true'"}


def test_json_body_accepts_real_booleans(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    node, vmid = find_vm(pve, "web-server-03")
    resp = requests.put(
        f"{info.url}/api2/json/nodes/{node}/qemu/{vmid}/config",
        verify=info.ca_cert,
        headers=_auth(info),
        json={"onboot": True},
    )
    assert resp.status_code == 200, resp.reason


def test_enumeration_mismatch_names_the_allowed_values(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.cluster.resources.get(type="disk")
    assert err.value.errors == {
        "type": "value 'disk' does not have a value in the enumeration 'vm, storage, node, sdn'"
    }


def test_unknown_path_is_501_not_implemented(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve1").frobnicate.get()
    assert (err.value.status_code, err.value.content) == (
        501,
        "Method 'GET /nodes/pve1/frobnicate' not implemented",
    )


def test_unknown_node_fails_the_hostname_lookup(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.nodes("pve9").qemu.get()
    assert err.value.content.startswith("hostname lookup 'pve9' failed")


def test_replies_are_json_from_pve_api_daemon(info: SandboxInfo) -> None:
    resp = requests.get(f"{info.url}/api2/json/version", verify=info.ca_cert, headers=_auth(info))
    assert resp.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert resp.headers["Server"] == "pve-api-daemon/3.0"


def test_nextid_is_a_string_on_the_wire(pve: ProxmoxAPI) -> None:
    assert pve.cluster.nextid.get() == "124"  # 100..123 hold the lab's 24 VMs


def test_nextid_with_a_taken_vmid_is_400(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.cluster.nextid.get(vmid=100)
    assert err.value.errors == {"vmid": "VM 100 already exists"}


def test_nextid_with_a_free_vmid_echoes_it(pve: ProxmoxAPI) -> None:
    assert pve.cluster.nextid.get(vmid=777) == "777"
