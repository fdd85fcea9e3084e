"""The shipped tables: OS end-of-life dates and minimum PVE/QEMU versions."""

from __future__ import annotations

from datetime import date

import pytest

from pxa.policy.data.advisories import ADVISORIES, advisories_for
from pxa.policy.data.eol import EOL, OUT_OF_ORDER, eol_date
from pxa.policy.data.versions import compare, version_key


def _release_order(version: str) -> tuple[tuple[int, ...], str]:
    return (version_key(version) or (), version)


@pytest.mark.parametrize("family", sorted(EOL))
def test_each_family_lists_its_releases_oldest_first(family) -> None:
    releases = list(EOL[family])
    assert releases == sorted(releases, key=_release_order)


@pytest.mark.parametrize("family", sorted(EOL))
def test_end_dates_never_go_backwards_within_a_family(family) -> None:
    dates = [ends for version, ends in EOL[family].items() if (family, version) not in OUT_OF_ORDER]
    assert all(isinstance(ends, date) for ends in dates)
    assert dates == sorted(dates)


def test_the_documented_end_dates_are_in_the_table() -> None:
    assert eol_date("ubuntu", "22.04") == date(2027, 6, 1)
    assert eol_date("debian", "12") == date(2028, 6, 30)
    assert eol_date("centos", "7") == date(2024, 6, 30)
    assert eol_date("windows", "2016") == date(2027, 1, 12)


@pytest.mark.parametrize(
    ("family", "version", "release"),
    [
        ("Ubuntu", "22.04.4 LTS", "22.04"),
        ("debian", "12.5", "12"),
        ("Microsoft Windows", "Windows Server 2012 R2 Standard", "2012r2"),
        ("redhat", "8.9", "8"),
    ],
)
def test_point_releases_and_vendor_spellings_find_their_release_line(
    family, version, release
) -> None:
    canonical = {"Ubuntu": "ubuntu", "Microsoft Windows": "windows", "redhat": "rhel"}
    assert eol_date(family, version) == EOL[canonical.get(family, family)][release]


@pytest.mark.parametrize(("family", "version"), [(None, "12"), ("debian", None), ("debian", "x")])
def test_missing_or_unreadable_os_facts_have_no_end_date(family, version) -> None:
    assert eol_date(family, version) is None


def test_advisory_ids_are_unique_and_never_posed_as_cves() -> None:
    ids = [advisory.id for advisory in ADVISORIES]
    assert len(ids) == len(set(ids))
    assert all(advisory_id.startswith("PXA-ADV-") for advisory_id in ids)


@pytest.mark.parametrize("advisory", ADVISORIES, ids=lambda advisory: advisory.id)
def test_each_advisory_is_fixed_in_a_later_version_than_it_starts(advisory) -> None:
    start, fixed = version_key(advisory.introduced), version_key(advisory.fixed_in)
    assert start is not None and fixed is not None and compare(start, fixed) < 0


def test_the_fixed_in_version_itself_is_not_affected() -> None:
    assert advisories_for("pve", "8.4") == []
    assert [a.id for a in advisories_for("pve", "8.3.5")] == ["PXA-ADV-PVE-8.4"]


def test_versions_compare_with_missing_parts_as_zero() -> None:
    assert compare((8, 4), (8, 4, 0)) == 0
    assert compare((8, 10), (8, 9, 9)) == 1


def test_a_pveversion_line_reads_as_its_version() -> None:
    assert version_key("pve-manager/8.1.4/ec5affc9e41f1d79") == (8, 1, 4)
