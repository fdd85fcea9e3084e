"""Declarations of the QEMU config keys the sandbox accepts on create and update.

Types follow the PVE schema (integers, booleans and numbers come back as JSON
numbers; property strings as strings). Indexed families carry their slot counts.
"""

from __future__ import annotations

from pxa.sandbox.params import Param, boolean, integer, number, string

LOCKS = (
    "backup",
    "clone",
    "create",
    "migrate",
    "rollback",
    "snapshot",
    "snapshot-delete",
    "suspending",
    "suspended",
)
OSTYPES = (
    "other",
    "wxp",
    "w2k",
    "w2k3",
    "w2k8",
    "wvista",
    "win7",
    "win8",
    "win10",
    "win11",
    "l24",
    "l26",
    "solaris",
)
SCSIHW = ("lsi", "lsi53c810", "virtio-scsi-pci", "virtio-scsi-single", "megasas", "pvscsi")

CONFIG_KEYS: tuple[Param, ...] = (
    boolean("acpi"),
    string("affinity"),
    string("agent"),
    string("arch", enum=("x86_64", "aarch64")),
    string("args"),
    string("audio0"),
    boolean("autostart"),
    integer("balloon", minimum=0),
    string("bios", enum=("seabios", "ovmf")),
    string("boot"),
    string("bootdisk"),
    string("cdrom"),
    string("cicustom"),
    string("cipassword"),
    string("citype", enum=("configdrive2", "nocloud", "opennebula")),
    boolean("ciupgrade"),
    string("ciuser"),
    integer("cores", minimum=1),
    string("cpu"),
    number("cpulimit", minimum=0, maximum=128),
    integer("cpuunits", minimum=1, maximum=262144),
    string("description", max_length=8192),
    string("efidisk0"),
    boolean("freeze"),
    string("hookscript"),
    string("hostpci[n]", slots=16),
    string("hotplug"),
    string("hugepages", enum=("any", "2", "1024")),
    string("ide[n]", slots=4),
    string("ipconfig[n]", slots=32),
    string("ivshmem"),
    boolean("keephugepages"),
    string("keyboard"),
    boolean("kvm"),
    boolean("localtime"),
    string("lock", enum=LOCKS),
    string("machine"),
    string("memory"),
    number("migrate_downtime", minimum=0),
    integer("migrate_speed", minimum=0),
    string("name", format="dns-name"),
    string("nameserver", format="address-list"),
    string("net[n]", slots=32),
    boolean("numa"),
    string("numa[n]", slots=8),
    boolean("onboot"),
    string("ostype", enum=OSTYPES),
    string("parallel[n]", slots=3),
    boolean("protection"),
    boolean("reboot"),
    string("rng0"),
    string("sata[n]", slots=6),
    string("scsi[n]", slots=31),
    string("scsihw", enum=SCSIHW),
    string("searchdomain"),
    string("serial[n]", slots=4),
    integer("shares", minimum=0, maximum=50000),
    string("smbios1"),
    integer("smp", minimum=1),
    integer("sockets", minimum=1),
    string("spice_enhancements"),
    string("sshkeys", format="urlencoded"),
    string("startdate"),
    string("startup"),
    boolean("tablet"),
    string("tags", format="pve-tag-list"),
    boolean("tdf"),
    boolean("template"),
    string("tpmstate0"),
    string("unused[n]", slots=256),
    string("usb[n]", slots=14),
    integer("vcpus", minimum=1),
    string("vga"),
    string("virtio[n]", slots=16),
    string("virtiofs[n]", slots=10),
    string("vmgenid"),
    string("vmstatestorage", format="pve-storage-id"),
    string("watchdog"),
)

# Keys that are not config values but steer the call.
CREATE_EXTRA: tuple[Param, ...] = (
    integer("vmid", optional=False, minimum=100, maximum=999999999),
    boolean("start"),
    string("pool"),
    string("storage", format="pve-storage-id"),
    boolean("unique"),
    boolean("force"),
)
UPDATE_EXTRA: tuple[Param, ...] = (
    string("delete", format="pve-configid-list"),
    string("revert", format="pve-configid-list"),
    string("digest", max_length=64),
    boolean("skiplock"),
    boolean("force"),
)

CONFIG_KEY_NAMES = frozenset(p.name for p in CONFIG_KEYS)
NUMERIC = {p.name for p in CONFIG_KEYS if p.type != "string"}
