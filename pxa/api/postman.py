"""A Postman v2.1 collection made from the OpenAPI document, one folder per tag."""

from __future__ import annotations

import json
from typing import Any

SCHEMA = "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"


def _example(schema: dict[str, Any], components: dict[str, Any]) -> Any:
    if "$ref" in schema:
        return _example(components.get(schema["$ref"].split("/")[-1], {}), components)
    if "example" in schema:
        return schema["example"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = set(schema.get("required", []))
        return {
            k: _example(v, components)
            for k, v in schema.get("properties", {}).items()
            if k in required
        }
    if kind == "array":
        return []
    return {"integer": 0, "number": 0, "boolean": False, "string": ""}.get(str(kind))


def collection(openapi: dict[str, Any], base_url: str) -> dict[str, Any]:
    components = openapi.get("components", {}).get("schemas", {})
    folders: dict[str, list[dict[str, Any]]] = {}
    for path, methods in sorted(openapi.get("paths", {}).items()):
        for method, op in methods.items():
            tag = (op.get("tags") or ["other"])[0]
            url_path = path.removeprefix("/v1").replace("{", ":").replace("}", "")
            request: dict[str, Any] = {
                "method": method.upper(),
                "header": [{"key": "Content-Type", "value": "application/json"}],
                "url": {
                    "raw": "{{baseUrl}}" + url_path,
                    "host": ["{{baseUrl}}"],
                    "path": [p for p in url_path.split("/") if p],
                    "query": [
                        {"key": p["name"], "value": "", "disabled": True}
                        for p in op.get("parameters", [])
                        if p.get("in") == "query"
                    ],
                },
            }
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                request["body"] = {
                    "mode": "raw",
                    "raw": json.dumps(_example(body["schema"], components), indent=2),
                }
            folders.setdefault(tag, []).append(
                {"name": op.get("summary") or f"{method} {path}", "request": request}
            )
    return {
        "info": {"name": "pxa /v1", "schema": SCHEMA},
        "auth": {"type": "bearer", "bearer": [{"key": "token", "value": "{{apiToken}}"}]},
        "variable": [{"key": "baseUrl", "value": base_url}, {"key": "apiToken", "value": ""}],
        "item": [{"name": tag, "item": items} for tag, items in sorted(folders.items())],
    }
