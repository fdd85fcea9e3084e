"""What every resource shares: building a request flow and reading its result."""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import Any, Protocol, TypeVar
from urllib.parse import quote

import pydantic

from pxa.models.common import Message
from pxa.sdk._flow import Emit, Flow, RequestSpec, RetryPolicy, exchange
from pxa.sdk.errors import PxaConnectionError

M = TypeVar("M", bound=pydantic.BaseModel)


class Driver(Protocol):
    """What a client gives its resources: a retry policy and a way to run flows."""

    retry: RetryPolicy

    def _run(self, flow: Flow[Any]) -> Any: ...

    def _stream(self, flow: Flow[None]) -> Any: ...


def seg(value: object) -> str:
    """One path segment: ids from callers are quoted, so `a/b` cannot change the route."""
    return quote(str(value), safe="")


def query(values: Mapping[str, Any]) -> dict[str, Any]:
    """Query parameters: unset ones are not sent, enums as their value, lists joined by ','."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, list | tuple | set | frozenset):
            value = ",".join(str(v.value if isinstance(v, Enum) else v) for v in value)
        out[key] = value
    return out


def payload(body: Mapping[str, Any] | pydantic.BaseModel | None, fields: Mapping[str, Any]) -> dict:
    """A JSON body from a dict or a model, with keyword fields on top; None fields dropped."""
    if body is None:
        base: dict[str, Any] = {}
    elif isinstance(body, pydantic.BaseModel):
        base = body.model_dump(mode="json", exclude_unset=True)
        for name in base:  # a request model's secrets are meant to be sent
            value = getattr(body, name, None)
            if isinstance(value, pydantic.SecretStr):
                base[name] = value.get_secret_value()
    else:
        base = dict(body)
    base.update({k: v for k, v in fields.items() if v is not None})
    return base


def nest(body: dict[str, Any], section: str, keys: frozenset[str]) -> dict[str, Any]:
    """Move flat `keys` (the seed's `cpu_cores`, `memory_mb`, ...) into `body[section]`."""
    flat = {k: body.pop(k) for k in list(body) if k in keys}
    if not flat:
        return body
    nested = dict(body.get(section) or {})
    for key, value in flat.items():
        if key in nested and nested[key] != value:
            raise ValueError(
                f"{key} given both flat ({value!r}) and in {section} ({nested[key]!r})"
            )
        nested[key] = value
    body[section] = nested
    return body


def result(body: dict[str, Any], model: type[M], key: str | None = None) -> M:
    """`data` (or `data[key]`) of an envelope, validated as `model`."""
    data = body.get("data")
    if key is not None:
        data = data.get(key) if isinstance(data, dict) else None
    try:
        return model.model_validate(data)
    except pydantic.ValidationError as exc:
        where = f"data.{key}" if key else "data"
        raise PxaConnectionError(
            f"the server's {where} is not a {model.__name__}: {exc.errors()[0]['msg']}",
            code="INVALID_RESPONSE",
            request_id=(body.get("meta") or {}).get("request_id"),
        ) from exc


def message(body: dict[str, Any]) -> Message:
    """The acknowledgement of a call that returns no resource (`message`, or data.message)."""
    text = body.get("message")
    data = body.get("data")
    if text is None and isinstance(data, dict):
        text = data.get("message")
    return Message(message=str(text or "ok"))


class Resource:
    """One area of /v1. Methods describe requests; the client's driver runs them."""

    def __init__(self, client: Driver) -> None:
        self._client = client

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        files: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        idempotency_key: str | None = None,
    ) -> Flow[dict[str, Any]]:
        spec = RequestSpec(
            method=method,
            path=path,
            params=query(params) if params else None,
            json=json,
            data=data,
            files=files,
            headers=dict(headers or {}),
            idempotency_key=idempotency_key,
        )
        return exchange(spec, self._client.retry)

    def _model_flow(
        self, method: str, path: str, model: type[M], key: str | None = None, **kw: Any
    ) -> Flow[M]:
        body = yield from self._send(method, path, **kw)
        return result(body, model, key)

    def _message_flow(self, method: str, path: str, **kw: Any) -> Flow[Message]:
        body = yield from self._send(method, path, **kw)
        return message(body)

    def _model(
        self, method: str, path: str, model: type[M], key: str | None = None, **kw: Any
    ) -> Any:
        """Run one request; its `data` (or `data[key]`) as `model` (awaitable when async)."""
        return self._client._run(self._model_flow(method, path, model, key, **kw))

    def _ack(self, method: str, path: str, **kw: Any) -> Any:
        return self._client._run(self._message_flow(method, path, **kw))

    def _cursor_pages(
        self, path: str, model: type[pydantic.BaseModel], items: str, filters: dict[str, Any]
    ) -> Flow[None]:
        """Every item of every page, following the opaque `pagination.next_cursor`."""
        params = {k: v for k, v in filters.items() if k not in ("offset", "cursor")}
        params.setdefault("limit", 200)
        cursor = filters.get("cursor")
        offset = filters.get("offset")
        while True:
            page_params = {**params, "cursor": cursor} if cursor else {**params, "offset": offset}
            page = yield from self._model_flow("GET", path, model, params=page_params)
            for item in getattr(page, items):
                yield Emit(item)
            pagination = page.pagination  # type: ignore[attr-defined]
            if not pagination.has_next or not pagination.next_cursor:
                return
            cursor = pagination.next_cursor

    def _offset_pages(
        self, path: str, model: type[pydantic.BaseModel], items: str, filters: dict[str, Any]
    ) -> Flow[None]:
        """Every item of a list that pages by limit/offset (`pagination.has_next`)."""
        params = dict(filters)
        limit = int(params.setdefault("limit", 200))
        offset = int(params.pop("offset", 0) or 0)
        while True:
            page = yield from self._model_flow(
                "GET", path, model, params={**params, "offset": offset}
            )
            batch = getattr(page, items)
            for item in batch:
                yield Emit(item)
            offset += len(batch)
            pagination = getattr(page, "pagination", None)
            more = pagination.has_next if pagination is not None else len(batch) == limit
            if not batch or not more:
                return
