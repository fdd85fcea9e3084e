"""The offline prompt parser: common requests → a spec draft, deterministically.

It finds the VMs asked for ("3 web servers and a postgres database"), their sizes,
OS, node, network, SSH access, open ports, services, TLS, backups and environment.
Secure defaults fill what the prompt leaves out (firewall on with inbound DROP, SSH
only from the admin network, keys not passwords, guest agent, daily backups, TLS for
web servers). Words it could not place are returned as `unresolved`, never guessed at.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

from pxa.iac.vocabulary import (
    DB_FLAVOURS,
    ENVIRONMENTS,
    GROUP,
    KNOWN_PACKAGES,
    MAX_VMS,
    NOUNS,
    NUMBER_WORDS,
    OS_PATTERNS,
    ROLES,
    STOPWORDS,
    WEB_FLAVOURS,
    Role,
)


@dataclass
class ParsedPrompt:
    draft: dict[str, Any]
    understood: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    vm_intent: bool = True


def _number(word: str) -> int:
    word = word.strip().lower()
    if re.fullmatch(r"-?\d+", word):
        return int(word)
    return NUMBER_WORDS.get(word.split()[0], 1)


def _role_of(text: str) -> Role:
    for role in ROLES:
        for keyword in role.keywords:
            if re.search(rf"\b{re.escape(keyword)}s?\b", text):
                return role
    return ROLES[-1]


def _memory_mb(amount: str, unit: str) -> int:
    value = float(amount)
    unit = unit.lower()
    if unit.startswith("t"):
        return int(value * 1024 * 1024)
    if unit.startswith("g"):
        return int(value * 1024)
    return int(value)


def _disk_gb(amount: str, unit: str) -> int:
    value = float(amount)
    return int(value * 1024) if unit.lower().startswith("t") else int(value)


class _Parser:
    def __init__(self, prompt: str) -> None:
        self.original = prompt
        self.text = " ".join(prompt.lower().split())
        self.used: list[tuple[int, int]] = []
        self.understood: list[str] = []

    def find(self, pattern: str, text: str | None = None, offset: int = 0) -> re.Match[str] | None:
        match = re.search(pattern, text if text is not None else self.text)
        if match:
            self.used.append((match.start() + offset, match.end() + offset))
        return match

    def note(self, what: str) -> None:
        if what not in self.understood:
            self.understood.append(what)

    # --- attributes found in a span, else in the whole prompt --------------------------
    def attr(self, pattern: str, span: str, offset: int) -> re.Match[str] | None:
        return self.find(pattern, span, offset) or self.find(pattern)

    def parse(self, environment: str | None) -> ParsedPrompt:
        text = self.text
        groups = list(GROUP.finditer(text))
        groups = [g for g in groups if not re.match(r"\d+\s*(gb|mb|tb|g|m)\b", g.group(0))]
        vm_intent = bool(groups) or bool(
            re.search(r"\b(" + NOUNS + r"|web|nginx|postgres|redis|kubernetes|k8s)\b", text)
        )
        spans: list[tuple[int, str, int]] = []  # (count, span text, offset)
        if groups:
            for i, g in enumerate(groups):
                end = groups[i + 1].start() if i + 1 < len(groups) else len(text)
                spans.append((_number(g.group("count")), text[g.start() : end], g.start()))
                self.used.append((g.start(), g.end()))
        else:
            spans.append((1, text, 0))
        env = self._environment(environment)
        draft: dict[str, Any] = {"vms": [], "environment": env}
        self._network_wide(draft)
        taken: set[str] = set()
        for count, span, offset in spans:
            role = _role_of(span)
            for vm in self._vms(role, count, span, offset, env, taken):
                draft["vms"].append(vm)
        self._backup(draft, env)
        return ParsedPrompt(
            draft=draft,
            understood=self.understood,
            unresolved=self._unresolved(),
            vm_intent=vm_intent,
        )

    def _environment(self, given: str | None) -> str | None:
        match = self.find(r"\b(" + "|".join(ENVIRONMENTS) + r")\b")
        if match:
            env = ENVIRONMENTS[match.group(1)]
            self.note(f"environment {env}")
            return env
        if not given:
            return None
        # The request's context may say "Production" or "QA env": tags want lower-case words.
        slug = re.sub(r"[^a-z0-9_.-]+", "-", given.strip().lower()).strip("-.")
        return ENVIRONMENTS.get(slug, slug or None)

    def _network_wide(self, draft: dict[str, Any]) -> None:
        admin = self.find(r"(?:admin|management)\s+(?:network|cidr|subnet)\s+(\S+/\d+)")
        if admin:
            draft["admin_cidr"] = admin.group(1)
            self.note(f"admin network {admin.group(1)}")

    def _name(self, span: str, offset: int) -> str | None:
        match = self.find(r"\b(?:named|called|hostname)\s+[\"']?([a-z0-9][a-z0-9-]*)", span, offset)
        return match.group(1) if match else None

    def _vms(
        self, role: Role, count: int, span: str, offset: int, env: str | None, taken: set[str]
    ) -> list[dict[str, Any]]:
        base: dict[str, Any] = {}
        cores = self.attr(r"(-?\d+)\s*(?:x\s*)?(?:v?cpus?|cores?|vcores?|cpu cores|processors?)\b",
                          span, offset)  # fmt: skip
        base["cores"] = int(cores.group(1)) if cores else role.cores
        memory = self.attr(
            r"(-?\d+(?:\.\d+)?)\s*(gb|gib|g|mb|mib|m|tb)\s*(?:of\s+)?(?:ram|memory|mem)\b"
            r"|(?:ram|memory)\s*(?:of\s+|=\s*|:\s*)?(-?\d+(?:\.\d+)?)\s*(gb|gib|g|mb|mib|m)\b",
            span,
            offset,
        )
        if memory:
            amount, unit = (memory.group(1), memory.group(2)) if memory.group(1) else (
                memory.group(3), memory.group(4))  # fmt: skip
            base["memory_mb"] = _memory_mb(amount, unit)
        else:
            base["memory_mb"] = role.memory_mb
        disk = self.attr(
            r"(-?\d+)\s*(gb|gib|g|tb|t)\s*(?:of\s+)?(?:\w+\s+)?(?:disk|storage|ssd|hdd|volume|drive)"
            r"|(?:disk|storage)\s*(?:of\s+|=\s*|:\s*)?(-?\d+)\s*(gb|g|tb|t)\b",
            span,
            offset,
        )
        if disk:
            amount, unit = (disk.group(1), disk.group(2)) if disk.group(1) else (
                disk.group(3), disk.group(4))  # fmt: skip
            size = _disk_gb(amount, unit)
        else:
            size = role.disk_gb
        storage = self.attr(r"\b(?:on|in)\s+(?:storage|datastore)\s+([a-z0-9][a-z0-9_-]*)", span,
                            offset)  # fmt: skip
        base["disks"] = [{"size_gb": size, **({"storage": storage.group(1)} if storage else {})}]
        os_name = self._os(span, offset)
        if os_name:
            base["os"] = os_name
        template = self.attr(
            r"\btemplate\s+[\"']?([a-z0-9][a-z0-9._-]*)|from\s+([a-z0-9][a-z0-9._-]*)\s+template",
            span,
            offset,
        )
        if template:
            base["template"] = template.group(1) or template.group(2)
            self.note(f"template {base['template']}")
        node = self.attr(r"\b(?:on\s+node|on|node)\s+([a-z][a-z0-9-]*\d+)\b", span, offset)
        if node and not re.match(r"(ubuntu|debian|vlan|vmbr|port)", node.group(1)):
            base["node"] = node.group(1)
            self.note(f"node {base['node']}")
        nic = self._nic(span, offset)
        base["cloud_init"] = self._cloud_init(role, span, offset)
        base["firewall"] = self._firewall(role, span, offset, nic)
        if self.find(
            r"\b(?:no|without|disable[sd]?)\s+(?:the\s+)?(?:qemu\s+)?(?:guest\s+)?agent\b"
        ):
            base["agent"] = False
            self.note("guest agent off")
        protected = self.find(r"\b(?:deletion\s+protection|protected)\b")
        base["protection"] = bool(protected) or env == "production"
        tags = sorted({t for t in (env, role.name if role.name != "vm" else None) if t})
        base["tags"] = tags
        name = self._name(span, offset)
        prefix = name or role.name
        vms = []
        # "zero servers" still describes one, so its sizes get checked; more than a spec may
        # hold stops at one past the limit, for the spec's validation to refuse.
        count = min(max(count, 1), MAX_VMS + 1)
        for index in range(count):
            vm_name = prefix if (name and count == 1) else f"{prefix}-{index + 1:02d}"
            while vm_name in taken:
                vm_name += "-x"
            taken.add(vm_name)
            vm = {**base, "name": vm_name, "nics": [self._nic_for(nic, index)]}
            vms.append(vm)
        self.note(
            f"{count} × {role.name} ({base['cores']} cores, {base['memory_mb']} MB, {size} GB)"
        )
        return vms

    def _os(self, span: str, offset: int) -> str | None:
        for pattern, name in OS_PATTERNS:
            if self.attr(pattern, span, offset):
                self.note(f"OS {name}")
                return name
        return None

    def _nic(self, span: str, offset: int) -> dict[str, Any]:
        nic: dict[str, Any] = {}
        vlan = self.attr(r"\bvlan\s*(?:id\s*|tag\s*)?(-?\d+)", span, offset)
        if vlan:
            nic["vlan_id"] = int(vlan.group(1))
            self.note(f"VLAN {nic['vlan_id']}")
        bridge = self.attr(r"\b(?:bridge\s+)?(vmbr\d+)\b", span, offset)
        if bridge:
            nic["bridge"] = bridge.group(1)
        ip = self.attr(
            r"(?:ip|address|static)\s*(?:address\s*)?(?:of\s+|=\s*|:\s*)?"
            r"(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})(/\d{1,2})?",
            span,
            offset,
        )
        if ip:
            nic["ipv4"] = ip.group(1) + (ip.group(2) or "/24")
            self.note(f"static IP {nic['ipv4']}")
            if not _is_interface(nic["ipv4"]):
                return nic  # the spec's validation names the bad address
        gateway = self.attr(
            r"\b(?:gateway|gw)\s+(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})", span, offset
        )
        if gateway:
            nic["gateway"] = gateway.group(1)
        elif ip:
            net = ipaddress.IPv4Interface(nic["ipv4"]).network
            nic["gateway"] = str(next(net.hosts()))
        return nic

    @staticmethod
    def _nic_for(nic: dict[str, Any], index: int) -> dict[str, Any]:
        if "ipv4" not in nic or index == 0 or not _is_interface(nic["ipv4"]):
            return dict(nic)
        address = ipaddress.IPv4Interface(nic["ipv4"])
        return {**nic, "ipv4": f"{address.ip + index}/{address.network.prefixlen}"}

    def _cloud_init(self, role: Role, span: str, offset: int) -> dict[str, Any]:
        ci: dict[str, Any] = {}
        services = list(role.services)
        for word, flavour in WEB_FLAVOURS.items():
            if re.search(rf"\b{word}\b", self.text) and "nginx" in services:
                services = [flavour if s == "nginx" else s for s in services]
        for word, (flavour, _) in DB_FLAVOURS.items():
            if re.search(rf"\b{word}\b", span) and "postgresql" in services:
                services = [flavour if s == "postgresql" else s for s in services]
        for word in ("docker", "nginx", "redis", "fail2ban", "node-exporter"):
            if re.search(rf"\b{word}\b", span) and word not in services:
                services.append(word)
        ci["services"] = services
        keys = re.findall(
            r"((?:ssh-(?:ed25519|rsa|dss)|ecdsa-sha2-nistp\d+)\s+[A-Za-z0-9+/=]{16,}(?:\s+[\w.@-]+)?)",
            self.original,
        )
        if keys:
            ci["ssh_keys"] = keys
            for key in keys:
                start = self.text.find(key.lower().split()[1][:20])
                if start >= 0:
                    self.used.append((start, start + len(key)))
            self.note(f"{len(keys)} SSH key(s)")
        password = re.search(
            r"\bpassword\s+(?:is\s+|of\s+|=\s*|:\s*)?[\"']?([^\s\"']{3,})", self.original, re.I
        )
        if password and password.group(1).lower() not in ("login", "authentication", "auth"):
            ci["password"] = password.group(1)
            self.find(r"\bpassword\s+\S+")
            self.note("a login password (discouraged)")
        user = self.attr(r"\buser(?:name)?\s+[\"']?([a-z_][a-z0-9_-]*)", span, offset)
        if user and user.group(1) not in ("data", "account"):
            ci["user"] = user.group(1)
        web = any(s in ("nginx", "apache", "caddy", "haproxy") for s in services)
        no_tls = self.find(
            r"\b(?:no|without|disable)\s+(?:ssl|tls|https)\b|\bhttp only\b|\bplain http\b"
        )
        tls = self.find(r"\b(?:ssl|tls|https|certificates?|certs?|let'?s ?encrypt)\b")
        if no_tls:
            ci["tls"] = False
            self.note("no TLS")
        elif web:
            ci["tls"] = True
            self.note("TLS" if tls else "TLS (secure default for a web server)")
        domain = self.attr(r"\b(?:for|domain|site)\s+((?:[a-z0-9-]+\.)+[a-z]{2,})\b", span, offset)
        if domain:
            ci["tls_domain"] = domain.group(1)
            self.note(f"domain {domain.group(1)}")
        packages = []
        install = self.find(r"\binstall(?:ed)?\s+([a-z0-9+._-]+(?:\s*(?:,|and)\s*[a-z0-9+._-]+)*)")
        if install:
            packages += [p for p in re.split(r"\s*(?:,|\band\b)\s*", install.group(1)) if p]
        for package in KNOWN_PACKAGES:
            if re.search(rf"\b{re.escape(package)}\b", self.text) and package not in packages:
                packages.append(package)
                self.find(rf"\b{re.escape(package)}\b")
        ci["packages"] = [p for p in packages if p not in services]
        if self.find(
            r"\b(?:no|without|disable)\s+(?:automatic|auto|unattended)\s+(?:security\s+)?updates\b"
        ):
            ci["auto_updates"] = False
        return ci

    def _firewall(self, role: Role, span: str, offset: int, nic: dict[str, Any]) -> dict[str, Any]:
        if self.find(r"\b(?:no|without|disable[sd]?)\s+(?:a\s+|the\s+)?firewall\b"):
            self.note("firewall off")
            return {"enabled": False, "rules": []}
        rules: list[dict[str, Any]] = []
        ssh = self.find(r"\bssh\s+(?:access\s+)?(?:only\s+)?from\s+(\S+)")
        if ssh:
            where = ssh.group(1).rstrip(",.")
            source = (
                None
                if where in ("anywhere", "everywhere", "internet", "0.0.0.0/0", "all")
                else where
            )
            if source and not _is_network(source):
                source = "admin"
            self.note(f"SSH from {source or 'anywhere'}")
        else:
            source = "admin"
        rules.append({"port": "22", "source": source, "comment": "SSH"})
        if role.public_ports:
            rules.append({"port": role.public_ports, "comment": f"{role.name} (public)"})
        if role.private_ports:
            private = "admin"
            if nic.get("ipv4") and _is_interface(nic["ipv4"]):
                private = str(ipaddress.IPv4Interface(nic["ipv4"]).network)
            port = role.private_ports
            for word, (_, db_port) in DB_FLAVOURS.items():
                if role.name == "db" and re.search(rf"\b{word}\b", span):
                    port = db_port
            rules.append({"port": port, "source": private, "comment": f"{role.name} (private)"})
        if role.udp_ports:
            rules.append({"port": role.udp_ports, "protocol": "udp", "comment": role.name})
        opened = self.find(
            r"\b(?:open|allow|expose)\s+(?:tcp\s+|udp\s+)?ports?\s+(\d+(?:\s*(?:,|and)\s*\d+)*)"
            r"(?:\s+from\s+(\S+))?"
        )
        if opened:
            ports = ",".join(re.findall(r"\d+", opened.group(1)))
            where = (opened.group(2) or "").rstrip(",.")
            rules.append(
                {"port": ports, "source": where if _is_network(where) else None, "comment": "asked"}
            )
            self.note(f"open ports {ports}")
        return {"enabled": True, "rules": rules}

    def _backup(self, draft: dict[str, Any], env: str | None) -> None:
        if self.find(r"\b(?:no|without|skip)\s+backups?\b"):
            draft["backup"] = None
            self.note("no backups")
            return
        backup: dict[str, Any] = {}
        at = self.find(r"\bbackups?\s+(?:daily\s+|nightly\s+)?at\s+(\d{1,2}:\d{2})")
        if at:
            backup["schedule"] = at.group(1)
        elif self.find(r"\bweekly\s+backups?\b"):
            backup["schedule"] = "sun 02:00"
        elif self.find(r"\bhourly\s+backups?\b"):
            backup["schedule"] = "hourly"
        storage = self.find(r"\bbackups?\s+(?:\S+\s+){0,3}?(?:to|on)\s+([a-z][a-z0-9_-]*)")
        if storage and storage.group(1) not in ("the", "a"):
            backup["storage"] = storage.group(1)
        draft["backup"] = backup
        self.note(f"backups {backup.get('schedule', '02:00')}")

    def _unresolved(self) -> list[str]:
        covered = [False] * len(self.text)
        for start, end in self.used:
            for i in range(max(start, 0), min(end, len(self.text))):
                covered[i] = True
        known = {k for role in ROLES for kw in role.keywords for k in kw.split()}
        known |= set(ENVIRONMENTS) | set(NUMBER_WORDS) | set(KNOWN_PACKAGES)
        known |= {"postgres", "postgresql", "mysql", "mariadb", "redis", "nginx", "apache"}
        out: list[str] = []
        for match in re.finditer(r"[a-z][a-z'-]+", self.text):
            word = match.group(0).strip("'-")
            if any(covered[match.start() : match.end()]):
                continue
            singular = word[:-1] if word.endswith("s") else word
            if len(word) < 3 or word in STOPWORDS or singular in STOPWORDS:
                continue
            if word in known or singular in known:
                continue
            out.append(word)
        return list(dict.fromkeys(out))


def _is_interface(text: str) -> bool:
    try:
        ipaddress.IPv4Interface(text)
    except ValueError:
        return False
    return True


def _is_network(text: str) -> bool:
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def parse(prompt: str, *, environment: str | None = None) -> ParsedPrompt:
    """A spec draft for the prompt; `environment` (from the request's context) when the
    prompt names none."""
    return _Parser(prompt).parse(environment)
