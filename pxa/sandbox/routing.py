"""The route table: each API module registers its methods here.

A route names its path exactly as the PVE schema does (`/nodes/{node}/qemu/{vmid}`),
declares its parameters, the privileges it checks, and whether PVE would proxy it
to `{node}` (then the node must be online). The conformance test walks this table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pxa.sandbox.params import Param, declare, integer, string

if TYPE_CHECKING:
    from pxa.sandbox.auth import Principal
    from pxa.sandbox.world import World

# Path placeholders are parameters too; these are their declarations.
PATH_PARAMS: dict[str, Param] = {
    "node": string("node", optional=False, format="pve-node"),
    "vmid": integer("vmid", optional=False, minimum=100, maximum=999999999),
    "upid": string("upid", optional=False),
    "snapname": string("snapname", optional=False, format="pve-configid", max_length=40),
    "pos": integer("pos", minimum=0),
}


# A trailing `{volume}` takes the rest of the path: volume IDs contain `/`
# (`local:iso/x.iso`) and PVE's content subtree has no fragment delimiter.
GREEDY = "{volume}"


@dataclass(frozen=True)
class Perm:
    """`Permission check failed (<path>, <privs>)` unless the caller holds the privileges.

    `any_of=True` is PVE's `['perm', path, [...], 'any', 1]`: one of them suffices.
    """

    path: str
    privs: tuple[str, ...]
    any_of: bool = False


def perm(path: str, *privs: str, any_of: bool = False) -> Perm:
    return Perm(path, tuple(privs), any_of)


@dataclass
class Reply:
    """A result with extra envelope keys, e.g. `total` for the task list and log."""

    data: Any
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Call:
    """What a handler gets: the world (locked for it), typed parameters, the caller."""

    world: World
    params: dict[str, Any]
    principal: Principal
    now: float
    method: str
    path: str

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)

    @property
    def node(self) -> str:
        return str(self.params["node"])

    @property
    def vmid(self) -> int:
        return int(self.params["vmid"])


Handler = Callable[[Call], Any]


@dataclass
class Route:
    method: str
    path: str
    handler: Handler
    params: dict[str, Param]
    perms: tuple[Perm, ...] = ()
    proxy: bool = False
    allowtoken: bool = True
    auth: bool = True
    segments: tuple[str, ...] = ()

    @property
    def placeholders(self) -> list[str]:
        return [s[1:-1] for s in self.segments if s.startswith("{")]


class Router:
    def __init__(self) -> None:
        self._routes: list[Route] = []

    def add(
        self,
        method: str,
        path: str,
        handler: Handler,
        *,
        params: Iterable[Param] = (),
        perms: Iterable[Perm] = (),
        proxy: bool | None = None,
        allowtoken: bool = True,
        auth: bool = True,
    ) -> Route:
        segments = tuple(s for s in path.split("/") if s)
        declared = declare(params)
        for seg in segments:
            if seg.startswith("{"):
                declared.setdefault(seg[1:-1], PATH_PARAMS[seg[1:-1]])
        route = Route(
            method=method,
            path=path,
            handler=handler,
            params=declared,
            perms=tuple(perms),
            # Calls under /nodes/{node} are forwarded to that node unless told otherwise.
            proxy="{node}" in path if proxy is None else proxy,
            allowtoken=allowtoken,
            auth=auth,
            segments=segments,
        )
        self._routes.append(route)
        # Literal segments win over placeholders, as in PVE's handler tree.
        self._routes.sort(key=lambda r: (len(r.segments), [s.startswith("{") for s in r.segments]))
        return route

    def get(self, path: str, handler: Handler, **kw: Any) -> Route:
        return self.add("GET", path, handler, **kw)

    def post(self, path: str, handler: Handler, **kw: Any) -> Route:
        return self.add("POST", path, handler, **kw)

    def put(self, path: str, handler: Handler, **kw: Any) -> Route:
        return self.add("PUT", path, handler, **kw)

    def delete(self, path: str, handler: Handler, **kw: Any) -> Route:
        return self.add("DELETE", path, handler, **kw)

    def routes(self) -> list[Route]:
        return list(self._routes)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        parts = [p for p in path.split("/") if p]
        for route in self._routes:
            n = len(route.segments)
            greedy = route.segments[-1:] == (GREEDY,) and len(parts) > n
            if route.method != method or (len(parts) != n and not greedy):
                continue
            mine = [*parts[: n - 1], "/".join(parts[n - 1 :])] if greedy else parts
            values: dict[str, str] = {}
            for seg, part in zip(route.segments, mine, strict=True):
                if seg.startswith("{"):
                    values[seg[1:-1]] = part
                elif seg != part:
                    break
            else:
                return route, values
        return None
