"""pxa.secrets: environment first, then the OS keyring, never a plaintext file."""

from __future__ import annotations

import io
from pathlib import Path

import keyring
import keyring.core
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.errors import KeyringLocked, PasswordDeleteError

from pxa import secrets
from pxa.cli.main import main
from pxa.errors import ConfigError


class MemoryKeyring(KeyringBackend):
    """A keyring that lives in a dict, so tests never touch the developer's real one."""

    priority = 1
    # Subclasses register themselves with keyring; not viable keeps this one out of the
    # backend detection that other tests in this process might trigger.
    viable = False

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.store.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class LockedKeyring(MemoryKeyring):
    """A keyring that is there but refuses to open (a locked desktop wallet)."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("wallet locked")


@pytest.fixture(autouse=True)
def no_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start each test with no usable keyring; tests that want one install it themselves."""
    # monkeypatch puts back whatever backend (or none yet) keyring had before the test.
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    keyring.set_keyring(fail.Keyring())


@pytest.fixture
def memory_keyring() -> MemoryKeyring:
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    return backend


def test_secret_names_map_each_secret_to_its_env_var() -> None:
    assert dict(secrets.SECRET_NAMES) == {
        "proxmox.token_secret": "PXA_PROXMOX_TOKEN_SECRET",
        "proxmox.password": "PXA_PROXMOX_PASSWORD",
        "anthropic.api_key": "ANTHROPIC_API_KEY",
    }


def test_set_secret_then_get_secret_returns_it(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("proxmox.token_secret", "abc-123")
    assert secrets.get_secret("proxmox.token_secret") == "abc-123"


def test_secret_is_stored_under_service_pxa_with_its_name(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("anthropic.api_key", "sk-test")
    assert memory_keyring.store == {("pxa", "anthropic.api_key"): "sk-test"}


def test_env_var_wins_over_keyring(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets.set_secret("proxmox.token_secret", "from-keyring")
    monkeypatch.setenv("PXA_PROXMOX_TOKEN_SECRET", "from-env")
    assert secrets.get_secret("proxmox.token_secret") == "from-env"


def test_get_secret_reads_given_env_mapping_instead_of_os_environ(
    memory_keyring: MemoryKeyring,
) -> None:
    env = {"ANTHROPIC_API_KEY": "sk-mapping"}
    assert secrets.get_secret("anthropic.api_key", env=env) == "sk-mapping"


def test_unset_secret_is_none(memory_keyring: MemoryKeyring) -> None:
    assert secrets.get_secret("proxmox.password") is None


def test_delete_secret_removes_it(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("proxmox.password", "hunter2")
    assert secrets.delete_secret("proxmox.password") is True
    assert secrets.get_secret("proxmox.password") is None


def test_delete_secret_that_was_not_stored_returns_false(memory_keyring: MemoryKeyring) -> None:
    assert secrets.delete_secret("proxmox.password") is False


def test_secret_source_says_where_the_value_comes_from(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    secrets.set_secret("proxmox.token_secret", "x")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "y")
    assert secrets.secret_source("proxmox.token_secret") == "keyring"
    assert secrets.secret_source("anthropic.api_key") == "environment"
    assert secrets.secret_source("proxmox.password") is None


def test_unknown_secret_name_is_config_error_listing_known_names() -> None:
    with pytest.raises(ConfigError, match=r"proxmox\.token_secret"):
        secrets.get_secret("proxmox.tokn_secret")


def test_empty_secret_is_refused(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(ConfigError, match="empty"):
        secrets.set_secret("proxmox.token_secret", "")


def test_without_keyring_get_secret_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PXA_PROXMOX_TOKEN_SECRET", "from-env")
    assert secrets.get_secret("proxmox.token_secret") == "from-env"


def test_without_keyring_unset_secret_is_none() -> None:
    assert secrets.get_secret("proxmox.token_secret") is None


def test_without_keyring_set_secret_names_the_env_var() -> None:
    with pytest.raises(ConfigError, match="PXA_PROXMOX_TOKEN_SECRET") as caught:
        secrets.set_secret("proxmox.token_secret", "abc")
    assert "no OS keyring" in str(caught.value)


def test_without_keyring_set_secret_writes_no_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        secrets.set_secret("proxmox.token_secret", "abc")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_keyring_that_drops_values_is_refused() -> None:
    keyring.set_keyring(null.Keyring())
    with pytest.raises(ConfigError, match="PXA_PROXMOX_PASSWORD"):
        secrets.set_secret("proxmox.password", "abc")


def test_locked_keyring_falls_back_to_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    keyring.set_keyring(LockedKeyring())
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env")
    assert secrets.get_secret("anthropic.api_key") == "sk-env"


def test_locked_keyring_without_env_gives_none() -> None:
    keyring.set_keyring(LockedKeyring())
    assert secrets.get_secret("anthropic.api_key") is None


# --- pxa config set-secret / delete-secret ---------------------------------------------


def test_cli_set_secret_stores_value_read_from_stdin(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("piped-secret\n"))
    assert main(["config", "set-secret", "proxmox.token_secret"]) == 0
    assert memory_keyring.store[("pxa", "proxmox.token_secret")] == "piped-secret"


def test_cli_set_secret_reads_hidden_prompt_on_a_terminal(
    memory_keyring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: "typed-secret")
    assert main(["config", "set-secret", "anthropic.api_key"]) == 0
    assert memory_keyring.store[("pxa", "anthropic.api_key")] == "typed-secret"


def test_cli_set_secret_does_not_echo_the_value(
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("piped-secret\n"))
    main(["config", "set-secret", "proxmox.token_secret"])
    captured = capsys.readouterr()
    assert "piped-secret" not in captured.out + captured.err


def test_cli_set_secret_without_keyring_exits_1_naming_env_var(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("abc\n"))
    assert main(["config", "set-secret", "proxmox.token_secret"]) == 1
    assert "PXA_PROXMOX_TOKEN_SECRET" in capsys.readouterr().err


def test_cli_delete_secret_removes_it(memory_keyring: MemoryKeyring) -> None:
    secrets.set_secret("proxmox.password", "hunter2")
    assert main(["config", "delete-secret", "proxmox.password"]) == 0
    assert memory_keyring.store == {}
