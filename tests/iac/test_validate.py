"""The validator checks HCL against the provider's schema and explains its score."""

from __future__ import annotations

from pxa.iac.validate import PENALTIES, validate

REQUIRED = """
terraform {
  required_providers {
    proxmox = { source = "bpg/proxmox", version = "~> 0.111" }
  }
}
"""


def check(body: str, provider: str = "bpg") -> list[tuple[str, str]]:
    report = validate({"providers.tf": REQUIRED, "main.tf": body}, provider)
    return [(p.kind, p.path) for p in report.problems]


def test_a_clean_module_scores_100_and_says_what_it_checked() -> None:
    report = validate(
        {
            "providers.tf": REQUIRED,
            "main.tf": 'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "pve1"\n}\n',
        },
        "bpg",
    )
    assert report.score == 100 and report.passed
    assert "bpg/proxmox 0.111.1" in report.explanation and "no problems" in report.explanation


def test_an_unknown_resource_type_is_named() -> None:
    assert check('resource "proxmox_nope" "a" {}') == [("unknown_type", "resource.proxmox_nope.a")]


def test_an_unknown_attribute_is_named() -> None:
    problems = check('resource "proxmox_vm_qemu" "a" {\n  bogus = 1\n}', "telmate")
    assert ("unknown_attribute", "resource.proxmox_vm_qemu.a.bogus") in problems


def test_an_unknown_nested_block_is_named() -> None:
    body = 'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "x"\n  nope {\n  }\n}'
    assert check(body) == [("unknown_block", "resource.proxmox_virtual_environment_vm.a.nope")]


def test_a_missing_required_attribute_is_named() -> None:
    body = 'resource "proxmox_virtual_environment_vm" "a" {\n  name = "x"\n}'
    assert check(body) == [
        ("missing_required", "resource.proxmox_virtual_environment_vm.a.node_name")
    ]


def test_a_literal_of_the_wrong_type_is_named() -> None:
    body = (
        'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "x"\n'
        '  cpu {\n    cores = "two"\n  }\n}'
    )
    assert check(body) == [("wrong_type", "resource.proxmox_virtual_environment_vm.a.cpu[0].cores")]


def test_too_many_single_blocks_and_computed_attributes_are_named() -> None:
    body = (
        'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "x"\n'
        "  ipv4_addresses = []\n  cpu {\n  }\n  cpu {\n  }\n}"
    )
    assert set(check(body)) == {
        ("computed_only", "resource.proxmox_virtual_environment_vm.a.ipv4_addresses"),
        ("too_many_blocks", "resource.proxmox_virtual_environment_vm.a.cpu"),
    }


def test_a_literal_credential_is_an_inline_secret() -> None:
    problems = check('provider "proxmox" {\n  api_token = "root@pam!t=0123456789abcdef"\n}')
    assert problems == [("inline_secret", "provider.proxmox.api_token")]


def test_an_undeclared_variable_is_named() -> None:
    body = 'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = var.node\n}'
    assert check(body) == [("undeclared_variable", "var.node")]


def test_a_file_that_does_not_parse_scores_zero() -> None:
    report = validate({"providers.tf": REQUIRED, "main.tf": 'resource "x" {'}, "bpg")
    assert report.score == 0 and report.problems[0].kind == "parse_error"


def test_the_score_subtracts_each_problems_penalty() -> None:
    body = 'resource "proxmox_virtual_environment_vm" "a" {\n  bogus = 1\n}'
    report = validate({"providers.tf": REQUIRED, "main.tf": body}, "bpg")
    expected = 100 - PENALTIES["unknown_attribute"] - PENALTIES["missing_required"]
    assert report.score == expected
    assert "bogus is not an attribute (-10)" in report.explanation


def test_the_wrong_provider_source_is_named() -> None:
    report = validate({"providers.tf": REQUIRED}, "telmate")
    assert [p.path for p in report.problems] == ["terraform.required_providers.proxmox.source"]


def test_text_in_a_string_is_data_but_its_interpolations_are_checked() -> None:
    literal = (
        'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "x"\n'
        '  description = "mentions var.nope and proxmox_x.y; escaped $${var.z}"\n}'
    )
    assert check(literal) == []
    interpolated = 'resource "proxmox_virtual_environment_vm" "a" {\n  node_name = "${var.n}"\n}'
    assert check(interpolated) == [("undeclared_variable", "var.n")]
