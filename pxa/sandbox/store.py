"""state.json: atomic writes, at most about a second after a change, and on stop."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

from pxa.sandbox.world import World

DEBOUNCE = 0.5


def load(path: Path) -> World | None:
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    return World.from_dict(data)


def write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


class Saver:
    """Checks the world's version twice a second and writes the state when it moved."""

    def __init__(self, world: World, path: Path) -> None:
        self.world = world
        self.path = path
        self.saved_version = -1
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sandbox-saver", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(DEBOUNCE):
            self.save_if_changed()

    def save_if_changed(self) -> None:
        with self.world.lock:
            # Finishing due tasks is a change too: the file then matches what clients saw.
            self.world.tick(time.time())
            if self.world.version == self.saved_version:
                return
            version = self.world.version
            # Serialise under the lock: the dicts are live and handlers mutate them.
            text = json.dumps(self.world.to_dict(), separators=(",", ":"))
        write(self.path, text)
        self.saved_version = version

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.save_if_changed()
