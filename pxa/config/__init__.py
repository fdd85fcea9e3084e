"""Settings: config.toml, then `PXA_SECTION__FIELD` environment overrides, validated by pydantic.

With no file at all pxa runs against the built-in sandbox (`proxmox.host` unset). Secrets
never come from here: `pxa.secrets` reads them from the environment or the OS keyring, and
a secret found in the file is an error that says where it belongs.

Loading collects every problem (TOML syntax, unknown keys, bad values, secrets, missing
certificate files) and reports them together, each once, with the dotted key it concerns.

- `settings`: the pydantic models and their validators.
- `load`: reading the file, layering the environment on it, `load_settings` / `check_config`.
- `env`: `PXA_SECTION__FIELD` variables.
- `secret_keys`: refusing secrets wherever they turn up.
- `problems`: `ConfigProblem` and the translation of pydantic's errors into them.
- `render`: the settings as TOML, and the example config.
"""

from pxa.config.env import ENV_PREFIX, env_overrides
from pxa.config.load import FILE_KEYS, check_config, load_settings
from pxa.config.problems import ENV_SOURCE, ConfigProblem
from pxa.config.render import example_config_text, settings_to_toml
from pxa.config.secret_keys import SECRET_KEYS
from pxa.config.settings import (
    AiSection,
    ApiSection,
    CrossFieldError,
    ProxmoxSection,
    SafetySection,
    SandboxSection,
    Settings,
    UiSection,
)

__all__ = [
    "ENV_PREFIX",
    "ENV_SOURCE",
    "FILE_KEYS",
    "SECRET_KEYS",
    "AiSection",
    "ApiSection",
    "ConfigProblem",
    "CrossFieldError",
    "ProxmoxSection",
    "SafetySection",
    "SandboxSection",
    "Settings",
    "UiSection",
    "check_config",
    "env_overrides",
    "example_config_text",
    "load_settings",
    "settings_to_toml",
]
