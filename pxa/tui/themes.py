"""Colour themes are data: TOML files validated by pydantic, turned into Textual `Theme`s.

Built-in themes are the top-level `themes/*.toml` of the project (shipped in the wheel as
data files under `<prefix>/share/pxa/themes`); a person's own are `<config dir>/themes/*.toml`
and win over a built-in of the same name. Files that do not validate are collected as
`ThemeProblem`s, never raised: the app lists them in one notification and carries on.

pxa's own colours are theme *variables* (`APP_VARIABLES`); `pxa.tcss` uses them by name and
never holds a colour. A theme that leaves one out gets it derived from its base colours
(`app_variables`), so Textual's own themes work too.
"""

from __future__ import annotations

import re
import sys
import sysconfig
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from textual.color import Color, ColorParseError
from textual.theme import Theme

import pxa

if TYPE_CHECKING:
    from textual.app import App

DEFAULT_THEME = "proxmox-dark"
# Where `[tool.setuptools.data-files]` in pyproject.toml installs the top-level themes/.
DATA_SUBDIR = ("share", "pxa", "themes")

APP_VARIABLES: dict[str, str] = {
    "status-running": "a running VM, a healthy connection",
    "status-stopped": "a stopped VM",
    "status-paused": "a paused or suspended VM, a VM holding a lock",
    "status-unknown": "a VM whose node does not answer",
    "severity-critical": "a critical finding or alert",
    "severity-high": "a high-severity finding",
    "severity-medium": "a medium-severity finding",
    "severity-low": "a low-severity finding",
    "badge-sandbox": "the SANDBOX badge in the header",
    "badge-read-only": "the READ-ONLY badge in the header",
}

_TEXT_STYLES = {"none", "bold", "italic", "underline", "reverse", "strike", "dim"}
_ALPHA = re.compile(r"^(?P<colour>.+?)(?:\s+(?P<alpha>\d{1,3})%)?$")


def _colour(value: str) -> str:
    try:
        Color.parse(value)
    except ColorParseError:
        raise ValueError(f"not a colour: {value!r} (use #rrggbb, rgb(r, g, b) or a name)") from None
    return value


def _variable_value(value: str) -> str:
    """A colour, a colour with an opacity (`#81a1c1 35%`), or text-style words."""
    if set(value.split()) <= _TEXT_STYLES and value.strip():
        return value
    match = _ALPHA.match(value.strip())
    if match is None or (match["alpha"] is not None and int(match["alpha"]) > 100):
        raise ValueError(f"not a colour: {value!r}")
    _colour(match["colour"])
    return value


ColourValue = Annotated[str, AfterValidator(_colour)]
VariableName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
VariableValue = Annotated[str, AfterValidator(_variable_value)]


class ThemeFile(BaseModel):
    """One theme file. Colours left out are derived by Textual from `primary` and `dark`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    name: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")
    """What `ui.theme` and the palette call it: lowercase words joined by '-'."""
    dark: bool = True
    """Whether this is a dark theme (Textual derives shades differently)."""
    primary: ColourValue
    secondary: ColourValue | None = None
    accent: ColourValue | None = None
    warning: ColourValue | None = None
    error: ColourValue | None = None
    success: ColourValue | None = None
    foreground: ColourValue | None = None
    background: ColourValue | None = None
    surface: ColourValue | None = None
    panel: ColourValue | None = None
    boost: ColourValue | None = None
    variables: dict[VariableName, VariableValue] = Field(default_factory=dict)
    """pxa's colours (`APP_VARIABLES`) and any Textual theme variable."""

    def to_theme(self) -> Theme:
        fields = self.model_dump(exclude={"variables"})
        theme = Theme(**fields)
        theme.variables = {**app_variables(theme), **self.variables}
        return theme


@dataclass(frozen=True)
class ThemeProblem:
    source: str  # the file's name
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.message}"


def app_variables(theme: Theme) -> dict[str, str]:
    """pxa's variables derived from a theme's base colours (for themes that leave them out)."""
    base = theme.to_color_system().generate()
    fg, bg = Color.parse(base["foreground"]), Color.parse(base["background"])
    error, warning = Color.parse(base["error"]), Color.parse(base["warning"])
    return {
        "status-running": base["success"],
        "status-stopped": fg.blend(bg, 0.4).hex,
        "status-paused": base["warning"],
        "status-unknown": fg.blend(bg, 0.6).hex,
        "severity-critical": base["error"],
        "severity-high": error.blend(warning, 0.5).hex,
        "severity-medium": base["warning"],
        "severity-low": base["secondary"],
        "badge-sandbox": base["accent"],
        "badge-read-only": base["error"],
    }


def read_theme_file(path: Path) -> Theme:
    """Parse and validate one file; raises ValueError with every problem in one line."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"cannot be read: {exc}") from None
    try:
        return ThemeFile.model_validate(data).to_theme()
    except ValidationError as exc:
        raise ValueError("; ".join(_describe(e) for e in exc.errors())) from None


def _describe(error: dict) -> str:
    where = ".".join(str(p) for p in error["loc"]) or "file"
    message = str(error["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}"


def load_themes(dirs: Iterable[Path | None]) -> tuple[dict[str, Theme], list[ThemeProblem]]:
    """Every valid theme in `dirs` (later dirs win by name) and the problems of the rest."""
    themes: dict[str, Theme] = {}
    problems: list[ThemeProblem] = []
    for folder in dirs:
        if folder is None or not folder.is_dir():
            continue
        seen: dict[str, str] = {}
        for path in sorted(folder.glob("*.toml")):
            try:
                theme = read_theme_file(path)
            except ValueError as exc:
                problems.append(ThemeProblem(path.name, str(exc)))
                continue
            if theme.name in seen:
                problems.append(
                    ThemeProblem(path.name, f"name {theme.name!r} is also {seen[theme.name]}'s")
                )
                continue
            seen[theme.name] = path.name
            themes[theme.name] = theme
    return themes, problems


def builtin_themes_dir(
    package_dir: Path | None = None, installed: Iterable[Path] | None = None
) -> Path | None:
    """The folder of the built-in themes: the checkout's `themes/`, else the installed copy.

    A checkout is recognised by `pyproject.toml` next to the `pxa` package; an installed
    wheel keeps the themes where pip put its data files (`<prefix>/share/pxa/themes`).
    """
    package_dir = package_dir or Path(pxa.__file__).resolve().parent
    root = package_dir.parent
    if (root / "pyproject.toml").is_file() and (root / "themes").is_dir():
        return root / "themes"
    for candidate in installed if installed is not None else installed_theme_dirs():
        if candidate.is_dir():
            return candidate
    return None


def installed_theme_dirs() -> Iterator[Path]:
    """Where an installed pxa's data files may be: its own record first, then the schemes."""
    from importlib import metadata

    try:
        files = metadata.distribution("pxa").files or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if tuple(file.parts[-4:-1]) == DATA_SUBDIR and file.suffix == ".toml":
            yield Path(str(file.locate())).resolve().parent
            break
    for scheme_data in (sysconfig.get_path("data"), sys.prefix, _user_base()):
        if scheme_data:
            yield Path(scheme_data).joinpath(*DATA_SUBDIR)


def _user_base() -> str | None:
    import site

    return site.getuserbase()


def apply_theme(app: App, wanted: str, problems: list[ThemeProblem]) -> None:
    """Use theme `wanted`, else the default; every problem goes in one notification."""
    notes = [str(p) for p in problems]
    if app.get_theme(wanted) is None:
        notes.append(f"no theme named {wanted!r}")
        wanted = DEFAULT_THEME
    if app.get_theme(wanted) is not None:
        app.theme = wanted
    if notes:
        app.notify(
            "\n".join(notes) + f"\nUsing {app.theme}.",
            title="Themes not loaded",
            severity="warning",
            timeout=15,
            markup=False,
        )


def user_themes_dir() -> Path:
    from pxa.paths import config_dir

    return config_dir() / "themes"
