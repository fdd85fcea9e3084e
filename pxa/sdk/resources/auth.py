"""client.auth: API tokens. Creating one accepts the local admin's Basic credentials."""

from __future__ import annotations

import base64
from collections.abc import Iterable

from pxa.models.common import Message
from pxa.models.token import TokenCreated, TokenList
from pxa.sdk.resources._base import Resource, seg


def basic(username: str, password: str) -> str:
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


class Auth(Resource):
    """client.auth"""

    def create_token(
        self,
        name: str,
        permissions: Iterable[str],
        *,
        description: str | None = None,
        expires_in: int | None = None,
        username: str | None = None,
        password: str | None = None,
        idempotency_key: str | None = None,
    ) -> TokenCreated:
        """Issue a token; `access_token` is shown only in this answer.

        With `username` and `password` the call authenticates with Basic credentials (as
        the seed describes, for bootstrapping); otherwise with the client's token, which
        needs `token:write`.
        """
        body = {
            "name": name,
            "description": description,
            "expires_in": expires_in,
            "permissions": list(permissions),
        }
        headers = {}
        if username is not None or password is not None:
            headers["Authorization"] = basic(username or "", password or "")
        return self._model(
            "POST",
            "/auth/tokens",
            TokenCreated,
            json={k: v for k, v in body.items() if v is not None},
            headers=headers,
            idempotency_key=idempotency_key,
        )

    def list_tokens(self) -> TokenList:
        return self._model("GET", "/auth/tokens", TokenList)

    def revoke_token(self, token_id: str) -> Message:
        return self._ack("DELETE", f"/auth/tokens/{seg(token_id)}")
