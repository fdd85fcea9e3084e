"""The lab's deliberate security misconfigurations, as tables a scan is tested against.

`MISCONFIGURATIONS` maps every catalogue VM (the default 24) to the misconfiguration
kinds it carries, and `CLEAN_VMS` names the fully hardened ones. `lab_hardening.secure`
derives each catalogue VM's security settings from these tables, so they hold for
every seed; power state and placement still come from the seed (the notes below give
seed 42's). VMs beyond the catalogue (`vms=N`) keep their random settings and are
never clean. The three templates (9000-9002) carry `TEMPLATE_KINDS`, as fresh
cloud-init templates do; containers are not covered.

How each kind shows on the API (`<vm>` = /nodes/{node}/qemu/{vmid}):
- firewall_off: `<vm>/firewall/options` has `enable` 0 or no `enable` (PVE's default 0).
- nic_without_firewall: a `netN` in `<vm>/config` lacks `firewall=1`.
- policy_in_accept: firewall enabled with `policy_in: ACCEPT` (VM default is DROP).
- ssh/rdp/db_open_to_world: an enabled `in` ACCEPT rule in `<vm>/firewall/rules` with
  no `source` or `0.0.0.0/0`, for tcp port 22 / 3389 / a database port (`DB_PORTS`) or
  the macro SSH / RDP / MySQL, PostgreSQL, MSSQL.
- cloudinit_password: `cipassword` present in the config (read back as `**********`).
- no_ssh_keys: no `sshkeys` in the config.
- agent_off: no `agent` key, or `0` / `enabled=0` (`1` and `enabled=1,...` both mean on).
- prod_without_protection: `tags` contains `production` and `protection` is not 1.
- eol_os: the guest agent's `get-osinfo` (`<vm>/agent/get-osinfo`, VM running, agent
  on) reports `id`/`version-id` of a release past its end of life (`EOL_RELEASES`).
- old_snapshot: `<vm>/snapshot` lists a snapshot whose `snaptime` is over 30 days old.
- weak_cpu_type: `cpu` is a generic model (kvm64, qemu64) without mitigation flags.

Which OS each VM runs: every catalogue VM was cloned from the template of its
catalogue OS (9000 ubuntu-22.04, 9001 ubuntu-24.04, 9002 debian-12), except the two
in `EOL_OS`, built from templates since deleted (ubuntu 18.04, debian 10). Nothing in
a VM's config names its template (full clones, `ostype: l26`); the OS is learned from
the guest agent only, so it stays unknown for stopped or paused VMs, VMs with the agent
off (mail-01) and VMs whose agent does not answer (ci-runner-02). With seed 42, both
EOL VMs run with the agent answering.
"""

from __future__ import annotations

KINDS: tuple[str, ...] = (
    "firewall_off",
    "nic_without_firewall",
    "policy_in_accept",
    "ssh_open_to_world",
    "rdp_open_to_world",
    "db_open_to_world",
    "cloudinit_password",
    "no_ssh_keys",
    "agent_off",
    "prod_without_protection",
    "eol_os",
    "old_snapshot",
    "weak_cpu_type",
)

CLEAN_VMS: tuple[str, ...] = ("web-server-02", "app-server-03", "k8s-worker-02", "vpn-gateway-01")

MISCONFIGURATIONS: dict[str, tuple[str, ...]] = {
    "web-server-01": ("ssh_open_to_world", "prod_without_protection"),
    "web-server-02": (),
    "web-server-03": ("no_ssh_keys",),
    "app-server-01": ("old_snapshot", "prod_without_protection"),
    "app-server-02": ("firewall_off", "prod_without_protection"),
    "app-server-03": (),
    "db-01": ("old_snapshot",),
    "db-02": ("firewall_off", "nic_without_firewall"),
    "db-03": ("db_open_to_world",),
    "cache-01": ("eol_os", "prod_without_protection"),
    "cache-02": ("firewall_off",),
    "lb-01": ("policy_in_accept", "nic_without_firewall"),
    "lb-02": ("nic_without_firewall", "prod_without_protection"),
    "ci-runner-01": ("cloudinit_password",),
    "ci-runner-02": ("weak_cpu_type",),
    "monitoring-01": ("firewall_off", "nic_without_firewall", "eol_os"),
    "k8s-master-01": ("old_snapshot",),
    "k8s-worker-01": ("cloudinit_password", "prod_without_protection"),
    "k8s-worker-02": (),
    "k8s-worker-03": ("ssh_open_to_world",),
    "mail-01": ("agent_off", "firewall_off", "nic_without_firewall", "prod_without_protection"),
    "vpn-gateway-01": (),
    "dev-sandbox-01": ("cloudinit_password", "no_ssh_keys", "rdp_open_to_world"),
    "backup-01": ("weak_cpu_type", "prod_without_protection"),
}

TEMPLATE_KINDS: tuple[str, ...] = ("firewall_off", "nic_without_firewall", "no_ssh_keys")

# --- the details behind some kinds ---------------------------------------------------

# VM → the end-of-life OS it runs (keys into EOL_RELEASES).
EOL_OS: dict[str, str] = {"cache-01": "ubuntu-18.04", "monitoring-01": "debian-10"}
# VM → its `cpu` option, where it is not the lab's x86-64-v2-AES.
CPU_TYPES: dict[str, str] = {
    "ci-runner-02": "kvm64",
    "backup-01": "qemu64",
    "k8s-worker-02": "host",
}
# VM → (name, days before the lab was created): a recent snapshot a clean VM may keep.
RECENT_SNAPSHOTS: dict[str, tuple[str, int]] = {"k8s-worker-02": ("pre-kernel-update", 2)}
SNAPSHOT_MAX_AGE_DAYS = 30
DB_PORTS: tuple[int, ...] = (1433, 3306, 5432, 6379, 9200, 27017)

# What qemu-guest-agent's get-osinfo reports on the two end-of-life releases.
EOL_RELEASES: dict[str, dict[str, str]] = {
    "ubuntu-18.04": {
        "id": "ubuntu",
        "name": "Ubuntu",
        "version-id": "18.04",
        "pretty-name": "Ubuntu 18.04.6 LTS",
        "version": "18.04.6 LTS (Bionic Beaver)",
        "kernel-release": "4.15.0-213-generic",
        "kernel-version": "#224-Ubuntu SMP Mon Jun 19 13:30:12 UTC 2023",
        "user": "ubuntu",
    },
    "debian-10": {
        "id": "debian",
        "name": "Debian GNU/Linux",
        "version-id": "10",
        "pretty-name": "Debian GNU/Linux 10 (buster)",
        "version": "10 (buster)",
        "kernel-release": "4.19.0-27-amd64",
        "kernel-version": "#1 SMP Debian 4.19.316-1 (2024-06-25)",
        "user": "debian",
    },
}

# --- the cluster around the VMs ------------------------------------------------------

# Datacenter firewall (cluster.fw): never configured, so `enable` is absent (= 0), as on
# a fresh PVE. Every guest and node rule is therefore inactive until it is switched on.
CLUSTER_FIREWALL: dict[str, object] = {}
# Host firewall (host.fw) options per node; pve2 has no host.fw (enable defaults to 1).
NODE_FIREWALL: dict[str, dict[str, object]] = {
    "pve1": {"enable": 1, "tcpflags": 1, "nosmurfs": 1},
    "pve2": {},
    "pve3": {"enable": 0},
}
NODES_FIREWALL_OFF: tuple[str, ...] = ("pve3",)
# Node → {package: installed version} where that node lags the others (apt/versions).
PACKAGE_LAG: dict[str, dict[str, str]] = {"pve3": {"pve-qemu-kvm": "9.0.2-4"}}
# API tokens (auth.py): root@pam!pxa has privsep 0, so it holds all of root's rights;
# auditor@pve!readonly has privsep 1 and an expiry (auth.AUDITOR_TOKEN_DAYS after creation).
TOKENS_WITHOUT_PRIVSEP: tuple[str, ...] = ("root@pam!pxa",)
