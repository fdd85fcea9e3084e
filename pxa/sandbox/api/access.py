"""`/access`: ticket login and renewal."""

from __future__ import annotations

from typing import Any

from pxa.sandbox.api.common import index
from pxa.sandbox.errors import PveError
from pxa.sandbox.params import boolean, string
from pxa.sandbox.routing import Call, Router

TICKET_PARAMS = (
    string("username", optional=False, max_length=64),
    string("password", optional=False),
    string("realm"),
    string("otp"),
    string("path", max_length=64),
    string("privs"),
    boolean("new-format"),
    string("tfa-challenge"),
)


def register(r: Router) -> None:
    r.get("/access", index("ticket", "users", "groups", "roles", "acl", "domains", "permissions"))
    r.get("/access/ticket", lambda call: None, auth=False)
    r.post("/access/ticket", create_ticket, params=TICKET_PARAMS, auth=False, allowtoken=False)


def create_ticket(call: Call) -> dict[str, Any]:
    accounts = call.world.accounts
    username = call.params["username"]
    if call.get("realm") and "@" not in username:
        username = f"{username}@{call.params['realm']}"
    userid = accounts.login(username, call.params["password"], call.now)
    if userid is None:
        # Nothing more is revealed, so user names cannot be probed.
        raise PveError(401, "authentication failure")
    result: dict[str, Any] = {
        "username": userid,
        "ticket": accounts.issue_ticket(userid, call.now),
        "CSRFPreventionToken": accounts.csrf_token(userid, call.now),
        "cap": accounts.cap(userid),
    }
    if accounts.principal(userid, None).can("/", "Sys.Audit"):
        result["clustername"] = call.world.cluster_name
    return result
