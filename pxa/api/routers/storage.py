"""/v1/storage: the seed's Storage API — pools, their content, and uploads.

An upload arrives as `multipart/form-data`. It is parsed only after the caller is
authenticated (a FastAPI `File()` parameter would read the body first), spooled to disk
by the parser, copied in chunks into a private temporary folder under its own safe name
(PVE names the volume after the file), and handed to `storage.upload`. The folder goes
when the upload job ends, however it ends.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any, BinaryIO

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from pxa.api.deps import Allowed, InfraDep, call_args
from pxa.api.envelope import Envelope, ok
from pxa.api.errors import ApiError
from pxa.core.context import CallContext
from pxa.core.infra import Infra
from pxa.models.event import Event
from pxa.models.storage import ContentList, ContentType, StorageCreate, StorageList, StoragePool
from pxa.models.vm import JobAccepted

router = APIRouter(prefix="/storage", tags=["storage"])

CHUNK = 1024 * 1024
FORM_FIELDS = ("content", "node", "checksum", "checksum_algorithm")
UPLOAD_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "content"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "content": {"type": "string", "enum": ["iso", "vztmpl", "import"]},
                        "node": {"type": "string"},
                        "checksum": {"type": "string", "description": "expected hex digest"},
                        "checksum_algorithm": {
                            "type": "string",
                            "enum": ["md5", "sha1", "sha224", "sha256", "sha384", "sha512"],
                            "default": "sha256",
                        },
                    },
                }
            }
        },
    }
}


class StorageData(BaseModel):
    storage: StoragePool


class JobData(BaseModel):
    job: JobAccepted


@router.get("", response_model=Envelope[StorageList])
async def list_storage(
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("storage.list"))],
    type: str | None = None,
    content: ContentType | None = None,
    node: str | None = None,
) -> Envelope[StorageList]:
    args = call_args(type=type, content=content, node=node)
    return ok(request, await infra.call("storage.list", args, ctx))


@router.post("", status_code=201, response_model=Envelope[StorageData])
async def create_storage(
    body: StorageCreate,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("storage.create"))],
) -> Envelope[StorageData]:
    return ok(request, StorageData(storage=await infra.call("storage.create", body, ctx)))


@router.get("/{storage_id}", response_model=Envelope[StorageData])
async def get_storage(
    storage_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("storage.get"))],
) -> Envelope[StorageData]:
    pool = await infra.call("storage.get", {"storage_id": storage_id}, ctx)
    return ok(request, StorageData(storage=pool))


@router.get("/{storage_id}/content", response_model=Envelope[ContentList])
async def list_content(
    storage_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("storage.content"))],
    node: str | None = None,
    content: ContentType | None = None,
    vmid: Annotated[int | None, Query(ge=1)] = None,
) -> Envelope[ContentList]:
    args = call_args(storage_id=storage_id, node=node, content=content, vmid=vmid)
    return ok(request, await infra.call("storage.content", args, ctx))


@router.post(
    "/{storage_id}/upload",
    status_code=202,
    response_model=Envelope[JobData],
    openapi_extra=UPLOAD_FORM,
)
async def upload(
    storage_id: str,
    request: Request,
    infra: InfraDep,
    ctx: Annotated[CallContext, Depends(Allowed("storage.upload"))],
) -> Envelope[JobData]:
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "send the upload as multipart/form-data")
    async with request.form(max_files=1, max_fields=8) as form:
        unknown = sorted(set(form.keys()) - {"file", *FORM_FIELDS})
        if unknown:
            raise _invalid(unknown[0], "unknown_field", f"unknown form field {unknown[0]!r}")
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise _invalid("file", "missing", "the form needs a file part named 'file'")
        name = safe_name(file.filename)
        args: dict[str, Any] = {"storage_id": storage_id}
        for key in FORM_FIELDS:
            value = form.get(key)
            if isinstance(value, UploadFile):
                raise _invalid(key, "not_text", f"{key} is a text field, not a file")
            if value:
                args[key] = value
        folder = Path(tempfile.mkdtemp(prefix="pxa-upload-"))
        try:
            path = folder / name
            await asyncio.to_thread(_copy, file.file, path)
            job = await infra.call("storage.upload", {**args, "path": str(path)}, ctx)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
    remove_when_done(infra, job.job_id, folder)
    return ok(request, JobData(job=job))


def safe_name(raw: str | None) -> str:
    """The client's file name as the volume's name, or a VALIDATION_ERROR naming `filename`."""
    name = raw or ""
    bad = (
        not name.strip(". ")
        or ".." in name
        or "/" in name
        or "\\" in name
        or any(ord(c) < 32 or ord(c) == 127 for c in name)
        or len(name.encode()) > 255
    )
    if bad:
        raise ApiError(
            422,
            "VALIDATION_ERROR",
            f"unsafe file name {raw!r}: give a plain name without paths, '..' or control "
            "characters",
            {"field": "filename", "reason": "unsafe_filename", "provided_value": raw},
        )
    return name


def _invalid(field: str, reason: str, message: str) -> ApiError:
    return ApiError(422, "VALIDATION_ERROR", message, {"field": field, "reason": reason})


def _copy(source: BinaryIO, dest: Path) -> None:
    source.seek(0)
    with dest.open("xb") as out:
        shutil.copyfileobj(source, out, CHUNK)


def remove_when_done(infra: Infra, job_id: str, folder: Path) -> None:
    """Delete the upload's folder when its job ends (completed, failed or cancelled)."""

    def on_event(event: Event) -> None:
        if (event.data.get("job") or {}).get("id") == job_id:
            unsubscribe()
            shutil.rmtree(folder, ignore_errors=True)

    unsubscribe = infra.bus.subscribe(on_event, {"job.completed"})
    job = infra.jobs.repo.get(job_id, with_logs=False)
    if job is None or job.status.finished:  # it ended before we listened
        unsubscribe()
        shutil.rmtree(folder, ignore_errors=True)
