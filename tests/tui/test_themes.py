"""Themes are data: validated files, found from a checkout and from an installed wheel."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from pxa.tui.themes import (
    APP_VARIABLES,
    DATA_SUBDIR,
    DEFAULT_THEME,
    builtin_themes_dir,
    load_themes,
    read_theme_file,
)

from .helpers import notifications, settle

ROOT = Path(__file__).resolve().parents[2]


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text)
    return path


# --- the files ----------------------------------------------------------------------------


def test_the_built_in_themes_validate_and_set_every_app_variable() -> None:
    themes, problems = load_themes([ROOT / "themes"])
    assert problems == []
    assert {DEFAULT_THEME, "light", "nord"} <= set(themes)
    for theme in themes.values():
        assert set(APP_VARIABLES) <= set(theme.variables), theme.name


def test_a_theme_that_leaves_app_variables_out_gets_them_derived(tmp_path: Path) -> None:
    path = _write(tmp_path, "mine.toml", 'name = "mine"\nprimary = "#336699"\nsuccess = "green"\n')
    theme = read_theme_file(path)
    assert set(APP_VARIABLES) <= set(theme.variables)
    assert theme.variables["status-running"] == "#008000"


def test_every_problem_of_every_file_is_collected_and_the_good_ones_load(tmp_path: Path) -> None:
    _write(tmp_path, "a-good.toml", 'name = "good"\nprimary = "#336699"\n')
    _write(tmp_path, "b-colour.toml", 'name = "bad"\nprimary = "orangey"\nshade = 3\n')
    _write(tmp_path, "c-syntax.toml", 'name = "broken\n')
    _write(tmp_path, "d-twin.toml", 'name = "good"\nprimary = "#112233"\n')
    themes, problems = load_themes([tmp_path])
    assert list(themes) == ["good"]
    by_file = {p.source: p.message for p in problems}
    assert set(by_file) == {"b-colour.toml", "c-syntax.toml", "d-twin.toml"}
    assert "primary: not a colour: 'orangey'" in by_file["b-colour.toml"]
    assert "shade: Extra inputs are not permitted" in by_file["b-colour.toml"]
    assert by_file["c-syntax.toml"].startswith("not valid TOML")


def test_the_stylesheet_holds_no_colour() -> None:
    tcss = (ROOT / "pxa" / "tui" / "pxa.tcss").read_text()
    code = re.sub(r"/\*.*?\*/", "", tcss, flags=re.S)
    assert not re.search(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsl\(", code)
    assert "$badge-sandbox" in code and "$status-running" in code


# --- where the built-in themes are found ---------------------------------------------------


def test_from_a_checkout_the_themes_are_the_top_level_folder() -> None:
    assert builtin_themes_dir() == ROOT / "themes"


def test_from_an_install_the_themes_are_the_data_files(tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    (site / "pxa").mkdir(parents=True)
    assert builtin_themes_dir(site / "pxa", installed=[tmp_path / "share/pxa/themes"]) is None
    _write(tmp_path / "share/pxa/themes", "x.toml", 'name = "x"\nprimary = "red"\n')
    found = builtin_themes_dir(site / "pxa", installed=[tmp_path / "share/pxa/themes"])
    assert found == tmp_path / "share/pxa/themes"


def _setuptools_data_files() -> list[tuple[str, list[str]]]:
    from setuptools.config.pyprojecttoml import apply_configuration
    from setuptools.dist import Distribution

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # [tool.setuptools] in pyproject is "beta"
        dist = apply_configuration(Distribution(), ROOT / "pyproject.toml")
    return list(dist.data_files or [])


def test_the_wheel_ships_every_theme_where_an_installed_pxa_looks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lay pxa out as pip installs its wheel (package, data files, RECORD) and ask it."""
    monkeypatch.chdir(ROOT)  # setuptools expands the data-files globs from the project root
    data_files = _setuptools_data_files()
    shipped = {Path(f).name for _, files in data_files for f in files}
    assert shipped == {p.name for p in (ROOT / "themes").glob("*.toml")}

    prefix = tmp_path / "prefix"
    site = (
        prefix
        / "lib"
        / f"python{sys.version_info.major}.{sys.version_info.minor}"
        / "site-packages"
    )
    record = []
    for module in ("__init__.py", "tui/__init__.py", "tui/themes.py"):
        (site / "pxa" / module).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "pxa" / module, site / "pxa" / module)
        record.append(f"pxa/{module},,")
    for target, files in data_files:
        assert tuple(Path(target).parts) == DATA_SUBDIR
        for file in files:
            (prefix / target).mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / file, prefix / target / Path(file).name)
            record.append(f"../../../{target}/{Path(file).name},,")
    dist_info = site / "pxa-0.1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: pxa\nVersion: 0.1.0\n")
    (dist_info / "RECORD").write_text("\n".join(record) + "\n")

    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import pxa;"
        "assert pxa.__file__.startswith(sys.argv[1]), pxa.__file__;"
        "from pxa.tui.themes import builtin_themes_dir, load_themes;"
        "d = builtin_themes_dir(); print(d); print(sorted(load_themes([d])[0]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(site)], capture_output=True, text=True, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    where, names = out.stdout.splitlines()
    assert Path(where) == (prefix / "share" / "pxa" / "themes").resolve()
    assert names == str(sorted(p.stem for p in (ROOT / "themes").glob("*.toml")))


# --- in the app ---------------------------------------------------------------------------


async def test_a_broken_user_theme_gives_one_notification_and_the_default_theme(
    make_app, isolated: Path
) -> None:
    user = isolated / "config" / "themes"
    _write(user, "broken.toml", 'name = "broken"\nprimary = "not-a-colour"\n')
    _write(user, "junk.toml", "this is not toml")
    app = make_app(theme="broken")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == DEFAULT_THEME
        toasts = await notifications(pilot)
        assert len(toasts) == 1
        message = toasts[0].message
        assert "broken.toml: primary: not a colour" in message
        assert "junk.toml: not valid TOML" in message
        assert "no theme named 'broken'" in message
        assert message.endswith(f"Using {DEFAULT_THEME}.")


async def test_a_user_theme_is_used_when_the_config_names_it(make_app, isolated: Path) -> None:
    from .helpers import tui_settings

    _write(isolated / "config" / "themes", "mine.toml", 'name = "mine"\nprimary = "#336699"\n')
    app = make_app(tui_settings(ui={"theme": "mine"}))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.theme == "mine"
        assert await notifications(pilot) == []
        assert "status-paused" in app.get_css_variables()
