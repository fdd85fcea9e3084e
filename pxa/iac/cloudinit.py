"""Cloud-init for generated VMs: user-data as a Terraform template, network config, meta-data.

The user-data is a `.tftpl` file: Terraform's `templatefile()` fills in the SSH keys at
apply time from `var.ssh_public_keys`, so no key or password is written into the files.
Password login over SSH is always off; keys are the way in.
"""

from __future__ import annotations

import json

from pxa.iac.spec import VmSpec

# What a service is called as a package and as a systemd unit (Debian and Ubuntu names).
SERVICES: dict[str, tuple[str, str]] = {
    "nginx": ("nginx", "nginx"),
    "apache": ("apache2", "apache2"),
    "caddy": ("caddy", "caddy"),
    "postgresql": ("postgresql", "postgresql"),
    "mysql": ("default-mysql-server", "mysql"),
    "mariadb": ("mariadb-server", "mariadb"),
    "redis": ("redis-server", "redis-server"),
    "docker": ("docker.io", "docker"),
    "haproxy": ("haproxy", "haproxy"),
    "prometheus": ("prometheus", "prometheus"),
    "node-exporter": ("prometheus-node-exporter", "prometheus-node-exporter"),
    "grafana": ("grafana", "grafana-server"),
    "wireguard": ("wireguard", "wg-quick@wg0"),
    "fail2ban": ("fail2ban", "fail2ban"),
}
WEB_SERVERS = frozenset({"nginx", "apache", "caddy", "haproxy"})
DEFAULT_USERS = {"ubuntu": "ubuntu", "debian": "debian"}
KEYS_VARIABLE = "ssh_public_keys"
# Where user-data is stored: a snippet (bpg) or a cloud-init ISO (Telmate) on this storage.
USER_DATA_STORAGE = "local"
PASSWORD_VARIABLE = "vm_password"


def is_web_server(vm: VmSpec) -> bool:
    return any(service in WEB_SERVERS for service in vm.cloud_init.services)


def login_user(vm: VmSpec) -> str:
    if vm.cloud_init.user:
        return vm.cloud_init.user
    family = (vm.os or vm.template or "").split("-")[0]
    return DEFAULT_USERS.get(family, "admin")


def packages(vm: VmSpec) -> list[str]:
    ci = vm.cloud_init
    wanted = ["qemu-guest-agent"] if vm.agent else []
    wanted += [SERVICES[s][0] if s in SERVICES else s for s in ci.services]
    wanted += ci.packages
    if ci.auto_updates:
        wanted.append("unattended-upgrades")
    plugin = _certbot_plugin(vm)
    if ci.tls and is_web_server(vm) and ci.tls_domain and plugin != "caddy":
        wanted += ["certbot"] + ([f"python3-certbot-{plugin}"] if plugin != "standalone" else [])
    return list(dict.fromkeys(wanted))


def _yaml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML scalar


# nginx's default site behind a self-signed certificate, HTTP redirected to HTTPS. Written
# after the packages are installed (`defer`), so the package's own file does not win.
NGINX_TLS_SITE = """server {
    listen 80 default_server;
    listen [::]:80 default_server;
    return 301 https://$host$request_uri;
}

server {
    listen 443 ssl default_server;
    listen [::]:443 ssl default_server;
    server_name _;
    ssl_certificate /etc/ssl/certs/server.crt;
    ssl_certificate_key /etc/ssl/private/server.key;
    ssl_protocols TLSv1.2 TLSv1.3;
    root /var/www/html;
    index index.html index.nginx-debian.html;
    location / {
        try_files $uri $uri/ =404;
    }
}
"""


def _certbot_plugin(vm: VmSpec) -> str:
    services = vm.cloud_init.services
    if "nginx" in services:
        return "nginx"
    if "apache" in services:
        return "apache"
    return "caddy" if "caddy" in services else "standalone"


def _self_signed(vm: VmSpec) -> bool:
    ci = vm.cloud_init
    return bool(ci.tls and is_web_server(vm) and not ci.tls_domain)


def _tls_commands(vm: VmSpec) -> list[str]:
    ci = vm.cloud_init
    if not (ci.tls and is_web_server(vm)):
        return []
    if ci.tls_domain:
        plugin = _certbot_plugin(vm)
        if plugin == "caddy":
            return []  # Caddy obtains and renews its certificate by itself
        return [
            f"certbot --{plugin} --non-interactive --agree-tos -m admin@{ci.tls_domain} "
            f"-d {ci.tls_domain}" + (" --redirect" if plugin != "standalone" else "")
        ]
    # No domain to certify: a self-signed certificate until one is named.
    commands = [
        "install -d -m 0700 /etc/ssl/private",
        "openssl req -x509 -nodes -newkey rsa:3072 -days 365 -subj /CN=$(hostname -f) "
        "-keyout /etc/ssl/private/server.key -out /etc/ssl/certs/server.crt",
    ]
    if "nginx" in ci.services:
        commands.append("systemctl restart nginx")
    return commands


def _write_files(vm: VmSpec) -> list[str]:
    if not (_self_signed(vm) and "nginx" in vm.cloud_init.services):
        return []
    lines = ["write_files:", "  - path: /etc/nginx/sites-available/default", "    defer: true"]
    lines.append("    content: |")
    lines += [f"      {line}" if line else "" for line in NGINX_TLS_SITE.splitlines()]
    return lines


def user_data_template(vm: VmSpec) -> str:
    """The `.tftpl` Terraform fills in: keys (and a password only if the spec insists)."""
    ci = vm.cloud_init
    lines = [
        "#cloud-config",
        f"hostname: {vm.name}",
        "users:",
        f"  - name: {login_user(vm)}",
        "    groups: [sudo]",
        "    shell: /bin/bash",
        '    sudo: "ALL=(ALL) NOPASSWD:ALL"',
        f"    lock_passwd: {'false' if ci.password else 'true'}",
        f"    ssh_authorized_keys: ${{jsonencode({KEYS_VARIABLE})}}",
    ]
    if ci.password:
        lines.append(f"    plain_text_passwd: ${{jsonencode({PASSWORD_VARIABLE})}}")
    lines += ["ssh_pwauth: false", "disable_root: true", "package_update: true"]
    if ci.auto_updates:
        lines.append("package_upgrade: true")
    wanted = packages(vm)
    if wanted:
        lines.append("packages:")
        lines += [f"  - {_yaml_str(p)}" for p in wanted]
    lines += _write_files(vm)
    units = (["qemu-guest-agent"] if vm.agent else []) + [
        SERVICES[s][1] if s in SERVICES else s for s in ci.services
    ]
    commands = [f"systemctl enable --now {unit}" for unit in units]
    if ci.auto_updates:
        commands.append("systemctl enable --now unattended-upgrades")
    commands += _tls_commands(vm)  # after the services: nginx restarts with its certificate
    if commands:
        lines.append("runcmd:")
        lines += [f"  - {_yaml_str(c)}" for c in commands]
    return "\n".join(lines).replace("%{", "%%{") + "\n"


def meta_data(vm: VmSpec) -> str:
    return f"instance-id: {vm.name}\nlocal-hostname: {vm.name}\n"


def network_config(vm: VmSpec) -> str:
    """Netplan v2 for a cloud-init disk (Telmate): PVE's virtio NICs net0, net1 … appear
    in the guest as ens18, ens19 …"""
    lines = ["version: 2", "ethernets:"]
    for index, nic in enumerate(vm.nics):
        lines.append(f"  ens{18 + index}:")
        if nic.ipv4 == "dhcp":
            lines.append("    dhcp4: true")
        else:
            lines.append(f"    addresses: [{nic.ipv4}]")
            if nic.gateway:
                lines.append(f"    routes: [{{to: default, via: {nic.gateway}}}]")
    return "\n".join(lines) + "\n"


def user_data_path(vm: VmSpec) -> str:
    return f"cloud-init/{vm.name}.yaml.tftpl"
