"""Cloud-init user-data for generated VMs: keys not passwords, services, TLS."""

from __future__ import annotations

import re
from typing import Any

import yaml

from pxa.iac.cloudinit import user_data_template
from pxa.iac.spec import CloudInitSpec, VmSpec


def user_data(**cloud_init: Any) -> dict[str, Any]:
    vm = VmSpec(name="web-01", os="ubuntu-24.04", cloud_init=CloudInitSpec(**cloud_init))
    text = user_data_template(vm)
    assert text.startswith("#cloud-config\n")
    # Terraform fills ${…} at apply time; for YAML's sake stand a list in for it.
    return yaml.safe_load(re.sub(r"\$\{[^}]*\}", "[]", text))  # type: ignore[no-any-return]


def test_login_is_by_key_from_the_variable_and_never_by_password() -> None:
    data = user_data()
    user = data["users"][0]
    assert user["name"] == "ubuntu" and user["lock_passwd"] is True
    assert data["ssh_pwauth"] is False and data["disable_root"] is True
    assert "jsonencode(ssh_public_keys)" in user_data_template(VmSpec(name="a"))


def test_a_password_comes_from_a_sensitive_variable_not_the_file() -> None:
    text = user_data_template(VmSpec(name="a", cloud_init=CloudInitSpec(password="hunter22")))
    assert "hunter22" not in text and "jsonencode(vm_password)" in text


def test_services_are_installed_and_enabled_with_the_agent_and_updates() -> None:
    data = user_data(services=["nginx", "postgresql"])
    assert {"qemu-guest-agent", "nginx", "postgresql", "unattended-upgrades"} <= set(
        data["packages"]
    )
    assert "systemctl enable --now postgresql" in data["runcmd"]


def test_tls_without_a_domain_serves_nginx_with_a_self_signed_certificate() -> None:
    data = user_data(services=["nginx"], tls=True)
    (site,) = data["write_files"]
    assert site["defer"] is True and "listen 443 ssl" in site["content"]
    assert "return 301 https://$host$request_uri;" in site["content"]
    assert data["runcmd"][-1] == "systemctl restart nginx"


def test_tls_with_a_domain_asks_certbot() -> None:
    data = user_data(services=["nginx"], tls=True, tls_domain="shop.example.com")
    assert "python3-certbot-nginx" in data["packages"]
    assert any(c.startswith("certbot --nginx") and "shop.example.com" in c for c in data["runcmd"])
