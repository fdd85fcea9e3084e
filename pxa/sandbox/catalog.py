"""The lab's cast: templates, VMs, containers and their deliberate quirks.

Names, roles and sizes are fixed here; the seed draws placement, power state,
addresses, MACs and the other details in `lab.py`. The quirks (an SSH rule open
to the world, a production database without a firewall, ...) are fixed by name so
a later security scan always has the same findings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

GUEST_OS: dict[str, dict[str, str]] = {
    "ubuntu-22.04": {
        "id": "ubuntu",
        "name": "Ubuntu",
        "version-id": "22.04",
        "pretty-name": "Ubuntu 22.04.5 LTS",
        "version": "22.04.5 LTS (Jammy Jellyfish)",
        "kernel-release": "5.15.0-131-generic",
        "kernel-version": "#141-Ubuntu SMP Fri Jan 10 21:18:28 UTC 2025",
        "user": "ubuntu",
    },
    "ubuntu-24.04": {
        "id": "ubuntu",
        "name": "Ubuntu",
        "version-id": "24.04",
        "pretty-name": "Ubuntu 24.04.2 LTS",
        "version": "24.04.2 LTS (Noble Numbat)",
        "kernel-release": "6.8.0-55-generic",
        "kernel-version": "#57-Ubuntu SMP PREEMPT_DYNAMIC Wed Feb 12 23:42:21 UTC 2025",
        "user": "ubuntu",
    },
    "debian-12": {
        "id": "debian",
        "name": "Debian GNU/Linux",
        "version-id": "12",
        "pretty-name": "Debian GNU/Linux 12 (bookworm)",
        "version": "12 (bookworm)",
        "kernel-release": "6.1.0-31-amd64",
        "kernel-version": "#1 SMP PREEMPT_DYNAMIC Debian 6.1.128-1 (2025-02-07)",
        "user": "debian",
    },
}


@dataclass(frozen=True)
class TemplateSpec:
    vmid: int
    name: str
    os: str
    node: str
    description: str


TEMPLATES = (
    TemplateSpec(
        9000,
        "ubuntu-22.04",
        "ubuntu-22.04",
        "pve1",
        "Ubuntu 22.04 LTS (jammy) cloud image\nbuilt from jammy-server-cloudimg-amd64.img",
    ),
    TemplateSpec(
        9001,
        "ubuntu-24.04",
        "ubuntu-24.04",
        "pve2",
        "Ubuntu 24.04 LTS (noble) cloud image\nbuilt from noble-server-cloudimg-amd64.img",
    ),
    TemplateSpec(
        9002, "debian-12", "debian-12", "pve3", "Debian 12 (bookworm) generic cloud image"
    ),
)


@dataclass(frozen=True)
class VmSpec:
    name: str
    env: str  # production | staging | development
    roles: tuple[str, ...]
    profile: str
    cores: int
    memory: int  # MiB
    disk: int  # GiB
    os: str = "ubuntu-22.04"
    extra_disk: int = 0  # GiB, a second data disk
    nics: int = 1
    description: str | None = None
    quirks: dict[str, Any] = field(default_factory=dict)


def _v(
    name: str, env: str, roles: str, profile: str, cores: int, memory: int, disk: int, **kw: Any
) -> VmSpec:
    return VmSpec(name, env, tuple(roles.split(",")), profile, cores, memory, disk, **kw)


SSH_ANYWHERE = {
    "action": "ACCEPT",
    "type": "in",
    "proto": "tcp",
    "dport": "22",
    "source": "0.0.0.0/0",
    "enable": 1,
    "comment": "temporary ssh access",
}

VMS: tuple[VmSpec, ...] = (
    _v(
        "web-server-01",
        "production",
        "web,nginx",
        "web",
        2,
        4096,
        32,
        description="Public web frontend (nginx)\nOwner: web team",
        quirks={"firewall": "web-open-ssh"},
    ),
    _v("web-server-02", "production", "web,nginx", "web", 2, 4096, 32, quirks={"firewall": "web"}),
    _v("web-server-03", "staging", "web,nginx", "web", 2, 2048, 32, os="ubuntu-24.04"),
    _v(
        "app-server-01",
        "production",
        "app,java",
        "app",
        4,
        8192,
        48,
        description="Order service (Spring Boot)",
        quirks={"snapshots": "app"},
    ),
    _v("app-server-02", "production", "app,java", "app", 4, 8192, 48),
    _v("app-server-03", "staging", "app,java", "app", 2, 4096, 48, os="ubuntu-24.04"),
    _v(
        "db-01",
        "production",
        "database,postgres",
        "db",
        8,
        32768,
        64,
        extra_disk=200,
        description="PostgreSQL 16 primary\nBackups: nightly vzdump + WAL archiving",
        quirks={"firewall": "db", "protection": 1, "snapshots": "db"},
    ),
    _v(
        "db-02",
        "production",
        "database,postgres",
        "db",
        8,
        32768,
        64,
        extra_disk=200,
        description="PostgreSQL 16 replica",
        quirks={"firewall": "off", "protection": 1},
    ),
    _v("db-03", "development", "database,mysql", "db", 2, 4096, 32, os="debian-12"),
    _v("cache-01", "production", "cache,redis", "cache", 2, 8192, 16),
    _v("cache-02", "staging", "cache,redis", "cache", 2, 4096, 16, quirks={"power": "paused"}),
    _v(
        "lb-01",
        "production",
        "haproxy,loadbalancer",
        "lb",
        2,
        2048,
        16,
        nics=2,
        quirks={"firewall": "accept-all", "protection": 1},
    ),
    _v("lb-02", "production", "haproxy,loadbalancer", "lb", 2, 2048, 16, nics=2),
    _v(
        "ci-runner-01",
        "development",
        "ci,gitlab-runner",
        "ci",
        4,
        8192,
        64,
        quirks={"cipassword": True},
    ),
    _v(
        "ci-runner-02",
        "development",
        "ci,gitlab-runner",
        "ci",
        4,
        8192,
        64,
        quirks={"agent_ready": False, "power": "running"},
    ),
    _v(
        "monitoring-01",
        "production",
        "monitoring,prometheus",
        "monitoring",
        4,
        8192,
        128,
        os="debian-12",
        description="Prometheus + Grafana",
        quirks={"firewall": "off"},
    ),
    _v(
        "k8s-master-01",
        "production",
        "k8s,control-plane",
        "k8s",
        4,
        8192,
        48,
        os="ubuntu-24.04",
        quirks={"snapshots": "k8s"},
    ),
    _v("k8s-worker-01", "production", "k8s,worker", "k8s", 8, 16384, 96, os="ubuntu-24.04", nics=2),
    _v("k8s-worker-02", "production", "k8s,worker", "k8s", 8, 16384, 96, os="ubuntu-24.04", nics=2),
    _v("k8s-worker-03", "staging", "k8s,worker", "k8s", 4, 8192, 96, os="ubuntu-24.04"),
    _v(
        "mail-01",
        "production",
        "mail,postfix",
        "mail",
        2,
        4096,
        64,
        os="debian-12",
        quirks={"agent": 0},
    ),
    _v(
        "vpn-gateway-01",
        "production",
        "vpn,wireguard",
        "vpn",
        1,
        1024,
        8,
        os="debian-12",
        quirks={"firewall": "vpn"},
    ),
    _v(
        "dev-sandbox-01",
        "development",
        "dev,sandbox",
        "dev",
        2,
        4096,
        32,
        quirks={"cipassword": True, "no_sshkeys": True, "power": "paused"},
    ),
    _v(
        "backup-01",
        "production",
        "backup,restic",
        "backup",
        2,
        4096,
        500,
        os="debian-12",
        quirks={"power": "stopped"},
    ),
)

# Extra VMs beyond the catalogue (vms=N) cycle through these name stems.
STEMS: tuple[tuple[str, str, str, int, int, int], ...] = (
    ("web-server", "web,nginx", "web", 2, 4096, 32),
    ("app-server", "app,java", "app", 4, 8192, 48),
    ("db", "database,postgres", "db", 4, 16384, 64),
    ("cache", "cache,redis", "cache", 2, 4096, 16),
    ("worker", "queue,worker", "app", 2, 4096, 32),
    ("k8s-worker", "k8s,worker", "k8s", 8, 16384, 96),
    ("ci-runner", "ci,gitlab-runner", "ci", 4, 8192, 64),
    ("api-gateway", "api,gateway", "web", 2, 4096, 32),
)

FIREWALLS: dict[str, dict[str, Any]] = {
    "web-open-ssh": {
        "options": {"enable": 1, "policy_in": "DROP"},
        "rules": [
            SSH_ANYWHERE,
            {"action": "ACCEPT", "type": "in", "macro": "HTTPS", "enable": 1},
            {"action": "ACCEPT", "type": "in", "macro": "HTTP", "enable": 1},
        ],
    },
    "web": {
        "options": {"enable": 1, "policy_in": "DROP"},
        "rules": [
            {
                "action": "ACCEPT",
                "type": "in",
                "proto": "tcp",
                "dport": "22",
                "source": "192.168.1.0/24",
                "enable": 1,
                "comment": "ssh from mgmt",
            },
            {"action": "ACCEPT", "type": "in", "macro": "HTTPS", "enable": 1},
        ],
    },
    "db": {
        "options": {"enable": 1, "policy_in": "DROP"},
        "rules": [
            {
                "action": "ACCEPT",
                "type": "in",
                "proto": "tcp",
                "dport": "5432",
                "source": "192.168.20.0/24",
                "enable": 1,
                "comment": "app tier",
            }
        ],
    },
    "accept-all": {"options": {"enable": 1, "policy_in": "ACCEPT"}, "rules": []},
    "vpn": {
        "options": {"enable": 1, "policy_in": "DROP"},
        "rules": [
            {
                "action": "ACCEPT",
                "type": "in",
                "proto": "udp",
                "dport": "51820",
                "enable": 1,
                "comment": "wireguard",
            }
        ],
    },
    "off": {"options": {"enable": 0}, "rules": []},
}

# (name, node, vmid, power, tags, memory MiB, disk GiB, ostype)
CONTAINERS = (
    ("dns-01", "pve1", 200, "running", "infra;production", 512, 8, "debian"),
    ("proxy-01", "pve2", 201, "running", "production;proxy", 1024, 8, "debian"),
    ("pihole-01", "pve3", 202, "stopped", "development;dns", 512, 4, "debian"),
)
