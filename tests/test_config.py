"""pxa.config and `pxa config`: settings from config.toml and PXA_SECTION__FIELD, checked."""

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from pxa.cli.main import main
from pxa.config import (
    ApiSection,
    ConfigProblem,
    ProxmoxSection,
    Settings,
    check_config,
    load_settings,
    settings_to_toml,
)
from pxa.errors import ConfigError

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"

SECTIONS: dict[str, type[BaseModel]] = {
    name: info.annotation for name, info in Settings.model_fields.items()
}
ALL_FIELDS = [
    (section, field) for section, model in SECTIONS.items() for field in model.model_fields
]


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_for(problems: list[ConfigProblem], key: str) -> ConfigProblem:
    matching = [p for p in problems if p.key == key]
    assert len(matching) == 1, problems
    return matching[0]


def example_sections() -> dict[str, str]:
    """The example file's text under each [section] header."""
    text = EXAMPLE.read_text(encoding="utf-8")
    parts = re.split(r"^\[(\w+)\]\s*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def example_line_value(section: str, field: str) -> Any:
    """The value on the first `# field = value` line of the example's section."""
    match = re.search(rf"^# ({field} = .*)$", example_sections()[section], flags=re.MULTILINE)
    assert match, f"{section}.{field} missing from config.example.toml"
    return tomllib.loads(match.group(1))[field]


# --- loading ---------------------------------------------------------------------------


def test_no_config_file_means_sandbox_mode() -> None:
    settings = load_settings()
    assert settings.sandbox_mode
    assert settings == Settings()


def test_file_values_are_loaded(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[proxmox]\nhost = "pve1.lan"\nport = 8007\nuser = "root@pam"\ntoken_name = "pxa"\n'
        "[sandbox]\nvms = 50\n",
    )
    settings = load_settings(path)
    assert (settings.proxmox.host, settings.proxmox.port) == ("pve1.lan", 8007)
    assert settings.sandbox.vms == 50


def test_proxmox_host_turns_sandbox_mode_off(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nhost = "pve1.lan"\nuser = "root@pam"\n')
    assert not load_settings(path).sandbox_mode


def test_default_file_in_config_dir_is_read(isolated: Path) -> None:
    (isolated / "config").mkdir(parents=True)
    write(isolated / "config", "[safety]\nread_only = true\n")
    assert load_settings().safety.read_only


def test_pxa_config_file_picks_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[ui]\ntheme = 'nord'\n", name="other.toml")
    monkeypatch.setenv("PXA_CONFIG_FILE", str(path))
    assert load_settings().ui.theme == "nord"


def test_env_override_beats_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "[api]\nport = 9000\n")
    monkeypatch.setenv("PXA_API__PORT", "9100")
    assert load_settings(path).api.port == 9100


def test_env_override_bool_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_SAFETY__READ_ONLY", "1")
    assert load_settings().safety.read_only is True


def test_env_override_int_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_SANDBOX__VMS", "200")
    assert load_settings().sandbox.vms == 200


def test_env_override_table_is_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_UI__KEYMAP", '{"vm-start": "s"}')
    assert load_settings().ui.keymap == {"vm-start": "s"}


def test_empty_env_override_unsets_optional_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, '[proxmox]\nhost = "pve1.lan"\nuser = "root@pam"\n')
    monkeypatch.setenv("PXA_PROXMOX__HOST", "")
    assert load_settings(path).sandbox_mode


def test_env_mapping_replaces_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_SAFETY__READ_ONLY", "1")
    assert load_settings(env={}).safety.read_only is False


def test_explicit_missing_path_is_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_settings(tmp_path / "absent.toml")


def test_missing_file_named_by_pxa_config_file_is_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PXA_CONFIG_FILE", str(tmp_path / "absent.toml"))
    with pytest.raises(ConfigError, match=r"absent\.toml"):
        load_settings()


def test_config_error_lists_every_problem(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nport = "x"\n[api]\nport = -1\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "proxmox.port" in str(caught.value)
    assert "api.port" in str(caught.value)


def test_config_error_carries_problems_in_details(tmp_path: Path) -> None:
    path = write(tmp_path, "[proxmox]\nport = 0\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert [p["key"] for p in caught.value.details["problems"]] == ["proxmox.port"]


def test_relative_ca_cert_is_resolved_next_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "pve.pem").write_text("cert")
    path = write(tmp_path, '[proxmox]\nca_cert = "pve.pem"\n')
    assert load_settings(path).proxmox.ca_cert == tmp_path / "pve.pem"


def test_fingerprint_is_normalised_to_colon_separated_upper_case(tmp_path: Path) -> None:
    path = write(tmp_path, f'[proxmox]\nfingerprint = "{"ab" * 32}"\n')
    assert load_settings(path).proxmox.fingerprint == ":".join(["AB"] * 32)


# --- problems --------------------------------------------------------------------------


def test_wrong_type_is_reported_with_its_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nport = "eighty"\n')
    problem = problem_for(check_config(path), "proxmox.port")
    assert problem.file == str(path)
    assert "integer" in problem.message


def test_out_of_range_value_is_reported_with_its_key(tmp_path: Path) -> None:
    path = write(tmp_path, "[proxmox]\nmax_workers = 64\n")
    assert "32" in problem_for(check_config(path), "proxmox.max_workers").message


def test_unknown_key_suggests_the_close_match(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nhots = "pve1"\n')
    assert "did you mean proxmox.host?" in problem_for(check_config(path), "proxmox.hots").message


def test_unknown_section_suggests_the_close_match(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmx]\nhost = "pve1"\n')
    assert "did you mean [proxmox]?" in problem_for(check_config(path), "proxmx").message


def test_key_in_the_wrong_section_names_its_section(tmp_path: Path) -> None:
    path = write(tmp_path, "[api]\nread_only = true\n")
    assert "safety.read_only" in problem_for(check_config(path), "api.read_only").message


def test_secret_in_toml_says_where_it_belongs(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\ntoken_secret = "abc"\n')
    assert problem_for(check_config(path), "proxmox.token_secret").message == (
        "secrets do not belong in config.toml — run 'pxa config set-secret "
        "proxmox.token_secret' (OS keyring) or set PXA_PROXMOX_TOKEN_SECRET"
    )


def test_secret_in_any_section_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[ai]\napi_key = "sk-abc"\n')
    assert "ANTHROPIC_API_KEY" in problem_for(check_config(path), "ai.api_key").message


def test_password_is_refused_pointing_at_the_password_secret(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\npassword = "hunter2"\n')
    assert "PXA_PROXMOX_PASSWORD" in problem_for(check_config(path), "proxmox.password").message


def test_secret_is_reported_once_and_not_as_unknown_key(tmp_path: Path) -> None:
    path = write(tmp_path, '[anthropic]\napi_key = "sk-abc"\n')
    assert [p.key for p in check_config(path)] == ["anthropic.api_key"]


def test_secret_value_never_appears_in_problems(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\ntoken_secret = "very-secret-value"\n')
    assert "very-secret-value" not in str(check_config(path))


def test_secret_load_is_config_error(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\ntoken_secret = "abc"\n')
    with pytest.raises(ConfigError, match="PXA_PROXMOX_TOKEN_SECRET"):
        load_settings(path)


def test_toml_syntax_error_reports_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nport = 8006\nhost = "pve1\n')
    [problem] = check_config(path)
    assert "TOML syntax error at line 3, column" in problem.message


def test_missing_ca_cert_file_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nca_cert = "absent.pem"\n')
    problem = problem_for(check_config(path), "proxmox.ca_cert")
    assert problem.message == f"file not found: {tmp_path / 'absent.pem'}"


def test_missing_tls_key_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "api.crt").write_text("cert")
    path = write(tmp_path, '[api]\ntls_cert = "api.crt"\ntls_key = "api.key"\n')
    assert "file not found" in problem_for(check_config(path), "api.tls_key").message


def test_remote_api_host_without_tls_is_reported_naming_the_keys(tmp_path: Path) -> None:
    path = write(tmp_path, '[api]\nhost = "0.0.0.0"\n')
    message = problem_for(check_config(path), "api.host").message
    for key in ("api.allow_remote", "api.tls_cert", "api.tls_key"):
        assert key in message


def test_remote_api_host_with_allow_remote_but_no_tls_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, '[api]\nhost = "0.0.0.0"\nallow_remote = true\n')
    message = problem_for(check_config(path), "api.host").message
    assert "api.tls_cert" in message
    assert "allow_remote" not in message


def test_remote_api_host_with_allow_remote_and_tls_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "api.crt").write_text("cert")
    (tmp_path / "api.key").write_text("key")
    path = write(
        tmp_path,
        '[api]\nhost = "0.0.0.0"\nallow_remote = true\ntls_cert = "api.crt"\ntls_key = "api.key"\n',
    )
    assert check_config(path) == []


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_loopback_api_host_needs_no_tls(host: str) -> None:
    assert ApiSection(host=host).host == host


def test_tls_cert_without_tls_key_is_reported(tmp_path: Path) -> None:
    (tmp_path / "api.crt").write_text("cert")
    path = write(tmp_path, '[api]\ntls_cert = "api.crt"\n')
    assert "go together" in problem_for(check_config(path), "api.tls_key").message


def test_token_name_without_user_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\ntoken_name = "pxa"\n')
    assert "proxmox.user" in problem_for(check_config(path), "proxmox.token_name").message


def test_host_without_user_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nhost = "pve1.lan"\n')
    assert "required" in problem_for(check_config(path), "proxmox.user").message


def test_user_with_token_id_points_at_token_name(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nuser = "root@pam!pxa"\n')
    assert "token_name" in problem_for(check_config(path), "proxmox.user").message


def test_host_with_port_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, '[proxmox]\nhost = "pve1.lan:8006"\nuser = "root@pam"\n')
    assert "proxmox.port" in problem_for(check_config(path), "proxmox.host").message


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[proxmox]\nport = "x"\npassword = "p"\n[sandbox]\nspeed = 0\n[uii]\ntheme = "a"\n',
    )
    keys = [p.key for p in check_config(path)]
    assert sorted(keys) == ["proxmox.password", "proxmox.port", "sandbox.speed", "uii"]


def test_env_problem_is_attributed_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_SANDBOX__VMS", "lots")
    problem = problem_for(check_config(), "sandbox.vms")
    assert problem.file == "environment"
    assert "PXA_SANDBOX__VMS" in problem.message


def test_unknown_env_override_suggests_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_PROXMOX__HOTS", "pve1")
    message = problem_for(check_config(), "proxmox.hots").message
    assert "did you mean PXA_PROXMOX__HOST?" in message


def test_secret_as_env_override_points_at_the_secret_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PXA_PROXMOX__TOKEN_SECRET", "abc")
    message = problem_for(check_config(), "proxmox.token_secret").message
    assert "PXA_PROXMOX_TOKEN_SECRET" in message


def test_problem_prints_as_file_key_message() -> None:
    problem = ConfigProblem("c.toml", "proxmox.port", "bad")
    assert str(problem) == "c.toml: proxmox.port: bad"


# --- the model -------------------------------------------------------------------------


@pytest.mark.parametrize(("section", "field"), ALL_FIELDS)
def test_every_setting_has_a_description(section: str, field: str) -> None:
    assert SECTIONS[section].model_fields[field].description


def test_sections_refuse_unknown_fields() -> None:
    with pytest.raises(ValueError, match="Extra inputs"):
        ProxmoxSection(hots="pve1")  # type: ignore[call-arg]


def test_settings_to_toml_loads_back_to_the_same_settings(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "proxmox": {"host": "pve1.lan", "user": "root@pam", "token_name": "pxa"},
            "ui": {"keymap": {"vm-start": "s"}},
            "ai": {"base_url": "https://gw.lan/v1"},
        }
    )
    path = write(tmp_path, settings_to_toml(settings))
    assert load_settings(path) == settings


# --- config.example.toml ---------------------------------------------------------------


def test_example_config_loads_to_the_defaults_in_sandbox_mode() -> None:
    settings = load_settings(EXAMPLE)
    assert settings == Settings()
    assert settings.sandbox_mode


def test_example_config_has_no_problems() -> None:
    assert check_config(EXAMPLE) == []


@pytest.mark.parametrize("section", list(SECTIONS))
def test_every_section_appears_in_the_example(section: str) -> None:
    assert section in example_sections()


@pytest.mark.parametrize(("section", "field"), ALL_FIELDS)
def test_every_setting_appears_in_the_example(section: str, field: str) -> None:
    example_line_value(section, field)


@pytest.mark.parametrize(
    ("section", "field"),
    [
        (section, field)
        for section, field in ALL_FIELDS
        if SECTIONS[section].model_fields[field].get_default(call_default_factory=True) is not None
    ],
)
def test_example_shows_the_default_of_every_setting_that_has_one(section: str, field: str) -> None:
    default = SECTIONS[section].model_fields[field].get_default(call_default_factory=True)
    assert example_line_value(section, field) == default


@pytest.mark.parametrize("section", list(SECTIONS))
def test_example_values_are_valid_once_uncommented(section: str) -> None:
    values = {field: example_line_value(section, field) for field in SECTIONS[section].model_fields}
    SECTIONS[section].model_validate(values)


# --- pxa config ------------------------------------------------------------------------


def test_cli_check_without_file_is_ok_in_sandbox_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ")
    assert "sandbox mode" in out


def test_cli_check_names_the_proxmox_host(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[proxmox]\nhost = "pve1.lan"\nuser = "root@pam"\n')
    assert main(["config", "check", str(path)]) == 0
    assert capsys.readouterr().out == f"OK: {path} (proxmox at pve1.lan:8006)\n"


def test_cli_check_prints_each_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[proxmox]\nport = "x"\nhots = 1\n')
    assert main(["config", "check", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[:2] for line in lines] == [
        [str(path), "proxmox.port"],
        [str(path), "proxmox.hots"],
    ]


def test_cli_check_missing_explicit_file_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "check", str(tmp_path / "absent.toml")]) == 1
    assert "not found" in capsys.readouterr().out


def test_cli_check_example_file_is_ok() -> None:
    assert main(["config", "check", str(EXAMPLE)]) == 0


def test_cli_path_prints_the_default_config_file(
    isolated: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["config", "path"]) == 0
    assert capsys.readouterr().out == f"{isolated / 'config' / 'config.toml'}\n"


def test_cli_init_writes_the_example_config(isolated: Path) -> None:
    assert main(["config", "init"]) == 0
    written = isolated / "config" / "config.toml"
    assert written.read_text(encoding="utf-8") == EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_cli_init_file_is_private(isolated: Path) -> None:
    main(["config", "init"])
    assert stat.S_IMODE((isolated / "config" / "config.toml").stat().st_mode) == 0o600


def test_cli_init_refuses_to_overwrite(isolated: Path) -> None:
    (isolated / "config").mkdir(parents=True)
    existing = write(isolated / "config", "[safety]\nread_only = true\n")
    assert main(["config", "init"]) == 1
    assert existing.read_text(encoding="utf-8") == "[safety]\nread_only = true\n"


def test_cli_show_prints_effective_settings_with_their_source(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PXA_SAFETY__READ_ONLY", "1")
    assert main(["config", "show"]) == 0
    assert "read_only = true  # from PXA_SAFETY__READ_ONLY" in capsys.readouterr().out


def test_cli_show_reports_secrets_as_set_without_their_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PXA_PROXMOX_TOKEN_SECRET", "very-secret-value")
    main(["config", "show"])
    out = capsys.readouterr().out
    assert "# proxmox.token_secret: set (environment)" in out
    assert "very-secret-value" not in out


def test_cli_show_with_bad_config_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PXA_API__PORT", "x")
    assert main(["config", "show"]) == 1
    assert "api.port" in capsys.readouterr().err


def test_rate_limits_are_read_as_requests_per_seconds(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[api]\nrate_limits = { read = "5000/3600" }\n')
    assert load_settings(cfg).api.parsed_rate_limits() == {"read": (5000, 3600)}


def test_a_malformed_rate_limit_names_its_key(tmp_path: Path) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text('[api]\nrate_limits = { read = "lots" }\n')
    problems = check_config(cfg)
    assert [p.key for p in problems] == ["api.rate_limits"]
