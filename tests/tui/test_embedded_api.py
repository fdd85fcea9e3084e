"""The /v1 API served inside the TUI's process, on Textual's loop."""

from __future__ import annotations

import httpx
import pytest

from .helpers import settle, tui_settings


async def test_the_embedded_api_answers_health_while_the_app_runs(make_app) -> None:
    app = make_app(tui_settings(api={"enabled": True, "port": 0}), api=None)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: app.core.api_url is not None)
        url = app.core.api_url
        assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
        assert str(app.query_one("#api").content) == f"API {url}"
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.get(f"{url}/health")
        assert response.status_code == 200
        assert response.json()["data"]["components"]["proxmox"] == "healthy"
    with pytest.raises(httpx.ConnectError):  # stopped with the app
        httpx.get(f"{url}/health", timeout=2)
