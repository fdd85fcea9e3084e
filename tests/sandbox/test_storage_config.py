"""`/storage`: the cluster's storage.cfg, created and changed per storage type."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox import paths
from pxa.sandbox.server import SandboxServer

from .helpers import token_client

FINGERPRINT = ":".join(["ab"] * 32)
LAB = ("local", "local-lvm", "nfs-backup", "pbs-main")
VALID = {
    "dir": {"path": "/srv/images", "content": "images,iso"},
    "nfs": {"server": "10.0.0.5", "export": "/export/vm", "path": "/mnt/pve/n1"},
    "lvmthin": {"vgname": "ssd", "thinpool": "data"},
    "zfspool": {"pool": "tank/vm", "sparse": 1},
    "pbs": {"server": "10.0.0.6", "datastore": "store1", "username": "pve@pbs"},
}


@pytest.fixture(scope="module")
def pve(tmp_path_factory: pytest.TempPathFactory, tls_dir: Path) -> Iterator[ProxmoxAPI]:
    """One sandbox for the module: each test changes only storages it created itself."""
    state = tmp_path_factory.mktemp("storage-config")
    shutil.copytree(tls_dir, state / paths.TLS_DIR)
    with SandboxServer(state, speed=50) as srv:
        assert srv.info is not None
        yield token_client(srv.info)


def _error(call: object, **params: object) -> ResourceException:
    with pytest.raises(ResourceException) as err:
        call(**params)  # type: ignore[operator]
    return err.value


@pytest.mark.parametrize("kind", sorted(VALID))
def test_each_type_is_created_with_its_required_options(pve: ProxmoxAPI, kind: str) -> None:
    reply = pve.storage.post(storage=f"new-{kind}", type=kind, **VALID[kind])
    assert reply == {"storage": f"new-{kind}", "type": kind}
    conf = pve.storage(f"new-{kind}").get()
    assert conf["type"] == kind and all(str(conf[k]) == str(v) for k, v in VALID[kind].items())


@pytest.mark.parametrize(
    ("kind", "missing"),
    [
        ("dir", "path"),
        ("nfs", "export"),
        ("lvmthin", "thinpool"),
        ("zfspool", "pool"),
        ("pbs", "datastore"),
    ],
)
def test_a_missing_required_option_is_refused(pve: ProxmoxAPI, kind: str, missing: str) -> None:
    params = {k: v for k, v in VALID[kind].items() if k != missing}
    err = _error(pve.storage.post, storage="broken", type=kind, **params)
    assert (err.status_code, err.content) == (500, f"missing value for required option '{missing}'")


def test_an_option_the_type_does_not_take_is_refused(pve: ProxmoxAPI) -> None:
    err = _error(pve.storage.post, storage="thin2", type="lvmthin", shared=1, **VALID["lvmthin"])
    assert err.content == "unexpected property 'shared'"


def test_an_unknown_content_type_is_a_parameter_error(pve: ProxmoxAPI) -> None:
    err = _error(pve.storage.post, storage="dir2", type="dir", path="/srv", content="iso,movies")
    assert err.status_code == 400
    assert err.errors == {"content": "invalid format - invalid content type 'movies'"}


def test_node_names_must_be_valid(pve: ProxmoxAPI) -> None:
    err = _error(pve.storage.post, storage="dir6", type="dir", path="/srv", nodes="pve1,bad_name")
    assert err.errors == {"nodes": "invalid format - value does not look like a valid node name"}


def test_content_a_type_cannot_hold_is_dropped(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="thin3", type="lvmthin", content="images,iso", **VALID["lvmthin"])
    assert pve.storage("thin3").get()["content"] == "images"


def test_content_left_empty_on_a_type_without_none_is_refused(pve: ProxmoxAPI) -> None:
    err = _error(
        pve.storage.post, storage="thin2", type="lvmthin", content="iso", **VALID["lvmthin"]
    )
    assert err.content == "storage does not support content type 'none'"


def test_network_storages_are_shared_and_default_their_content(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="nfs3", type="nfs", **VALID["nfs"])
    conf = pve.storage("nfs3").get()
    assert (conf["shared"], conf["content"]) == (1, "images")


def test_pbs_password_is_never_read_back(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="pbs3", type="pbs", password="s3cret", **VALID["pbs"])
    listed = next(s for s in pve.storage.get() if s["storage"] == "pbs3")
    assert "password" not in pve.storage("pbs3").get() and "password" not in listed


def test_pbs_encryption_key_is_returned_once_and_its_fingerprint_kept(pve: ProxmoxAPI) -> None:
    reply = pve.storage.post(
        storage="pbs4", type="pbs", **{"encryption-key": "autogen"}, **VALID["pbs"]
    )
    key = json.loads(reply["config"]["encryption-key"])
    assert pve.storage("pbs4").get()["encryption-key"] == key["fingerprint"]


def test_a_pbs_key_that_is_not_json_is_refused(pve: ProxmoxAPI) -> None:
    err = _error(
        pve.storage.post, storage="pbs2", type="pbs", **{"encryption-key": "nope"}, **VALID["pbs"]
    )
    assert err.content == (
        "create storage failed: Value does not seems like a valid, JSON formatted encryption key!"
    )


def test_pbs_fingerprint_must_look_like_one(pve: ProxmoxAPI) -> None:
    err = _error(pve.storage.post, storage="pbs2", type="pbs", fingerprint="ab:cd", **VALID["pbs"])
    assert err.errors == {"fingerprint": "value does not match the regex pattern"}
    pve.storage.post(storage="pbs5", type="pbs", fingerprint=FINGERPRINT, **VALID["pbs"])


def test_an_existing_storage_id_is_refused(pve: ProxmoxAPI) -> None:
    err = _error(pve.storage.post, storage="local", type="dir", path="/srv")
    assert err.content == "create storage failed: storage ID 'local' already defined"


def test_update_changes_options_and_deletes_others(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="dir3", type="dir", nodes="pve1", **VALID["dir"])
    pve.storage("dir3").put(content="backup", disable=1, delete="nodes")
    conf = pve.storage("dir3").get()
    assert (conf["content"], conf["disable"], "nodes" in conf) == ("backup", 1, False)


def test_update_cannot_change_a_fixed_option(pve: ProxmoxAPI) -> None:
    err = _error(pve.storage("local-lvm").put, **{"thinpool": "other"})
    assert err.errors == {
        "thinpool": "property is not defined in schema and the schema does "
        "not allow additional properties"
    }
    err = _error(pve.storage("pbs-main").put, server="10.9.9.9")
    assert err.content == "update storage failed: can't change value of fixed parameter 'server'"


def test_update_with_a_stale_digest_is_refused(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="dir4", type="dir", **VALID["dir"])
    digest = pve.storage("dir4").get()["digest"]
    pve.storage("dir4").put(content="iso")
    err = _error(pve.storage("dir4").put, content="backup", digest=digest)
    assert err.content.endswith(
        "detected modified configuration - file changed by other user? Try again."
    )


def test_delete_removes_the_definition(pve: ProxmoxAPI) -> None:
    pve.storage.post(storage="dir5", type="dir", **VALID["dir"])
    pve.storage("dir5").delete()
    assert "dir5" not in {s["storage"] for s in pve.storage.get()}
    err = _error(pve.storage("dir5").get)
    assert err.content == "storage 'dir5' does not exist"


def test_list_filters_by_type(pve: ProxmoxAPI) -> None:
    listed = pve.storage.get(type="pbs")
    assert "pbs-main" in {s["storage"] for s in listed} and {s["type"] for s in listed} == {"pbs"}


def test_lab_storages_are_seeded(pve: ProxmoxAPI) -> None:
    types = {s["storage"]: (s["type"], s["content"]) for s in pve.storage.get()}
    assert {k: v for k, v in types.items() if k in LAB} == {
        "local": ("dir", "backup,iso,snippets,vztmpl"),
        "local-lvm": ("lvmthin", "images,rootdir"),
        "nfs-backup": ("nfs", "backup,iso"),
        "pbs-main": ("pbs", "backup"),
    }
    assert pve.storage("pbs-main").get()["encryption-key"].count(":") == 31
