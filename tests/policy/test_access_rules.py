"""PXA-AC-001..006: keys not passwords, no secrets in config, scoped and expiring tokens."""

from __future__ import annotations

from datetime import datetime

from pxa.policy.view import CloudInitView, TokenView


def test_a_cloud_init_password_is_reported_masked(judge, guest_with) -> None:
    [finding] = judge("PXA-AC-001", guest_with(cloud_init__password_set=True))
    assert finding.evidence == "cipassword: **********"
    assert finding.severity == "high"


def test_the_views_cloud_init_line_is_the_evidence(judge, guest_with) -> None:
    ci = CloudInitView(user="root", password_set=True, ssh_keys=1, evidence="cipassword: ****")
    [finding] = judge("PXA-AC-001", guest_with(cloud_init=ci))
    assert finding.evidence == "cipassword: ****"


def test_cloud_init_with_keys_and_no_password_passes(judge, guest) -> None:
    assert judge("PXA-AC-001", guest) == []


def test_a_guest_without_cloud_init_has_no_password_finding(judge, guest_with) -> None:
    assert judge("PXA-AC-001", guest_with(cloud_init=None)) == []


def test_cloud_init_without_any_ssh_key_is_reported(judge, guest_with) -> None:
    [finding] = judge("PXA-AC-002", guest_with(cloud_init__ssh_keys=0))
    assert finding.evidence == "ciuser: admin, sshkeys: (none)"


def test_cloud_init_with_a_key_passes(judge, guest) -> None:
    assert judge("PXA-AC-002", guest) == []


def test_a_template_with_a_cloud_init_password_is_reported_as_a_template(judge, guest_with) -> None:
    template = guest_with(template=True, cloud_init__password_set=True)
    [finding] = judge("PXA-AC-003", template)
    assert finding.evidence == "template: 1, cipassword: **********"
    assert judge("PXA-AC-001", template) == []


def test_a_template_without_a_password_passes(judge, guest_with) -> None:
    assert judge("PXA-AC-003", guest_with(template=True)) == []


def test_literal_secrets_are_critical_and_named_by_key_never_by_value(judge, guest_with) -> None:
    leaky = guest_with(secrets_in_config=["description", "cicustom.password"])
    [finding] = judge("PXA-AC-004", leaky)
    assert finding.severity == "critical"
    assert finding.evidence == "literal secret in: cicustom.password, description"


def test_a_config_without_secrets_passes(judge, guest) -> None:
    assert judge("PXA-AC-004", guest) == []


def test_a_token_without_privilege_separation_is_reported_against_the_token(
    judge, cluster_with
) -> None:
    token = TokenView(id="root@pam!backup", privsep=False, expire=datetime(2030, 1, 1))
    [finding] = judge("PXA-AC-005", cluster=cluster_with(tokens=[token]))
    assert (finding.target, finding.evidence) == (
        "token/root@pam!backup",
        "root@pam!backup: privsep=0",
    )


def test_a_separated_token_passes(judge, cluster) -> None:
    assert judge("PXA-AC-005", cluster=cluster) == []


def test_a_token_whose_separation_is_unknown_is_not_reported(judge, cluster_with) -> None:
    token = TokenView(id="ops@pve!x", expire=datetime(2030, 1, 1))
    assert judge("PXA-AC-005", cluster=cluster_with(tokens=[token])) == []


def test_a_token_that_never_expires_is_low(judge, cluster_with) -> None:
    [finding] = judge("PXA-AC-006", cluster=cluster_with(tokens=[TokenView(id="ops@pve!ci")]))
    assert (finding.severity, finding.evidence) == ("low", "ops@pve!ci: expire=0")


def test_a_token_with_an_expiry_date_passes(judge, cluster) -> None:
    assert judge("PXA-AC-006", cluster=cluster) == []
