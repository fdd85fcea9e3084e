"""State of the API areas added after the core world (storage, backups, SDN).

Each area keeps its own state object under `world.areas[<key>]`: seeded with the lab,
saved in state.json, reloaded on restart. A state class provides `key`, `generate(world)`,
`from_dict(data)` and `to_dict()`; list it in `area_states()`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from pxa.sandbox.backup_jobs import BackupJobs
from pxa.sandbox.host_firewall import HostFirewall
from pxa.sandbox.netif_state import NetworkState
from pxa.sandbox.sdn_state import SdnState
from pxa.sandbox.storage_state import StorageState

if TYPE_CHECKING:
    from pxa.sandbox.world import World


class AreaState(Protocol):
    key: ClassVar[str]

    @classmethod
    def generate(cls, world: World) -> AreaState: ...

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AreaState: ...

    def to_dict(self) -> dict[str, Any]: ...


def area_states() -> list[type[AreaState]]:
    """Every area state, in the order they are seeded (later ones may read earlier ones)."""
    return [NetworkState, SdnState, StorageState, BackupJobs, HostFirewall]
