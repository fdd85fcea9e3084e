"""Secrets are never stored or printed, and pxa's data files are private.

One full session runs against a sandbox: the PVE token secret and an Anthropic key in the
environment (where pxa reads them), the local admin's password, an API token created over
/v1 and used, webhooks with signing secrets (one delivered, one to a receiver that is
down), a PBS storage added with its password, VM operations (jobs, audit rows), failed
calls, and the command line (`pxa config init`, `config show`, `vm list`, a job handed to
its runner, `pxa ask` against a local stand-in for Anthropic's API so a conversation is
kept, `pxa chat list`, a wrong PVE secret). Then every secret is searched for in every file
under pxa's data and config directories (the SQLite database and its WAL included, logs,
config), in every column of every table of the database (conversations included, and any
table added later), in everything logged and printed, and in every /v1 answer but the
one that hands a new token out. Only the webhook signing secret has a place at rest: the
sender must have it to sign (a receiver's own secret, not one of pxa's credentials).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from messages_server import MessagesServer, text_reply, tool_use_reply
from support import LiveApi, cluster_env, start_api, wait_job

from pxa.core.tokens import all_scopes
from pxa.paths import config_dir, data_dir
from pxa.sandbox.server import SandboxServer
from pxa.webhooks import RetryPolicy


@dataclass
class Session:
    """What the session left behind, and the secrets it used."""

    secrets: dict[str, str]
    data: Path
    config: Path
    at_rest_allowed: dict[str, set[str]]  # secret name → "table.column" it may live in
    answers: list[str] = field(default_factory=list)  # every /v1 answer body but one
    printed: list[str] = field(default_factory=list)  # CLI stdout + stderr


class Receiver:
    def __init__(self) -> None:
        owner = self
        self.bodies: list[bytes] = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
                owner.bodies.append(str(dict(self.headers)).encode())
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def pxa_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pxa", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=90,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    tmp = tmp_path_factory.mktemp("secrets")
    home = tmp / "home"
    patch = pytest.MonkeyPatch()
    for key in list(os.environ):
        if key.startswith("PXA_") or key == "ANTHROPIC_API_KEY":
            patch.delenv(key)
    patch.setenv("PXA_DATA_DIR", str(home / "data"))
    patch.setenv("PXA_CONFIG_DIR", str(home / "config"))
    patch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    sandbox = SandboxServer(tmp / "sandbox", speed=40.0)
    info = sandbox.start()
    values = {
        "pve_token_secret": info.token_secret,
        "anthropic_key": "sk-ant-api03-" + secrets.token_urlsafe(40),
        "admin_password": "pw-" + secrets.token_urlsafe(18),
        "webhook_secret": "whsec-" + secrets.token_hex(16),
        "webhook_secret_down": "whsec-" + secrets.token_hex(16),
        "pbs_password": "pbs-" + secrets.token_urlsafe(18),
        "wrong_pve_secret": "00000000-" + secrets.token_hex(12),
    }
    patch.setenv("ANTHROPIC_API_KEY", values["anthropic_key"])
    patch.setenv("PXA_PROXMOX_TOKEN_SECRET", values["pve_token_secret"])
    handler = _Capture()
    logging.getLogger().addHandler(handler)
    old_level = logging.getLogger().level
    logging.getLogger().setLevel(logging.DEBUG)
    receiver = Receiver()
    api = start_api(sandbox, data_dir() / "pxa.db")
    try:
        done = _api_session(api, values, receiver)
        done.data, done.config = data_dir(), config_dir()
        done.printed += _cli_session(info, values)
        done.printed.append("\n".join(handler.lines))
        done.printed += [b.decode(errors="replace") for b in receiver.bodies]
        yield done
    finally:
        api.stop()
        receiver.close()
        sandbox.stop()
        logging.getLogger().removeHandler(handler)
        logging.getLogger().setLevel(old_level)
        patch.undo()


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))
        if record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info))


def _api_session(api: LiveApi, values: dict[str, str], receiver: Receiver) -> Session:
    api.run(api.infra.webhooks.start(retry=RetryPolicy(base_seconds=0.2, timeout_seconds=1)))
    api.infra.tokens.set_password("admin", values["admin_password"])
    done = Session(secrets=values, data=Path(), config=Path(), at_rest_allowed={})
    base = api.url
    with httpx.Client(base_url=base, timeout=30) as anon:
        made = anon.post(
            "/auth/tokens",
            json={"name": "session", "permissions": all_scopes()},
            auth=("admin", values["admin_password"]),
        )
        assert made.status_code == 201, made.text
        token = made.json()["data"]["access_token"]  # the one answer allowed to hold it
        values["api_token"] = token
        values["api_token_tail"] = token[8:]  # the part never stored (the prefix is)
        done.answers.append(
            anon.post("/auth/tokens", json={"name": "x"}, auth=("admin", "wrong")).text
        )
        done.answers.append(anon.get("/vms", headers={"Authorization": "Bearer pxa_nope"}).text)
    auth = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=auth, timeout=30) as http:
        answers = done.answers
        vms = http.get("/vms", params={"status": "stopped", "limit": 200})
        answers.append(vms.text)
        vm = next(v for v in vms.json()["data"]["vms"] if v["node"] != "pve3" and not v["lock"])
        started = http.post(f"/vms/{vm['id']}/start")
        answers.append(started.text)
        answers.append(json.dumps(wait_job(http, started.json()["data"]["job"]["job_id"])))
        for secret_name, url in (
            ("webhook_secret", receiver.url),
            ("webhook_secret_down", "http://127.0.0.1:9/hook"),
        ):
            r = http.post(
                "/webhooks",
                json={"url": url, "events": ["vm.status_changed"], "secret": values[secret_name]},
            )
            assert r.status_code == 201, r.text
            answers.append(r.text)
            webhook_id = r.json()["data"]["webhook"]["id"]
            answers.append(http.post(f"/webhooks/{webhook_id}/test").text)
            time.sleep(0.5)
            answers.append(http.get(f"/webhooks/{webhook_id}/deliveries").text)
            answers.append(http.get(f"/webhooks/{webhook_id}").text)
        answers.append(
            http.post(
                "/webhooks", json={"url": receiver.url, "events": ["vm.created"], "secret": "x"}
            ).text
        )
        pbs = {
            "name": "pbs-secret-test",
            "type": "pbs",
            "server": "127.0.0.1",
            "datastore": "store1",
            "username": "backup@pbs!pxa",
            "password": values["pbs_password"],
            "fingerprint": ":".join(["ab"] * 32),
            "content": ["backup"],
        }
        answers.append(http.post("/storage", json=pbs).text)
        answers.append(http.get("/storage").text)
        answers.append(http.get("/jobs", params={"limit": 100}).text)
        answers.append(http.get("/auth/tokens").text)
        answers.append(http.get("/health").text)
        answers.append(http.get("/info").text)
        deadline = time.monotonic() + 5
        while not receiver.bodies and time.monotonic() < deadline:
            time.sleep(0.05)
        assert receiver.bodies, "the webhook ping was not delivered"
    done.at_rest_allowed = {
        "webhook_secret": {"webhooks.secret"},
        "webhook_secret_down": {"webhooks.secret"},
    }
    return done


def _cli_session(info: Any, values: dict[str, str]) -> list[str]:
    env = cluster_env(info, with_secret=False)
    runs = [
        pxa_cli(env, "config", "init"),
        pxa_cli(env, "config", "show"),
        pxa_cli(env, "config", "check"),
        pxa_cli(env, "vm", "list", "--json", "--limit", "200"),
    ]
    vms = json.loads(runs[-1].stdout)["vms"]
    stopped = next(v for v in vms if v["status"] == "stopped" and v["node"] != "pve3")
    runs.append(pxa_cli(env, "vm", "start", stopped["name"], "--json"))  # hands the job over
    job = json.loads(runs[-1].stdout)
    runs.append(pxa_cli(env, "job", "show", job["job_id"], "--wait"))
    # A conversation with the assistant (a local stand-in for Anthropic's API): the key
    # is sent to that API, and the conversation is kept in the database.
    messages = MessagesServer().start()
    try:
        messages.script(
            tool_use_reply("vm_list", {"node": "pve2"}), text_reply("Eleven guests on pve2.")
        )
        chat = {**env, "PXA_AI__BASE_URL": messages.base_url}
        runs.append(pxa_cli(chat, "ask", "what runs on pve2?"))
        assert "Eleven guests" in runs[-1].stdout, runs[-1].stdout + runs[-1].stderr
        sent = messages.headers[0]
        assert values["anthropic_key"] in str(sent)  # used where it belongs
        runs.append(pxa_cli(chat, "chat", "list"))
    finally:
        messages.stop()
    wrong = {**env, "PXA_PROXMOX_TOKEN_SECRET": values["wrong_pve_secret"]}
    runs.append(pxa_cli(wrong, "vm", "list"))
    assert runs[-1].returncode == 1  # refused by PVE, and said so
    assert all(r.returncode == 0 for r in runs[:-1]), [r.stderr for r in runs]
    return [r.stdout + r.stderr for r in runs]


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*")]


def database_cells(path: Path) -> Iterator[tuple[str, str]]:
    """Every text and blob cell of every table, as ("table.column", text)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        for table in tables:
            cursor = conn.execute(f'select * from "{table}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes):
                        value = value.decode(errors="replace")
                    if isinstance(value, str):
                        yield f"{table}.{column}", value
    finally:
        conn.close()


def test_the_session_used_every_kind_of_secret_and_kept_a_conversation(
    session: Session,
) -> None:
    assert set(session.secrets) >= {
        "pve_token_secret",
        "anthropic_key",
        "admin_password",
        "api_token",
        "webhook_secret",
        "pbs_password",
    }
    assert (session.data / "pxa.db").exists() and any(session.config.iterdir())
    cells = [text for _, text in database_cells(session.data / "pxa.db")]
    assert any("Eleven guests on pve2." in text for text in cells)  # chat history is there


def test_no_secret_is_in_any_file_of_the_data_or_config_dirs(session: Session) -> None:
    found = []
    files = [p for p in files_under(session.data, session.config) if p.is_file()]
    assert files
    for path in files:
        content = path.read_bytes()
        for name, value in session.secrets.items():
            if value.encode() in content and not (
                session.at_rest_allowed.get(name) and path.name.startswith("pxa.db")
            ):
                found.append((name, str(path)))
    assert found == []


def test_no_secret_is_in_any_table_of_the_database(session: Session) -> None:
    found = []
    for where, text in database_cells(session.data / "pxa.db"):
        for name, value in session.secrets.items():
            if value in text and where not in session.at_rest_allowed.get(name, set()):
                found.append((name, where))
    assert found == []


def test_the_webhook_secret_lives_only_in_its_webhook_row(session: Session) -> None:
    places = {
        where
        for where, text in database_cells(session.data / "pxa.db")
        if session.secrets["webhook_secret"] in text
    }
    assert places == {"webhooks.secret"}


def test_no_secret_is_logged_or_printed(session: Session) -> None:
    text = "\n".join(session.printed)
    assert "vm.status_changed" in text and "PROXMOX" in text  # logs and CLI were captured
    assert [name for name, value in session.secrets.items() if value in text] == []


def test_no_api_answer_holds_a_secret(session: Session) -> None:
    text = "\n".join(session.answers)
    assert [name for name, value in session.secrets.items() if value in text] == []


def test_data_and_config_files_are_owner_only(session: Session) -> None:
    loose = []
    for path in files_under(session.data, session.config):
        mode = stat.S_IMODE(path.stat().st_mode)
        if (path.is_dir() and mode & 0o077) or (path.is_file() and mode != 0o600):
            loose.append((str(path), oct(mode)))
    for root in (session.data, session.config):
        if stat.S_IMODE(root.stat().st_mode) & 0o077:
            loose.append((str(root), oct(stat.S_IMODE(root.stat().st_mode))))
    assert loose == []
