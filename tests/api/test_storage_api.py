"""/v1/storage: pools, their content and multipart uploads handed to a job."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from support import LiveApi, error, wait_job


@pytest.fixture
def nfs_pool() -> dict:
    return {
        "name": "nfs-iso",
        "type": "nfs",
        "server": "192.168.1.40",
        "export": "/srv/iso",
        "content": ["iso", "vztmpl"],
    }


def upload(
    http: httpx.Client, name: str, data: bytes = b"\0" * 4096, **form: str
) -> httpx.Response:
    return http.post(
        "/storage/local/upload", data={"content": "iso", **form}, files={"file": (name, data)}
    )


def raw_upload(http: httpx.Client, filename: bytes | None) -> httpx.Response:
    """A multipart body written by hand: httpx would escape control characters in the name.

    With no filename the form has no file part at all.
    """
    b = b"pxa-test-boundary"
    parts = [b'Content-Disposition: form-data; name="content"\r\n\r\niso']
    if filename is not None:
        parts.append(
            b'Content-Disposition: form-data; name="file"; filename="' + filename + b'"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n0123456789"
        )
    body = b"".join(b"--" + b + b"\r\n" + p + b"\r\n" for p in parts) + b"--" + b + b"--\r\n"
    return http.post(
        "/storage/local/upload",
        content=body,
        headers={"Content-Type": "multipart/form-data; boundary=" + b.decode()},
    )


def test_list_has_pools_with_content_and_usage_per_node(http: httpx.Client) -> None:
    r = http.get("/storage")
    assert r.status_code == 200
    pools = r.json()["data"]["storage"]
    local = next(p for p in pools if p["id"] == "local")
    assert "iso" in local["content"] and local["usage"] and local["total_gb"]


def test_list_filters_by_content(http: httpx.Client) -> None:
    pools = http.get("/storage", params={"content": "backup"}).json()["data"]["storage"]
    assert pools and all("backup" in p["content"] for p in pools)


def test_get_returns_the_pool(http: httpx.Client) -> None:
    r = http.get("/storage/local-lvm")
    assert r.status_code == 200 and r.json()["data"]["storage"]["type"] == "lvmthin"


def test_unknown_pool_is_404(http: httpx.Client) -> None:
    r = http.get("/storage/nowhere")
    assert r.status_code == 404 and error(r)["code"] == "RESOURCE_NOT_FOUND"


def test_create_returns_201_with_the_pool(http: httpx.Client, nfs_pool: dict) -> None:
    r = http.post("/storage", json=nfs_pool)
    assert r.status_code == 201, r.text
    pool = r.json()["data"]["storage"]
    assert (pool["id"], pool["type"], pool["shared"]) == ("nfs-iso", "nfs", True)


def test_create_without_a_required_setting_is_422_naming_it(
    http: httpx.Client, nfs_pool: dict
) -> None:
    r = http.post("/storage", json={**nfs_pool, "export": None})
    assert r.status_code == 422 and error(r)["details"]["field"] == "export"


def test_create_with_a_taken_name_is_409(http: httpx.Client, nfs_pool: dict) -> None:
    r = http.post("/storage", json={**nfs_pool, "name": "local"})
    assert r.status_code == 409 and error(r)["code"] == "RESOURCE_CONFLICT"


def test_content_lists_the_isos(http: httpx.Client) -> None:
    r = http.get("/storage/local/content", params={"content": "iso"})
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["storage_id"] == "local" and data["node"]
    assert data["items"] and all(i["content"] == "iso" for i in data["items"])


def test_upload_returns_202_and_the_job_puts_the_file_on_the_storage(
    http: httpx.Client,
) -> None:
    r = upload(http, "tiny-installer.iso")
    assert r.status_code == 202, r.text
    job = wait_job(http, r.json()["data"]["job"]["job_id"])
    assert job["status"] == "completed", job["error"]
    assert job["result"]["volid"] == "local:iso/tiny-installer.iso"
    items = http.get("/storage/local/content", params={"content": "iso"}).json()["data"]["items"]
    assert "local:iso/tiny-installer.iso" in {i["volid"] for i in items}


@pytest.mark.parametrize(
    ("form", "ending"), [({}, "completed"), ({"checksum": "0" * 64}, "failed")]
)
def test_the_temp_file_is_deleted_when_the_job_ends_however_it_ends(
    http: httpx.Client, api: LiveApi, form: dict, ending: str
) -> None:
    job_id = upload(http, "cleanup.iso", **form).json()["data"]["job"]["job_id"]
    path = Path(json.loads(api.infra.jobs.repo.row(job_id)["params"])["path"])
    assert path.name == "cleanup.iso"
    assert wait_job(http, job_id)["status"] == ending
    deadline = time.monotonic() + 5
    while path.parent.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not path.parent.exists()


@pytest.mark.parametrize(
    "name",
    [b"../escape.iso", b"dir/file.iso", b"nul\0.iso", b"tab\t.iso", b".."],
)
def test_an_unsafe_file_name_is_422_naming_filename(http: httpx.Client, name: bytes) -> None:
    r = raw_upload(http, name)
    assert r.status_code == 422
    assert error(r)["code"] == "VALIDATION_ERROR" and error(r)["details"]["field"] == "filename"


def test_an_upload_the_core_refuses_leaves_no_temp_file(http: httpx.Client) -> None:
    before = set(Path(tempfile_dir()).glob("pxa-upload-*"))
    r = upload(http, "notes.txt")
    assert r.status_code == 422 and error(r)["details"]["reason"] == "wrong_extension"
    assert set(Path(tempfile_dir()).glob("pxa-upload-*")) == before


def test_an_upload_without_a_file_part_is_422_naming_file(http: httpx.Client) -> None:
    r = raw_upload(http, None)
    assert r.status_code == 422 and error(r)["details"]["field"] == "file"


def test_an_unknown_form_field_is_422_naming_it(http: httpx.Client) -> None:
    r = upload(http, "x.iso", storage="elsewhere")
    assert r.status_code == 422 and error(r)["details"]["field"] == "storage"


def test_an_upload_that_is_not_multipart_is_415(http: httpx.Client) -> None:
    r = http.post("/storage/local/upload", json={"content": "iso"})
    assert r.status_code == 415 and error(r)["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_an_upload_needs_storage_write(api: LiveApi, anon: httpx.Client) -> None:
    from pxa.core.tokens import Principal
    from pxa.models.token import TokenCreate

    admin = Principal(id="t", scopes=frozenset({"storage:read"}))
    ro = api.infra.tokens.create(TokenCreate(name="ro", permissions=["storage:read"]), admin)
    r = anon.post(
        "/storage/local/upload",
        headers={"Authorization": f"Bearer {ro.access_token}"},
        data={"content": "iso"},
        files={"file": ("x.iso", b"x")},
    )
    assert r.status_code == 403 and error(r)["code"] == "INSUFFICIENT_PERMISSIONS"


def tempfile_dir() -> str:
    import tempfile

    return tempfile.gettempdir()
