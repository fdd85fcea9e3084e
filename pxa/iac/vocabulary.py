"""The words the offline parser knows: roles, sizes' units, environments, OS names.

Data only; `parse.py` holds the rules that use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_VMS = 50  # InfraSpec.vms max_length
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "twelve": 12, "zero": 0, "a": 1, "an": 1,
    "single": 1, "couple": 2, "pair": 2,
}  # fmt: skip


@dataclass(frozen=True)
class Role:
    name: str  # name prefix: web → web-01
    keywords: tuple[str, ...]
    services: tuple[str, ...] = ()
    cores: int = 2
    memory_mb: int = 2048
    disk_gb: int = 20
    public_ports: str | None = None  # open to anywhere
    private_ports: str | None = None  # open to the admin network
    udp_ports: str | None = None


ROLES = (
    Role("web", ("web", "nginx", "website", "frontend", "apache", "caddy", "http"),
         ("nginx",), 2, 2048, 20, public_ports="80,443"),
    Role("lb", ("load balancer", "loadbalancer", "haproxy", "lb"),
         ("haproxy",), 2, 2048, 20, public_ports="80,443"),
    Role("db", ("database", "postgres", "postgresql", "mysql", "mariadb", "db"),
         ("postgresql",), 4, 8192, 50, private_ports="5432"),
    Role("cache", ("redis", "cache"), ("redis",), 2, 4096, 20, private_ports="6379"),
    Role("k8s", ("kubernetes", "k8s", "k3s"), (), 4, 8192, 50, private_ports="6443"),
    Role("docker", ("docker host", "docker"), ("docker",), 4, 8192, 50),
    Role("monitoring", ("monitoring", "prometheus", "grafana"),
         ("prometheus", "grafana"), 2, 4096, 50, private_ports="3000,9090"),
    Role("vpn", ("vpn", "wireguard"), ("wireguard",), 1, 1024, 10, udp_ports="51820"),
    Role("ci", ("ci runner", "runner", "ci", "jenkins", "gitlab"), ("docker",), 4, 8192, 50),
    Role("mail", ("mail", "smtp", "postfix"), (), 2, 4096, 30, public_ports="25,465,587"),
    Role("app", ("app", "application", "backend", "api"), (), 2, 4096, 30,
         private_ports="8080"),
    Role("vm", ("vm", "server", "machine", "instance", "host", "box"), ()),
)  # fmt: skip
DB_FLAVOURS = {"mysql": ("mysql", "3306"), "mariadb": ("mariadb", "3306")}
WEB_FLAVOURS = {"apache": "apache", "caddy": "caddy"}
NOUNS = (
    r"virtual machines?|vms?|servers?|machines?|instances?|hosts?|boxes|nodes?|workers?|"
    r"databases?|dbs?|runners?|clusters?|balancers?|gateways?"
)
GROUP = re.compile(
    r"\b(?P<count>-?\d+|zero|one|two|three|four|five|six|seven|eight|nine|ten|twelve|an?|single"
    r"|couple of|pair of)\s+(?P<desc>(?:[a-z0-9./-]+\s+){0,4}?)(?P<noun>" + NOUNS + r")\b"
)
ENVIRONMENTS = {
    "production": "production", "prod": "production", "staging": "staging",
    "stage": "staging", "development": "development", "dev": "development",
    "test": "test", "testing": "test", "qa": "test",
}  # fmt: skip
OS_PATTERNS = (
    (r"ubuntu\s*24(?:\.04)?|noble", "ubuntu-24.04"),
    (r"ubuntu\s*22(?:\.04)?|jammy", "ubuntu-22.04"),
    (r"ubuntu\s*20(?:\.04)?|focal", "ubuntu-20.04"),
    (r"debian\s*12|bookworm", "debian-12"),
    (r"debian\s*11|bullseye", "debian-11"),
    (r"debian\s*13|trixie", "debian-13"),
    (r"\bubuntu\b", "ubuntu"),
    (r"\bdebian\b", "debian"),
    (r"rocky(?:\s*linux)?\s*(\d+)?|almalinux|centos|rhel|red hat", "rhel"),
    (r"windows(?:\s*server)?(?:\s*\d+)?", "windows"),
    (r"\bfedora\b", "fedora"),
    (r"\balpine\b", "alpine"),
)
KNOWN_PACKAGES = (
    "git", "curl", "htop", "vim", "jq", "tmux", "python3", "nodejs", "golang", "fail2ban",
    "ufw", "certbot", "rsync", "wget", "zsh", "make", "build-essential", "openjdk-17-jre",
    "java", "php", "php-fpm", "node-exporter",
)  # fmt: skip
_WORDS = (  # a word list reads better as text
    """a an the and or with without for to of on in at by from each per every all me us
    please create make build set setup set-up up deploy provision spin give i we want need
    would like some new that which it its their them is are be should can will using use
    via into as also plus running run runs called named name behind both two three four
    five six seven eight nine ten one zero couple pair single only just secure securely
    hardened basic simple small large medium big tiny my our this these those default
    standard ready proper properly configured configure enabled enable include includes
    including inbound outbound allow allowed open opens access rules rule firewall
    ssl tls https certificate certificates cert let's encrypt letsencrypt gb mb tb gib mib
    ram memory disk disks storage cpu cpus cores core vcpu vcpus vcores static ip ips
    address addresses dhcp gateway gw vlan bridge node nodes network networks port ports
    ssh key keys password login backup backups daily nightly weekly hourly environment
    env server servers vm vms machine machines instance instances host hosts template
    templates os image linux lts virtual tag tags tagged agent guest qemu
    protection protected deletion updates automatic auto security unattended upgrades
    install installed packages package service services anywhere everywhere internet
    public private admin administrators management cluster clusters traffic only http"""
)
STOPWORDS = frozenset(_WORDS.split())
