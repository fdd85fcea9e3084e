"""PxaApp: the shell. Header, pane switcher, chat panel, footer; the core runs in its loop.

The app composes and routes; it holds no domain logic. The core's life is in `core.py`,
operations in `ops.py`, events in `bridge.py`/`messages.py`, themes in `themes.py`, the
panes in `panes/`. See `pxa.tui` for the conventions panes follow.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Tab, Tabs

from pxa.errors import ConfigError
from pxa.tui.commands import OperationsProvider, ThemesProvider, app_commands
from pxa.tui.core import CoreRunner
from pxa.tui.help import HelpScreen, binding_rows
from pxa.tui.keys import apply_keymap
from pxa.tui.messages import (
    ApiFailed,
    ApiStarted,
    BackendHealthChanged,
    ClusterSummaryLoaded,
    CoreReady,
    JobCompleted,
)
from pxa.tui.ops import OperationsMixin
from pxa.tui.panes import PANES, Pane
from pxa.tui.themes import (
    app_variables,
    apply_theme,
    builtin_themes_dir,
    load_themes,
    user_themes_dir,
)
from pxa.tui.widgets.chat import ChatPanel
from pxa.tui.widgets.header import StatusHeader

if TYPE_CHECKING:
    from pxa.config import Settings
    from pxa.core.infra import Infra


class PxaApp(OperationsMixin, App[int]):
    TITLE = "pxa"
    CSS_PATH = "pxa.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {OperationsProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        # The footer shows the palette key on its right already: show=False here.
        Binding(
            "ctrl+p", "command_palette", "palette", show=False, id="command-palette", priority=True
        ),
        Binding("ctrl+t", "toggle_chat", "chat", id="toggle-chat"),
        Binding("question_mark", "help", "help", key_display="?", id="help"),
        Binding("ctrl+q", "quit", "quit", id="quit", priority=True),
        *(
            Binding(
                str(n), f"show_pane('{p.pane_id}')", p.title, show=False, id=f"pane-{p.pane_id}"
            )
            for n, p in enumerate(PANES, 1)
        ),
    ]

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        infra: Infra | None = None,
        build: Callable[[], Infra] | None = None,
        api: bool | None = None,
        read_only: bool = False,
        theme: str | None = None,
        themes_dirs: Iterable[Path | None] | None = None,
        cursor_blink: bool = True,
    ) -> None:
        """`infra`: a ready core (tests; not closed on exit). `build`: how to make one in a
        thread (default `pxa.runtime.build_infra`). `api`: serve /v1 (default api.enabled).
        `themes_dirs`: where themes are read from (default built-in, then the user's).
        `cursor_blink`: off for screenshots."""
        super().__init__()
        self.cursor_blink = cursor_blink
        if settings is None:
            from pxa.config import load_settings

            settings = load_settings()
        self.settings = settings
        self.core = CoreRunner(
            self,
            settings,
            infra=infra,
            build=build,
            read_only=read_only,
            api=settings.api.enabled if api is None else api,
        )
        self._read_only_asked = read_only or settings.safety.read_only
        dirs = themes_dirs if themes_dirs is not None else (builtin_themes_dir(), user_themes_dir())
        self.pxa_themes, self.theme_problems = load_themes(dirs)
        for loaded in self.pxa_themes.values():
            self.register_theme(loaded)
        self._wanted_theme = theme or settings.ui.theme
        self.panes: dict[str, Pane] = {}
        self.watched_jobs: dict[str, str] = {}

    # --- what panes use -------------------------------------------------------------------
    @property
    def infra(self) -> Infra | None:  # type: ignore[override]
        return self.core.infra

    @property
    def read_only(self) -> bool:
        return self.infra.read_only if self.infra is not None else self._read_only_asked

    @property
    def api_wanted(self) -> bool:
        return self.core.api_wanted

    @property
    def current_pane(self) -> Pane:
        return self.panes[self._switcher.current or PANES[0].pane_id]

    # --- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        self._tabs = Tabs(
            *(Tab(f"{n} {p.title}", id=f"tab-{p.pane_id}") for n, p in enumerate(PANES, 1)),
            id="pane-tabs",
        )
        self._switcher = ContentSwitcher(initial=PANES[0].pane_id, id="panes")
        self._chat = ChatPanel(id="chat")
        yield StatusHeader(id="header")
        yield self._tabs
        with Horizontal(id="body"):
            with self._switcher:
                for pane_class in PANES:
                    pane = pane_class(id=pane_class.pane_id)
                    self.panes[pane.pane_id] = pane
                    yield pane
            yield self._chat
        yield Footer()

    def on_mount(self) -> None:
        apply_keymap(self, self.settings.ui.keymap)
        apply_theme(self, self._wanted_theme, self.theme_problems)
        self.panes[PANES[0].pane_id].focus()
        self.run_worker(self.core.start(), name="core", group="core", exclusive=True)

    async def on_unmount(self) -> None:
        await self.core.stop()

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return app_variables(self.current_theme)

    # --- core messages the shell itself handles -------------------------------------------
    def on_core_ready(self, message: CoreReady) -> None:
        self.screen.refresh_bindings()  # the core may be read-only for its own reasons
        self.load_summary()

    def on_backend_health_changed(self, message: BackendHealthChanged) -> None:
        if message.healthy:
            self.load_summary()

    def on_job_completed(self, message: JobCompleted) -> None:
        self.job_finished(message.job)

    def on_api_started(self, message: ApiStarted) -> None:
        if message.note:
            self.notify(f"/v1 API: {message.note}", markup=False)

    def on_api_failed(self, message: ApiFailed) -> None:
        self.notify(f"The /v1 API did not start: {message.message}", severity="error", markup=False)

    @work(exclusive=True, group="summary")
    async def load_summary(self) -> None:
        from pxa.tui.bridge import deliver

        summary = await self.run_op("cluster.summary", toast=False) if self.infra else None
        if summary is not None:
            deliver(self, lambda: ClusterSummaryLoaded(summary))

    # --- actions --------------------------------------------------------------------------
    def action_show_pane(self, pane_id: str) -> None:
        self._tabs.active = f"tab-{pane_id}"

    @on(Tabs.TabActivated, "#pane-tabs")
    def _tab_activated(self, event: Tabs.TabActivated) -> None:
        pane_id = (event.tab.id or "").removeprefix("tab-")
        self._switcher.current = pane_id
        self.panes[pane_id].focus_target().focus()

    def action_toggle_chat(self) -> None:
        chat = self._chat
        chat.toggle_class("-open")
        if chat.has_class("-open"):
            chat.focus_input()
        else:
            self.current_pane.focus_target().focus()

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(binding_rows(self.screen)))

    def action_switch_theme(self) -> None:
        self.push_screen(CommandPalette(providers=[ThemesProvider], placeholder="Search themes…"))

    def set_theme(self, name: str) -> None:
        """The palette's choice: applied now and kept in config.toml for the next start."""
        from pxa.config.write import set_value

        self.theme = name
        try:
            saved = set_value("ui.theme", name)
        except ConfigError as exc:
            self.notify(f"Theme {name} is used but not saved: {exc.message}", severity="warning")
        else:
            self.notify(f"Theme {name} saved in {saved}", timeout=3)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        return app_commands(self)
