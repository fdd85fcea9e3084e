"""The conventions the panes are built on, checked so that new code keeps them."""

from __future__ import annotations

import subprocess
import sys

from textual.binding import Binding

from pxa.core.catalogue import load_all
from pxa.tui.keys import BINDING_ID, pxa_bindings
from pxa.tui.panes import PANES
from pxa.tui.panes.base import Pane


def test_every_pxa_binding_has_a_kebab_case_id() -> None:
    import pxa.tui.app  # noqa: F401  (loads every pane and widget)

    bindings = list(pxa_bindings())
    assert len(bindings) >= 15
    for cls, binding in bindings:
        assert isinstance(binding, Binding)
        assert binding.id and BINDING_ID.match(binding.id), f"{cls.__name__}: {binding}"


def test_binding_ids_are_unique_within_a_class() -> None:
    import pxa.tui.app  # noqa: F401

    ids: dict[type, list[str]] = {}
    for cls, binding in pxa_bindings():
        ids.setdefault(cls, []).append(binding.id or "")
    for cls, names in ids.items():
        assert len(names) == len(set(names)), cls.__name__


def test_each_pane_declares_its_identity_and_catalogue_areas() -> None:
    areas = {op.area for op in load_all().values()}
    assert len({p.pane_id for p in PANES}) == len(PANES) == 7
    for pane in PANES:
        assert issubclass(pane, Pane) and pane.pane_id and pane.title and pane.areas
        assert set(pane.areas) <= areas, pane.pane_id
    assert {a for p in PANES for a in p.areas} == areas  # every operation is on some pane


def test_operation_titles_read_area_colon_action() -> None:
    for op in load_all().values():
        area, _, action = op.title.partition(": ")
        assert area == op.area and action, op.title


def test_importing_the_tui_package_loads_no_textual() -> None:
    code = "import sys, pxa.tui; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
