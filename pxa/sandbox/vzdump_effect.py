"""What finishing a vzdump task does: the planned archives appear, pruned ones go.

A job with failed guests still keeps the archives of the others, then ends with
`TASK ERROR: job errors` as vzdump does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pxa.sandbox.errors import TaskError
from pxa.sandbox.storage_state import state_of
from pxa.sandbox.tasks import Task, effect
from pxa.sandbox.volumes import Volume

if TYPE_CHECKING:
    from pxa.sandbox.world import World


ACTION = "vzdump"  # the task action this module registers


@effect(ACTION)
def _vzdump(world: World, task: Task, at: float) -> list[str]:
    if task.args.get("error"):
        raise TaskError(task.args["error"])
    state = state_of(world)
    for data in task.args.get("volumes", []):
        if data["volid"].split(":", 1)[0] in state.configs:
            state.put(Volume.from_dict(data))
    for volid, node in task.args.get("pruned", []):
        found = next((v for v in state.volumes if v.volid == volid and v.node == node), None)
        if found is not None and not found.protected:  # protected meanwhile: kept
            state.remove(found)
    if task.args.get("failed"):
        raise TaskError("job errors")
    return []
