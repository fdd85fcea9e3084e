"""How `pxa ask` confirms on a terminal, and what it refuses without one."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import pytest

from pxa.cli import ask
from pxa.core.context import ConfirmationRequest
from pxa.errors import ConfirmationRefused
from pxa.models.common import Risk


def request(risk: Risk) -> ConfirmationRequest:
    return ConfirmationRequest(
        operation="vm.delete" if risk is Risk.destructive else "vm.start",
        title="vm: delete" if risk is Risk.destructive else "vm: start",
        risk=risk,
        arguments={"vm_id": "vm-108"},
        resource="vm-108",
        resource_name="db-03",
    )


@pytest.fixture
def confirmer(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    def make(*, tty: bool, yes: bool = False, said: str = "", typed: str = "") -> Any:
        monkeypatch.setattr("sys.stdin.isatty", lambda: tty)
        monkeypatch.setattr("builtins.input", lambda prompt="": typed)
        return ask.confirmer(argparse.Namespace(yes=yes), said)

    return make


async def test_on_a_terminal_a_write_asks_yes_or_no(confirmer: Callable[..., Any]) -> None:
    assert await confirmer(tty=True, typed="y")(request(Risk.write)) is True
    assert await confirmer(tty=True, typed="")(request(Risk.write)) is False


async def test_on_a_terminal_a_destructive_call_returns_the_typed_name(
    confirmer: Callable[..., Any],
) -> None:
    assert await confirmer(tty=True, typed=" db-03 ")(request(Risk.destructive)) == "db-03"


async def test_without_a_terminal_a_write_needs_yes(confirmer: Callable[..., Any]) -> None:
    with pytest.raises(ConfirmationRefused, match="pass --yes"):
        await confirmer(tty=False)(request(Risk.write))
    assert await confirmer(tty=False, yes=True)(request(Risk.write)) is True


async def test_without_a_terminal_a_destructive_call_needs_yes_and_the_name_said(
    confirmer: Callable[..., Any],
) -> None:
    with pytest.raises(ConfirmationRefused):
        await confirmer(tty=False, yes=True, said="delete the mysql vm")(request(Risk.destructive))
    with pytest.raises(ConfirmationRefused):
        await confirmer(tty=False, yes=True, said="delete db-03-old")(request(Risk.destructive))
    with pytest.raises(ConfirmationRefused):
        await confirmer(tty=False, said="delete db-03")(request(Risk.destructive))
    said = "delete db-03 please"
    assert await confirmer(tty=False, yes=True, said=said)(request(Risk.destructive)) == "db-03"
