"""Twenty-odd prompts through the offline parser, grounded, rendered for both providers,
and checked by the validator: every one must score 100 and parse as HCL."""

from __future__ import annotations

import hcl2
import pytest

from pxa.iac.ground import ClusterFacts, ground
from pxa.iac.parse import parse
from pxa.iac.render import render
from pxa.iac.spec import InfraSpec, load_spec
from pxa.iac.validate import validate

PROMPTS = [
    "Create a secure web server VM with Nginx, SSL certificate, and firewall rules",
    "3 web servers and a postgres database on ubuntu 24.04 in vlan 20",
    "a debian 12 vm with 2 cpus, 4gb ram and 50gb disk on pve3",
    "a small ubuntu 22.04 server with static ip 192.168.10.50/24 gateway 192.168.10.1",
    "two redis cache servers with 8 GB RAM for staging",
    "a mysql database with 4 cores, 16gb memory and 200 GB disk, daily backups at 03:30",
    "kubernetes cluster of 3 nodes with 4 cores and 8gb ram each in vlan 50",
    "a wireguard vpn gateway",
    "a haproxy load balancer with https for www.example.com",
    "a monitoring server with prometheus and grafana, ssh from 10.0.0.0/8",
    "a docker host with 8 cores and 32gb ram named builder",
    "a gitlab ci runner on pve2",
    "an app server that opens port 8080 from 192.168.10.0/24",
    "a web server without tls on debian 12",
    "a vm with ssh key ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPPoIghuyqAHWmn8F4uo+DcYqo8 me@laptop",
    "a dev vm without backups and without firewall",
    "a mail server for mail.example.org with 2 cores",
    "4 app servers with 2 vcpus and 4096 mb ram behind a load balancer",
    "a postgres database with deletion protection on storage local-lvm",
    "an apache web server with ssl on bridge vmbr1 on pve1",
    "a vm with install git, curl and htop and weekly backups",
    "a database named orders-db in the production environment with 8 cores",
    "a test vm with a password hunter22 and no automatic updates",
    "a web server with ssh from anywhere",
]


def spec_for(prompt: str, facts: ClusterFacts) -> InfraSpec:
    parsed = parse(prompt, environment="production")
    assert parsed.vm_intent, parsed
    grounded = ground(load_spec(parsed.draft), facts)
    assert not grounded.problems, grounded.problems
    return grounded.spec


@pytest.mark.parametrize("provider", ["bpg", "telmate"])
@pytest.mark.parametrize("prompt", PROMPTS)
def test_prompt_renders_code_the_provider_schema_accepts(
    prompt: str, provider: str, facts: ClusterFacts
) -> None:
    files = render(spec_for(prompt, facts), provider)  # type: ignore[arg-type]
    report = validate(files, provider)
    assert report.score == 100, report.explanation
    for name, text in files.items():
        if name.endswith(".tf"):
            assert isinstance(hcl2.loads(text), dict)


def test_parser_reads_sizes_os_node_and_network(facts: ClusterFacts) -> None:
    spec = spec_for(
        "a debian 12 vm with 2 cpus, 4gb ram and 50gb disk on pve3 with static ip "
        "192.168.30.10/24 in vlan 30",
        facts,
    )
    (vm,) = spec.vms
    assert (vm.cores, vm.memory_mb, vm.disks[0].size_gb) == (2, 4096, 50)
    assert (vm.node, vm.template, vm.template_vm_id) == ("pve3", "debian-12", 9002)
    assert (vm.nics[0].ipv4, vm.nics[0].gateway, vm.nics[0].vlan_id) == (
        "192.168.30.10/24",
        "192.168.30.1",
        30,
    )


def test_parser_counts_groups_and_names_them_by_role(facts: ClusterFacts) -> None:
    spec = spec_for("3 web servers and a postgres database on ubuntu 24.04", facts)
    assert [vm.name for vm in spec.vms] == ["web-01", "web-02", "web-03", "db-02"]
    assert spec.vms[3].cloud_init.services == ["postgresql"]


def test_grounding_picks_free_vm_ids(facts: ClusterFacts) -> None:
    spec = spec_for("two web servers", facts)
    assert [vm.vm_id for vm in spec.vms] == [104, 105]


def test_parser_names_what_it_did_not_understand() -> None:
    parsed = parse("a web server with a flux capacitor")
    assert parsed.vm_intent
    assert parsed.unresolved == ["flux", "capacitor"]


def test_nonsense_has_no_vm_intent() -> None:
    parsed = parse("purple monkey dishwasher")
    assert not parsed.vm_intent
    assert parsed.unresolved == ["purple", "monkey", "dishwasher"]


def test_secure_defaults_fill_what_the_prompt_leaves_out(facts: ClusterFacts) -> None:
    (vm,) = spec_for("a web server", facts).vms
    assert vm.firewall.enabled and vm.firewall.policy_in == "DROP"
    assert [(r.port, r.source) for r in vm.firewall.rules] == [("22", "admin"), ("80,443", None)]
    assert vm.cloud_init.tls is True and vm.agent is True


def test_the_contexts_environment_becomes_a_lower_case_tag(facts: ClusterFacts) -> None:
    spec = ground(load_spec(parse("a vm", environment="Production").draft), facts).spec
    assert spec.environment == "production" and spec.vms[0].tags == ["production"]
    assert spec.vms[0].protection is True  # production VMs are protected by default


def test_user_data_needs_snippets_on_local(facts: ClusterFacts) -> None:
    local = next(s for s in facts.storages if s.id == "local")
    local.content = ["backup", "iso"]
    grounded = ground(load_spec(parse("a web server").draft), facts)
    assert [p.field for p in grounded.problems] == ["spec.vms[0].cloud_init"]
