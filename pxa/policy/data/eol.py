"""When each guest OS release stops getting security updates.

Each date is the end of the vendor's free security support — the day an unpatched guest
starts to accumulate known holes — not paid extended support (Ubuntu Pro/ESM, Debian
ELTS, Microsoft ESU), which an admin may buy but we cannot see. Sources:

- Ubuntu and Debian: the `eol-server` / `eol-lts` columns of Debian's distro-info-data
  0.58+deb12u6 (`/usr/share/distro-info/{ubuntu,debian}.csv`), which the Ubuntu release
  team and the Debian LTS team maintain. Ubuntu lists LTS releases only: interim releases
  live nine months, and one not listed here is reported as unknown, never as a failure.
- RHEL and CentOS: Red Hat's "Red Hat Enterprise Linux Life Cycle" page (end of
  Maintenance Support) and the CentOS project's end-of-life announcements.
- Rocky Linux: rockylinux.org release notes (tracks RHEL's dates).
- Windows: Microsoft Lifecycle "Extended End Date" per product.
- Alpine: the branch table on alpinelinux.org/releases.

Update with each pxa release; a family or version missing here is simply unknown.
"""

from __future__ import annotations

import re
from datetime import date

EOL: dict[str, dict[str, date]] = {
    "ubuntu": {
        "14.04": date(2019, 4, 25),
        "16.04": date(2021, 4, 30),
        "18.04": date(2023, 5, 31),
        "20.04": date(2025, 5, 29),
        "22.04": date(2027, 6, 1),
        "24.04": date(2029, 5, 31),
        "26.04": date(2031, 5, 29),
    },
    "debian": {
        "8": date(2020, 6, 30),
        "9": date(2022, 6, 30),
        "10": date(2024, 6, 30),
        "11": date(2026, 8, 31),
        "12": date(2028, 6, 30),
        "13": date(2030, 6, 30),
    },
    "centos": {
        "6": date(2020, 11, 30),
        "7": date(2024, 6, 30),
        "8": date(2021, 12, 31),  # cut short when CentOS moved to Stream
    },
    "rhel": {
        "6": date(2020, 11, 30),
        "7": date(2024, 6, 30),
        "8": date(2029, 5, 31),
        "9": date(2032, 5, 31),
    },
    "rocky": {
        "8": date(2029, 5, 31),
        "9": date(2032, 5, 31),
    },
    "windows": {
        "10": date(2025, 10, 14),  # Windows 10 22H2, the last release
        "2008": date(2020, 1, 14),
        "2008r2": date(2020, 1, 14),
        "2012": date(2023, 10, 10),
        "2012r2": date(2023, 10, 10),
        "2016": date(2027, 1, 12),
        "2019": date(2029, 1, 9),
        "2022": date(2031, 10, 14),
    },
    "alpine": {
        "3.17": date(2024, 11, 22),
        "3.18": date(2025, 5, 9),
        "3.19": date(2025, 11, 1),
        "3.20": date(2026, 4, 1),
        "3.21": date(2026, 11, 1),
    },
}

# Releases whose support ended before an older sibling's did; the table tests allow them.
# Windows 10 is the one desktop release in a family of server releases.
OUT_OF_ORDER: frozenset[tuple[str, str]] = frozenset({("centos", "8"), ("windows", "10")})

_RELEASE = re.compile(r"\d+(?:\.\d+)*(?:\s*r2)?")

_FAMILY_ALIASES = {
    "redhat": "rhel",
    "red hat enterprise linux": "rhel",
    "rocky linux": "rocky",
    "rockylinux": "rocky",
    "microsoft windows": "windows",
    "windows server": "windows",
}


def _normal_family(family: str) -> str:
    name = family.strip().lower()
    return _FAMILY_ALIASES.get(name, name)


def _normal_version(version: str) -> str | None:
    # "Server 2012 R2 Standard" and "2012r2" are one release; "22.04.3 LTS" is 22.04.3
    match = _RELEASE.search(version.lower())
    return "".join(match.group(0).split()) if match else None


def eol_date(family: str | None, version: str | None) -> date | None:
    """The end of security support for a release, or None when we do not know it.

    Point releases match their release line: "22.04.3" → "22.04", "12.5" → "12".
    """
    if not family or not version:
        return None
    releases = EOL.get(_normal_family(family))
    if releases is None:
        return None
    wanted = _normal_version(version)
    if wanted is None:
        return None
    parts = wanted.split(".")
    for length in range(len(parts), 0, -1):
        found = releases.get(".".join(parts[:length]))
        if found is not None:
            return found
    return None
