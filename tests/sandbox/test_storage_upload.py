"""Uploads: multipart through proxmoxer, a large body streamed, and what PVE refuses."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Iterator

import pytest
import requests
from proxmoxer import ProxmoxAPI, ResourceException

from pxa.sandbox.server import SandboxInfo, SandboxServer

from .helpers import wait_task

BOUNDARY = "pxa-test-boundary-7c1e"
BLOCK = 1 << 20


def _file(name: str, size: int = 4096) -> io.BytesIO:
    data = io.BytesIO(bytes(i % 251 for i in range(size)))
    data.name = name
    return data


def _upload(pve: ProxmoxAPI, storage: str, content: str, name: str, **extra: object) -> str:
    return (
        pve.nodes("pve1")
        .storage(storage)
        .upload.post(content=content, filename=_file(name), **extra)
    )


def _log(pve: ProxmoxAPI, upid: str) -> list[str]:
    return [line["t"] for line in pve.nodes("pve1").tasks(upid).log.get(limit=0)]


def test_an_iso_uploads_through_proxmoxer(pve: ProxmoxAPI) -> None:
    upid = _upload(pve, "local", "iso", "rescue.iso")
    assert upid.split(":")[5:7] == ["imgcopy", ""]
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    item = pve.nodes("pve1").storage("local").content("local:iso/rescue.iso").get()
    assert (item["size"], item["path"]) == (4096, "/var/lib/vz/template/iso/rescue.iso")
    assert "target file: /var/lib/vz/template/iso/rescue.iso" in _log(pve, upid)


def test_a_template_lands_in_the_template_cache(pve: ProxmoxAPI) -> None:
    wait_task(pve, _upload(pve, "local", "vztmpl", "alpine-3.20-default_20240908_amd64.tar.xz"))
    volids = {v["volid"]: v for v in pve.nodes("pve1").storage("local").content.get()}
    assert volids["local:vztmpl/alpine-3.20-default_20240908_amd64.tar.xz"]["format"] == "txz"


def test_a_matching_checksum_is_verified(pve: ProxmoxAPI) -> None:
    digest = hashlib.sha256(_file("x").getvalue()).hexdigest()
    upid = _upload(
        pve, "local", "iso", "ok.iso", checksum=digest, **{"checksum-algorithm": "sha256"}
    )
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    assert "calculating checksum...OK, checksum verified" in _log(pve, upid)


def test_a_wrong_checksum_fails_the_task(pve: ProxmoxAPI) -> None:
    upid = _upload(
        pve, "local", "iso", "bad.iso", checksum="0" * 32, **{"checksum-algorithm": "md5"}
    )
    got = hashlib.md5(_file("x").getvalue()).hexdigest()
    assert wait_task(pve, upid)["exitstatus"] == (
        f"checksum mismatch: got '{got}' != expect '{'0' * 32}'"
    )
    assert "local:iso/bad.iso" not in {
        v["volid"] for v in pve.nodes("pve1").storage("local").content.get()
    }


@pytest.mark.parametrize(("content", "name"), [("iso", "notes.txt"), ("vztmpl", "ct.tar")])
def test_a_wrong_extension_is_refused(pve: ProxmoxAPI, content: str, name: str) -> None:
    with pytest.raises(ResourceException) as err:
        _upload(pve, "local", content, name)
    assert (err.value.status_code, err.value.errors) == (400, {"filename": "wrong file extension"})


def test_content_the_storage_does_not_hold_is_refused(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        _upload(pve, "nfs-backup", "vztmpl", "debian.tar.zst")
    assert err.value.content == "storage 'nfs-backup' does not support 'vztmpl' content"


def test_a_storage_without_a_path_takes_no_uploads(pve: ProxmoxAPI) -> None:
    with pytest.raises(ResourceException) as err:
        _upload(pve, "local-lvm", "iso", "x.iso")
    assert err.value.content == "can't upload to storage type 'lvmthin'"


def test_an_offline_storage_takes_no_uploads(sandbox: SandboxServer, pve: ProxmoxAPI) -> None:
    sandbox.faults.offline_storages.add("local")
    with pytest.raises(ResourceException) as err:
        _upload(pve, "local", "iso", "x.iso")
    assert err.value.content == "storage 'local' is not online"


def test_upload_needs_no_csrf_token_with_a_ticket(info: SandboxInfo) -> None:
    login = requests.post(
        f"{info.url}/api2/json/access/ticket",
        verify=info.ca_cert,
        data={"username": info.user, "password": info.password},
    )
    ticket = login.json()["data"]["ticket"]
    resp = requests.post(
        f"{info.url}/api2/json/nodes/pve1/storage/local/upload",
        verify=info.ca_cert,
        cookies={"PVEAuthCookie": ticket},
        data={"content": "iso"},
        files={"filename": ("nocsrf.iso", b"\0" * 512, "application/octet-stream")},
    )
    assert resp.status_code == 200 and resp.json()["data"].startswith("UPID:pve1:")


def _blocks(size: int) -> Iterator[bytes]:
    for n in range(size // BLOCK):
        yield n.to_bytes(4, "big") * (BLOCK // 4)


def _streamed(size: int, sha256: str) -> Iterator[bytes]:
    fields = {"content": "iso", "checksum-algorithm": "sha256", "checksum": sha256}
    for name, value in fields.items():
        yield (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="filename"; '
        'filename="big.iso"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    yield from _blocks(size)
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_large_body_is_streamed_not_buffered(info: SandboxInfo, pve: ProxmoxAPI) -> None:
    size = 50 * BLOCK
    digest = hashlib.sha256()
    for block in _blocks(size):
        digest.update(block)
    tracemalloc.start()
    try:
        resp = requests.post(
            f"{info.url}/api2/json/nodes/pve1/storage/local/upload",
            data=_streamed(size, digest.hexdigest()),  # a generator: sent chunked as produced
            headers={
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Authorization": f"PVEAPIToken={info.token_id}={info.token_secret}",
            },
            verify=info.ca_cert,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert resp.status_code == 200, resp.reason
    assert peak < 16 * BLOCK  # neither side held the 50 MiB body
    upid = resp.json()["data"]
    assert wait_task(pve, upid)["exitstatus"] == "OK"
    assert "calculating checksum...OK, checksum verified" in _log(pve, upid)
    item = pve.nodes("pve1").storage("local").content("local:iso/big.iso").get()
    assert item["size"] == size
