"""What a security scan reads besides the VMs: datacenter and host firewalls, packages, tokens."""

from __future__ import annotations

import time

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.topology import KERNEL, PVE_VERSION, QEMU_VERSION

CORE_PACKAGES = {"proxmox-ve", "pve-manager", "pve-qemu-kvm", "qemu-server", "pve-firewall"}


def _package(pve: ProxmoxAPI, node: str, name: str) -> dict[str, str]:
    return next(p for p in pve.nodes(node).apt.versions.get() if p["Package"] == name)


# --- datacenter firewall -------------------------------------------------------------


def test_datacenter_firewall_is_off_as_on_a_fresh_cluster(pve: ProxmoxAPI) -> None:
    options = pve.cluster.firewall.options.get()
    assert options.get("enable", 0) == 0 and set(options) == {"digest"}


def test_datacenter_firewall_options_put_then_get(pve: ProxmoxAPI) -> None:
    pve.cluster.firewall.options.put(enable=1, policy_in="DROP", log_ratelimit="enable=1,burst=10")
    options = pve.cluster.firewall.options.get()
    assert (options["enable"], options["policy_in"], options["log_ratelimit"]) == (
        1,
        "DROP",
        "enable=1,burst=10",
    )


def test_datacenter_firewall_option_can_be_deleted(pve: ProxmoxAPI) -> None:
    pve.cluster.firewall.options.put(enable=1, policy_out="REJECT")
    pve.cluster.firewall.options.put(delete="policy_out")
    assert "policy_out" not in pve.cluster.firewall.options.get()


def test_deleting_an_unknown_datacenter_option_is_refused(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.cluster.firewall.options.put(delete="nosuch")
    assert err.value.errors == {"delete": "no such option 'nosuch'"}


def test_a_malformed_log_ratelimit_is_refused(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.cluster.firewall.options.put(log_ratelimit="rate=often")
    assert err.value.errors == {"log_ratelimit": "invalid format - invalid value 'often' for rate"}


def test_datacenter_rules_and_security_groups_are_empty(pve: ProxmoxAPI) -> None:
    assert (pve.cluster.firewall.rules.get(), pve.cluster.firewall.groups.get()) == ([], [])


def test_datacenter_firewall_options_need_sys_modify(pve_readonly: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve_readonly.cluster.firewall.options.put(enable=1)
    assert err.value.status_code == 403


# --- host firewalls ------------------------------------------------------------------


def test_pve3_host_firewall_is_switched_off(pve: ProxmoxAPI) -> None:
    assert pve.nodes("pve3").firewall.options.get()["enable"] == 0


@pytest.mark.parametrize("node", ["pve1", "pve2"])
def test_other_host_firewalls_are_on_explicitly_or_by_default(pve: ProxmoxAPI, node: str) -> None:
    assert pve.nodes(node).firewall.options.get().get("enable", 1) == 1


def test_host_firewall_options_put_then_get(pve: ProxmoxAPI) -> None:
    pve.nodes("pve3").firewall.options.put(enable=1, nf_conntrack_max=65536)
    options = pve.nodes("pve3").firewall.options.get()
    assert (options["enable"], options["nf_conntrack_max"]) == (1, 65536)


def test_host_rules_allow_ssh_and_the_web_ui_from_the_management_network(
    pve: ProxmoxAPI,
) -> None:
    rules = pve.nodes("pve1").firewall.rules.get()
    assert [(r["pos"], r.get("macro") or r.get("dport"), r["source"]) for r in rules] == [
        (0, "SSH", "192.168.1.0/24"),
        (1, "8006", "192.168.1.0/24"),
    ]


# --- packages ------------------------------------------------------------------------


def test_apt_versions_list_the_core_packages(pve: ProxmoxAPI) -> None:
    packages = {p["Package"] for p in pve.nodes("pve1").apt.versions.get()}
    assert packages >= CORE_PACKAGES
    assert f"proxmox-kernel-{KERNEL}-signed" in packages


def test_apt_versions_match_the_node_version_and_kernel(pve: ProxmoxAPI) -> None:
    manager = _package(pve, "pve1", "pve-manager")
    ve = _package(pve, "pve1", "proxmox-ve")
    assert manager["OldVersion"] == pve.nodes("pve1").version.get()["version"] == PVE_VERSION
    assert manager["ManagerVersion"].startswith(f"{PVE_VERSION}/")
    assert ve["RunningKernel"] == KERNEL


@pytest.mark.parametrize("node", ["pve1", "pve2"])
def test_up_to_date_nodes_run_the_topology_qemu(pve: ProxmoxAPI, node: str) -> None:
    qemu = _package(pve, node, "pve-qemu-kvm")
    assert qemu["OldVersion"] == qemu["Version"] == f"{QEMU_VERSION}-7"


def test_pve3_lags_on_an_older_qemu_with_the_update_pending(pve: ProxmoxAPI) -> None:
    qemu = _package(pve, "pve3", "pve-qemu-kvm")
    assert (qemu["OldVersion"], qemu["Version"]) == ("9.0.2-4", f"{QEMU_VERSION}-7")


# --- users and API tokens ------------------------------------------------------------


def _tokens(pve: ProxmoxAPI) -> dict[str, dict[str, object]]:
    return {
        f"{user['userid']}!{token['tokenid']}": token
        for user in pve.access.users.get(full=1)
        for token in user["tokens"]
    }


def test_users_full_lists_every_token_with_privsep_and_expiry(pve: ProxmoxAPI) -> None:
    tokens = _tokens(pve)
    assert set(tokens) == {"root@pam!pxa", "auditor@pve!readonly"}
    assert all({"privsep", "expire"} <= set(t) for t in tokens.values())


def test_root_token_has_no_privilege_separation_and_never_expires(pve: ProxmoxAPI) -> None:
    token = _tokens(pve)["root@pam!pxa"]
    assert (token["privsep"], token["expire"], token["comment"]) == (0, 0, "pxa")


def test_auditor_token_is_separated_and_expires_in_the_future(pve: ProxmoxAPI) -> None:
    token = _tokens(pve)["auditor@pve!readonly"]
    assert token["privsep"] == 1 and int(str(token["expire"])) > time.time()


def test_users_without_full_carry_no_tokens(pve: ProxmoxAPI) -> None:
    users = pve.access.users.get()
    assert [u["userid"] for u in users] == ["auditor@pve", "root@pam"]
    assert all("tokens" not in u for u in users)


def test_user_token_list_and_one_token(pve: ProxmoxAPI) -> None:
    assert pve.access.users("root@pam").token.get() == [
        {"tokenid": "pxa", "expire": 0, "privsep": 0, "comment": "pxa"}
    ]
    assert pve.access.users("root@pam").token("pxa").get()["privsep"] == 0


def test_auditor_lists_its_own_tokens(pve_readonly: ProxmoxAPI) -> None:
    tokens = pve_readonly.access.users("auditor@pve").token.get()
    assert [t["tokenid"] for t in tokens] == ["readonly"]


def test_auditor_may_not_list_roots_tokens(pve_readonly: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve_readonly.access.users("root@pam").token.get()
    assert err.value.content == "Permission check failed (/access/users/root@pam, User.Modify)"


def test_tokens_of_an_unknown_user_fail(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.access.users("nobody@pve").token.get()
    assert err.value.content == "no such user ('nobody@pve')"


def test_an_unknown_token_fails(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        pve.access.users("root@pam").token("nosuch").get()
    assert err.value.content == "no such token 'nosuch' for user 'root@pam'"
