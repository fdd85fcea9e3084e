"""`pxa tf`, run as a person runs it: a subprocess against the test's sandbox."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import hcl2
import pytest
from support import cluster_env

from pxa.sandbox.server import SandboxServer

Run = Callable[..., subprocess.CompletedProcess[str]]
SEED = "Create a secure web server VM with Nginx, SSL certificate, and firewall rules"


@pytest.fixture
def pxa(sandbox: SandboxServer) -> Run:
    env = cluster_env(sandbox.info)

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pxa", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=90,
        )

    return run


def test_tf_prints_the_code_and_the_summary(pxa: Run) -> None:
    out = pxa("tf", SEED)
    assert out.returncode == 0, out.stderr
    assert 'resource "proxmox_virtual_environment_vm" "web_01"' in out.stdout
    assert "validation 100/100" in out.stdout and "security passed" in out.stdout


def test_tf_json_answers_the_generate_result(pxa: Run) -> None:
    out = pxa("tf", "a debian 12 vm with 4 cores", "--provider", "telmate", "--json")
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["generated_code"]["validation_score"] == 100
    assert 'resource "proxmox_vm_qemu"' in result["generated_code"]["code"]
    assert result["ai_model"] == "pxa-offline-parser"


def test_tf_out_writes_every_file_of_a_valid_module(pxa: Run, tmp_path: Path) -> None:
    out = pxa("tf", SEED, "--out", str(tmp_path / "tf"), "--quiet")
    assert out.returncode == 0, out.stderr
    written = sorted(
        p.relative_to(tmp_path / "tf").as_posix()
        for p in (tmp_path / "tf").rglob("*")
        if p.is_file()
    )
    assert written == [
        "cloud-init/web-01.yaml.tftpl",
        "main.tf",
        "outputs.tf",
        "providers.tf",
        "variables.tf",
    ]
    hcl2.loads((tmp_path / "tf" / "main.tf").read_text())


def test_tf_refuses_a_non_empty_directory_and_leaves_it_alone(pxa: Run, tmp_path: Path) -> None:
    target = tmp_path / "work" / "tf"
    target.mkdir(parents=True)
    (target / "keep.txt").write_text("mine")
    out = pxa("tf", SEED, "--out", str(target), "--quiet")
    assert out.returncode == 1 and "not empty" in out.stderr
    assert [p.name for p in target.iterdir()] == ["keep.txt"]
    assert [p.name for p in target.parent.iterdir()] == ["tf"]  # no staging directory left


def test_tf_bad_input_writes_nothing_and_names_the_field(pxa: Run, tmp_path: Path) -> None:
    out = pxa("tf", "a vm with 0 cores", "--out", str(tmp_path / "tf"))
    assert out.returncode == 1
    assert "spec.vms[0].cores" in out.stderr
    assert not (tmp_path / "tf").exists()


def test_tf_export_writes_import_blocks(pxa: Run, tmp_path: Path) -> None:
    out = pxa("tf", "export", "--tag", "web", "--node", "pve1", "--out", str(tmp_path / "x"), "-q")
    assert out.returncode == 0, out.stderr
    imports = (tmp_path / "x" / "imports.tf").read_text()
    assert 'id = "pve1/100"' in imports
