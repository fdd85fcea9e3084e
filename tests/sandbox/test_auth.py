"""Authentication and authorisation as pve-api-daemon answers them."""

from __future__ import annotations

import pytest
import requests
from proxmoxer import AuthenticationError, ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import token_client


def _url(info: SandboxInfo, path: str) -> str:
    return f"{info.url}/api2/json{path}"


def test_wrong_password_fails_login_with_authentication_error(info: SandboxInfo) -> None:
    with pytest.raises(AuthenticationError):
        ProxmoxAPI(
            "127.0.0.1", port=info.port, user="root@pam", password="wrong", verify_ssl=info.ca_cert
        )


def test_wrong_password_answers_401_with_a_json_body(info: SandboxInfo) -> None:
    resp = requests.post(
        _url(info, "/access/ticket"),
        verify=info.ca_cert,
        data={"username": "root@pam", "password": "wrong"},
    )
    assert (resp.status_code, resp.reason) == (401, "authentication failure")
    assert resp.json()["data"] is None


def test_request_without_credentials_is_401_no_ticket_with_empty_body(info: SandboxInfo) -> None:
    resp = requests.get(_url(info, "/cluster/resources"), verify=info.ca_cert)
    assert (resp.status_code, resp.reason, resp.content) == (401, "No ticket", b"")


def test_ticket_login_reads_the_cluster(pve_ticket: ProxmoxAPI) -> None:
    assert {n["node"] for n in pve_ticket.nodes.get()} == {"pve1", "pve2", "pve3"}


def test_ticket_login_writes_with_its_csrf_token(pve_ticket: ProxmoxAPI) -> None:
    upid = pve_ticket.nodes("pve1").qemu(9000).clone.post(newid=950)
    assert upid.split(":")[7] == "root@pam"


def test_write_with_ticket_but_without_csrf_token_is_refused(info: SandboxInfo) -> None:
    login = requests.post(
        _url(info, "/access/ticket"),
        verify=info.ca_cert,
        data={"username": info.user, "password": info.password},
    ).json()
    resp = requests.post(
        _url(info, "/nodes/pve1/qemu/100/status/start"),
        verify=info.ca_cert,
        cookies={"PVEAuthCookie": login["data"]["ticket"]},
    )
    assert (resp.status_code, resp.reason) == (401, "Permission denied - invalid csrf token")


def test_expired_ticket_is_refused(sandbox: SandboxServer, info: SandboxInfo) -> None:
    assert sandbox.world is not None
    old = sandbox.world.accounts.issue_ticket("root@pam", issued_at=1_000_000_000)
    resp = requests.get(_url(info, "/version"), verify=info.ca_cert, cookies={"PVEAuthCookie": old})
    assert (resp.status_code, resp.reason, resp.content) == (401, "Authentication failed!", b"")


def test_ticket_passed_as_password_renews_it(info: SandboxInfo) -> None:
    first = requests.post(
        _url(info, "/access/ticket"),
        verify=info.ca_cert,
        data={"username": info.user, "password": info.password},
    ).json()
    renewed = requests.post(
        _url(info, "/access/ticket"),
        verify=info.ca_cert,
        data={"username": info.user, "password": first["data"]["ticket"]},
    )
    assert renewed.status_code == 200
    assert renewed.json()["data"]["ticket"].startswith("PVE:root@pam:")


def test_wrong_token_secret_is_refused(info: SandboxInfo) -> None:
    api = ProxmoxAPI(
        "127.0.0.1",
        port=info.port,
        user="root@pam",
        token_name="pxa",
        token_value="00000000-0000-0000-0000-000000000000",
        verify_ssl=info.ca_cert,
    )
    with pytest.raises(ResourceException) as err:
        api.version.get()
    assert (err.value.status_code, err.value.content) == (401, "Authentication failed!")


def test_expired_token_is_refused(sandbox: SandboxServer, info: SandboxInfo) -> None:
    assert sandbox.world is not None
    sandbox.world.accounts.tokens[info.token_id].expire = 1
    with pytest.raises(ResourceException) as err:
        token_client(info).version.get()
    assert err.value.status_code == 401


def test_token_header_may_use_a_space_after_the_scheme(info: SandboxInfo) -> None:
    header = f"PVEAPIToken {info.token_id}={info.token_secret}"
    resp = requests.get(
        _url(info, "/version"), verify=info.ca_cert, headers={"Authorization": header}
    )
    assert resp.json()["data"]["release"] == "9.1"


def test_api_token_cannot_create_a_ticket(info: SandboxInfo) -> None:
    header = f"PVEAPIToken={info.token_id}={info.token_secret}"
    resp = requests.post(
        _url(info, "/access/ticket"),
        verify=info.ca_cert,
        headers={"Authorization": header},
        data={"username": info.user, "password": info.password},
    )
    assert resp.status_code == 403
    assert resp.reason.endswith("not available with API token, need proper ticket.")


def test_readonly_token_reads_resources(pve_readonly: ProxmoxAPI) -> None:
    kinds = {r["type"] for r in pve_readonly.cluster.resources.get()}
    assert {"qemu", "lxc", "node", "storage"} <= kinds


def test_readonly_token_power_action_is_forbidden_with_path_and_privilege(
    pve_readonly: ProxmoxAPI,
) -> None:
    with pytest.raises(ResourceException) as err:
        pve_readonly.nodes("pve1").qemu(100).status.start.post()
    assert err.value.status_code == 403
    assert err.value.content == "Permission check failed (/vms/100, VM.PowerMgmt)"


def test_readonly_token_clone_is_forbidden_on_the_source(pve_readonly: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve_readonly.nodes("pve1").qemu(9000).clone.post(newid=990)
    assert err.value.content == "Permission check failed (/vms/9000, VM.Clone)"


def test_faults_endpoint_requires_root(info: SandboxInfo) -> None:
    header = f"PVEAPIToken={info.readonly_token_id}={info.readonly_token_secret}"
    resp = requests.get(
        f"{info.url}/_sandbox/faults", verify=info.ca_cert, headers={"Authorization": header}
    )
    assert resp.status_code == 403
