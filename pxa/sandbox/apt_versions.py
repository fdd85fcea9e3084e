"""What `apt/versions` reports: the important Proxmox packages on one node.

As in PVE, `Version` is the candidate apt would install and `OldVersion` the version
installed now (`pveversion -v` prints OldVersion). The packages match topology's PVE,
QEMU and kernel versions; a node in lab_security.PACKAGE_LAG still has an older
version installed, with the current one pending as the candidate.
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox.lab_security import PACKAGE_LAG
from pxa.sandbox.topology import KERNEL, PVE_VERSION, QEMU_VERSION
from pxa.sandbox.views import pveversion

KERNEL_PACKAGE = f"proxmox-kernel-{KERNEL}-signed"

# (package, version, title), in PVE's order: the two most important first, then the
# kernel, then the rest by name.
PACKAGES: tuple[tuple[str, str, str], ...] = (
    ("proxmox-ve", "9.1.0", "Proxmox Virtual Environment"),
    ("pve-manager", PVE_VERSION, "Proxmox Virtual Environment management tools"),
    ("proxmox-kernel-helper", "9.0.4", "Function for various kernel maintenance tasks"),
    (KERNEL_PACKAGE, KERNEL.removesuffix("-pve"), "Proxmox Kernel Image (signed)"),
    ("ceph-fuse", "19.2.3-pve2", "FUSE-based client for the Ceph distributed file system"),
    ("corosync", "3.1.9-pve2", "cluster engine daemon and utilities"),
    ("criu", "4.1.1-1", "checkpoint and restore in userspace"),
    ("ifupdown2", "3.3.0-1+pmx11", "Network Interface Management tool similar to ifupdown"),
    ("libpve-access-control", "9.0.4", "Proxmox VE access control library"),
    ("libpve-common-perl", "9.0.15", "Proxmox VE base library"),
    ("libpve-guest-common-perl", "6.0.2", "Proxmox VE common guest-related modules"),
    ("libpve-http-server-perl", "6.0.5", "Proxmox Asynchrounous HTTP Server Implementation"),
    ("libpve-network-perl", "1.2.3", "Proxmox VE's SDN (Software Defined Network) stack"),
    ("libpve-storage-perl", "9.1.0", "Proxmox VE storage management library"),
    ("lvm2", "2.03.31-2+pmx1", "Linux Logical Volume Manager"),
    ("lxc-pve", "6.0.5-3", "Linux containers userspace tools"),
    ("proxmox-backup-client", "4.1.0-1", "Proxmox Backup Client tools"),
    ("proxmox-firewall", "1.2.1", "Proxmox's nftables-based firewall written in rust"),
    ("proxmox-widget-toolkit", "5.1.2", "Core Widgets and ExtJS Helper Classes"),
    ("pve-cluster", "9.0.7", '"pmxcfs" distributed cluster filesystem for Proxmox VE'),
    ("pve-container", "6.0.18", "Proxmox VE Container management tool"),
    ("pve-docs", PVE_VERSION, "Proxmox VE Documentation"),
    ("pve-firewall", "6.0.4", "Proxmox VE Firewall"),
    ("pve-firmware", "3.17-2", "Binary firmware code for the pve-kernel"),
    ("pve-ha-manager", "5.0.8", "Proxmox VE HA Manager"),
    ("pve-qemu-kvm", f"{QEMU_VERSION}-7", "Full virtualization on x86 hardware"),
    ("qemu-server", "9.1.0", "Qemu Server Tools"),
    ("smartmontools", "7.4-pve1", "control and monitor storage systems using S.M.A.R.T."),
    ("zfsutils-linux", "2.3.4-pve1", "command-line tools to manage OpenZFS filesystems"),
)
_ARCH_ALL = {
    "proxmox-ve",
    "pve-manager",
    "proxmox-kernel-helper",
    "ifupdown2",
    "libpve-access-control",
    "libpve-common-perl",
    "libpve-guest-common-perl",
    "libpve-http-server-perl",
    "libpve-network-perl",
    "libpve-storage-perl",
    "proxmox-widget-toolkit",
    "pve-container",
    "pve-docs",
    "pve-firmware",
}
_SECTIONS = {KERNEL_PACKAGE: "kernel", "pve-docs": "doc", "pve-firmware": "misc"}
_DEBIAN = {"lvm2", "criu"}


def versions(node: str) -> list[dict[str, Any]]:
    lag = PACKAGE_LAG.get(node, {})
    rows = []
    for package, version, title in PACKAGES:
        row: dict[str, Any] = {
            "Package": package,
            "Title": title,
            "Description": f"{title} (package {package}).",
            "Origin": "Debian" if package in _DEBIAN else "Proxmox",
            "Section": _SECTIONS.get(package, "perl" if "-perl" in package else "admin"),
            "Arch": "all" if package in _ARCH_ALL else "amd64",
            "Priority": "optional",
            "Version": version,  # the candidate
            "OldVersion": lag.get(package, version),  # installed
            "CurrentState": "Installed",
        }
        if package == "proxmox-ve":
            row["RunningKernel"] = KERNEL
        elif package == "pve-manager":
            row["ManagerVersion"] = pveversion().removeprefix("pve-manager/")
        rows.append(row)
    return rows


def installed(node: str, package: str) -> str | None:
    """The version of `package` installed on `node` (its `OldVersion`)."""
    return next((r["OldVersion"] for r in versions(node) if r["Package"] == package), None)
