"""Each sandbox lab size or seed is its own world, so asking for one never reuses another."""

from __future__ import annotations

from pathlib import Path

from pxa.config import Settings
from pxa.runtime import sandbox_state_dir


def settings(**sandbox: object) -> Settings:
    return Settings.model_validate({"sandbox": sandbox})


def test_the_standard_lab_lives_in_the_default_state_dir() -> None:
    assert sandbox_state_dir(settings()).name == "sandbox"


def test_a_lab_of_another_size_has_a_directory_of_its_own() -> None:
    standard, big = sandbox_state_dir(settings()), sandbox_state_dir(settings(vms=10000))
    assert big != standard and big.parent == standard.parent
    assert big.name == "sandbox-10000-vms"


def test_a_lab_of_another_seed_has_a_directory_of_its_own() -> None:
    assert sandbox_state_dir(settings(seed=7, vms=50)).name == "sandbox-50-vms-seed-7"


def test_an_explicit_state_dir_is_used_as_given(tmp_path: Path) -> None:
    chosen = tmp_path / "mine"
    assert sandbox_state_dir(settings(state_dir=str(chosen), vms=100)) == chosen
