"""Binding ids: every pxa Binding has a kebab-case id, and `ui.keymap` rebinds by id.

`pxa_bindings()` lists the bindings that pxa's own widgets and screens declare, so a test
can hold every one to the convention and the app can point out a keymap id that matches
nothing (a typo would otherwise do nothing, silently).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.app import App

BINDING_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def op_binding(key: str, operation: str, description: str = "", *, show: bool = True) -> Binding:
    """A pane key that runs catalogue operation `operation` ("vm.start") on the selection.

    Its id is the operation's name with dashes ("vm-start"); `Pane.check_action` hides it
    in read-only mode when the operation writes.
    """
    return Binding(
        key,
        f"operation('{operation}')",
        description or operation.rsplit(".", 1)[-1].replace("_", " "),
        show=show,
        id=operation.replace(".", "-").replace("_", "-"),
    )


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def pxa_bindings() -> Iterator[tuple[type[DOMNode], Binding]]:
    """(class, binding) for each Binding declared by a class in a `pxa.tui` module."""
    import pxa.tui.help
    import pxa.tui.modals  # noqa: F401  (screens imported lazily elsewhere)

    seen: set[type] = set()
    for cls in _subclasses(DOMNode):
        if cls in seen or not cls.__module__.startswith("pxa.tui"):
            continue
        seen.add(cls)
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                yield cls, binding


def unknown_keymap_ids(keymap: dict[str, str]) -> list[str]:
    known = {binding.id for _, binding in pxa_bindings() if binding.id}
    return sorted(set(keymap) - known)


def apply_keymap(app: App, keymap: dict[str, str]) -> None:
    """Rebind by id (Textual's `set_keymap`); an id that matches nothing gets a warning."""
    if not keymap:
        return
    app.set_keymap(keymap)
    if unknown := unknown_keymap_ids(keymap):
        app.notify(
            f"ui.keymap: no binding has the id {', '.join(map(repr, unknown))}; "
            "the help screen (?) lists the ids",
            title="Keymap",
            severity="warning",
            markup=False,
        )
