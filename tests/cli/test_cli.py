"""The command line, run as a person runs it: `python -m pxa ...` in a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from support import cluster_env

from pxa.sandbox.server import SandboxServer

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def pxa(sandbox: SandboxServer, isolated: Path) -> Run:
    """`pxa` configured (through the environment) for the test's sandbox as a real cluster."""
    env = cluster_env(sandbox.info)

    def run(
        *args: str, input: str | None = None, timeout: float = 90, **extra: str
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pxa", *args],
            capture_output=True,
            text=True,
            env={**env, **extra},
            input=input,
            timeout=timeout,
        )

    return run


def test_vm_list_json_lists_the_cluster(pxa: Run) -> None:
    out = pxa("vm", "list", "--json", "--limit", "200")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["pagination"]["total"] >= 24
    assert {"id", "name", "node", "status", "environment"} <= set(data["vms"][0])


def test_vm_list_prints_a_table(pxa: Run) -> None:
    out = pxa("vm", "list", "--env", "production")
    assert out.returncode == 0, out.stderr
    assert "production" in out.stdout and "of" in out.stdout


def test_vm_show_of_an_unknown_vm_is_one_clear_line_and_exit_1(pxa: Run) -> None:
    out = pxa("vm", "show", "no-such-vm")
    assert out.returncode == 1
    assert out.stderr.startswith("error: VM 'no-such-vm' not found")
    assert "Traceback" not in out.stderr


def test_vm_create_with_wait_follows_the_job_to_completion(pxa: Run) -> None:
    out = pxa(
        "vm",
        "create",
        "cli-made-01",
        "--template",
        "ubuntu-22.04",
        "--cores",
        "2",
        "--memory",
        "1024",
        "--disk",
        "12",
        "--env",
        "development",
        "--wait",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    job = json.loads(out.stdout)
    assert job["status"] == "completed" and job["progress"] == 100
    shown = json.loads(pxa("vm", "show", "cli-made-01", "--json").stdout)
    assert shown["status"] == "running" and shown["environment"] == "development"


def test_vm_create_without_wait_returns_and_the_job_still_finishes(pxa: Run) -> None:
    out = pxa("vm", "create", "cli-made-02", "--template", "debian-12", "--no-start", "--json")
    assert out.returncode == 0, out.stderr
    created = json.loads(out.stdout)
    assert created["status"] == "creating"
    followed = pxa("job", "show", created["creation_job_id"], "--wait", "--json")
    assert followed.returncode == 0, followed.stderr
    assert json.loads(followed.stdout)["status"] == "completed"


def test_bad_sizes_are_refused_naming_the_field(pxa: Run) -> None:
    out = pxa("vm", "create", "x-01", "--template", "ubuntu-22.04", "--memory", "0")
    assert out.returncode == 1
    assert "configuration.memory_mb" in out.stderr


def test_delete_without_a_terminal_needs_yes(pxa: Run) -> None:
    name = json.loads(pxa("vm", "list", "--json", "--status", "stopped").stdout)["vms"][0]["name"]
    out = pxa("vm", "delete", name)
    assert out.returncode == 1
    assert "--yes" in out.stderr
    assert pxa("vm", "show", name).returncode == 0


def test_read_only_refuses_a_start(pxa: Run) -> None:
    name = json.loads(pxa("vm", "list", "--json", "--status", "stopped").stdout)["vms"][0]["name"]
    out = pxa("--read-only", "vm", "start", name)
    assert out.returncode == 1
    assert "read-only" in out.stderr


def test_job_list_shows_what_ran(pxa: Run) -> None:
    name = json.loads(pxa("vm", "list", "--json", "--status", "stopped").stdout)["vms"][0]["name"]
    assert pxa("vm", "start", name, "--wait").returncode == 0
    out = pxa("job", "list")
    assert "vm_start" in out.stdout and "completed" in out.stdout


def test_a_wrong_token_secret_says_so(pxa: Run) -> None:
    out = pxa("vm", "list", PXA_PROXMOX_TOKEN_SECRET="wrong")
    assert out.returncode == 1
    assert "refused pxa's credentials" in out.stderr


def test_a_config_for_an_unreachable_cluster_says_where(pxa: Run) -> None:
    out = pxa("vm", "list", PXA_PROXMOX__PORT="1")
    assert out.returncode == 1
    assert "unreachable at https://127.0.0.1:1" in out.stderr
