"""`POST /nodes/{node}/storage/{storage}/upload`: ISOs, container templates, OVAs.

The body arrived through uploads.py, so only the size and checksums exist. The
checks and messages are Status.pm's: 400 `wrong file extension`, `storage 'x' does
not support 'iso' content`; a wrong checksum fails the `imgcopy` task.
"""

from __future__ import annotations

import re
from typing import Any

from pxa.sandbox import uploads
from pxa.sandbox.api.storage_common import storages
from pxa.sandbox.errors import TaskError, fail, param_error
from pxa.sandbox.params import string
from pxa.sandbox.routing import Call, Router, perm
from pxa.sandbox.storage_state import state_of
from pxa.sandbox.storage_types import content_set
from pxa.sandbox.tasks import Task, effect
from pxa.sandbox.volumes import Volume, template_format

COPY_RATE = 800 * (1 << 20)  # bytes per second `cp` manages on the node


def register(r: Router) -> None:
    r.post(
        uploads.UPLOAD_ROUTE,
        upload,
        proxy=False,  # the daemon that received the file copies it to the node
        perms=[perm("/storage/{storage}", "Datastore.AllocateTemplate")],
        params=[
            string(
                "content",
                optional=False,
                enum=("iso", "vztmpl", "import"),
                format="pve-storage-content",
            ),
            string("filename", optional=False, max_length=255),
            string("checksum"),
            string(
                "checksum-algorithm", enum=("md5", "sha1", "sha224", "sha256", "sha384", "sha512")
            ),
            string("tmpfilename", pattern=r"/var/tmp/pveupload-[0-9a-f]+"),
        ],
    )


def _normalize(name: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_.\-+=]", "_", name.replace("\\", "/").rsplit("/", 1)[-1])


def _check_name(content: str, filename: str) -> str:
    if content == "iso" and not re.fullmatch(r"[^/]+\.(iso|img)", filename, re.IGNORECASE):
        raise param_error({"filename": "wrong file extension"})
    if content == "vztmpl" and not re.fullmatch(
        r"[^/]+\.tar\.(gz|xz|zst|bz2)", filename, re.IGNORECASE
    ):
        raise param_error({"filename": "wrong file extension"})
    if content == "import":
        if not re.fullmatch(r"[a-zA-Z0-9\-.+=_]+\.ova", filename):
            raise param_error({"filename": "invalid filename or wrong extension"})
        return "ova"
    return "iso" if content == "iso" else template_format(filename)


def upload(call: Call) -> str:
    state, storeid, node = storages(call), call.params["storage"], call.node
    if node not in call.world.nodes:  # not proxied: the copy to the node would find none
        raise fail(
            f"hostname lookup '{node}' failed - failed to get address info for: {node}: "
            "Name or service not known"
        )
    conf = state.check_enabled(storeid, node)
    if not conf.get("path"):
        raise fail(f"can't upload to storage type '{conf['type']}'")
    tmp = call.get("tmpfilename")
    if not tmp:
        raise fail("missing temporary file name")
    received = uploads.take(tmp)
    if received is None:
        raise fail(f"temporary file '{tmp}' does not exist")
    content = call.params["content"]
    filename = _normalize(call.params["filename"])
    fmt = _check_name(content, filename)
    if content not in content_set(conf):
        raise fail(f"storage '{storeid}' does not support '{content}' content")
    if not call.world.is_online(node):
        raise fail(
            f"can't activate storage '{storeid}' on node '{node}': command "
            f"'/usr/bin/ssh -e none -o 'BatchMode=yes' root@{call.world.nodes[node].ip} "
            f"pvesm status --storage {storeid}' failed: exit code 255"
        )
    state.activate(call.world, storeid, node)
    dest = f"{state.path(storeid, content)}/{filename}"
    lines, error = _lines(call, received, tmp, dest)
    args: dict[str, Any] = {
        "error": error,
        "volume": Volume(
            f"{storeid}:{content}/{filename}",
            content,
            received.size,
            int(call.now),
            fmt,
            node=None if state.shared(storeid) else node,
        ).to_dict(),
    }
    return call.world.spawn(
        node=node,
        kind="imgcopy",
        ident="",
        user=call.principal.actor,
        action="imgcopy",
        seconds=max(0.5, received.size / COPY_RATE),
        now=call.now,
        args=args,
        plan=[(0.9 * i / max(1, len(lines)), line) for i, line in enumerate(lines)],
    )


def _lines(
    call: Call, received: uploads.Received, tmp: str, dest: str
) -> tuple[list[str], str | None]:
    lines = [f"starting file import from: {tmp}"]
    algo, expected = call.get("checksum-algorithm"), call.get("checksum")
    if algo and expected is not None:
        got = received.digests.get(algo, "")
        if got.lower() != str(expected).lower():
            # the front end expects the error on the last line, without noise before it
            return [*lines, "calculating checksum..."], (
                f"checksum mismatch: got '{got}' != expect '{expected}'"
            )
        lines.append("calculating checksum...OK, checksum verified")
    lines += [
        f"target node: {call.node}",
        f"target file: {dest}",
        f"file size is: {received.size}",
        f"command: cp -- {tmp} {dest}",
        "finished file import successfully",
    ]
    return lines, None


@effect("imgcopy")
def _imgcopy(world: Any, task: Task, at: float) -> list[str]:
    if task.args.get("error"):
        raise TaskError(task.args["error"])
    vol = Volume.from_dict(task.args["volume"])
    vol.ctime = int(at)
    state_of(world).put(vol)
    return []
