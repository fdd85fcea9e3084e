"""`/access`: ticket login and renewal, users and their API tokens."""

from __future__ import annotations

from typing import Any

from pxa.sandbox.api.common import index
from pxa.sandbox.auth import Token
from pxa.sandbox.errors import PveError, fail
from pxa.sandbox.params import boolean, string
from pxa.sandbox.routing import PATH_PARAMS, Call, Router

PATH_PARAMS.update(
    userid=string("userid", optional=False, format="pve-userid", max_length=64),
    tokenid=string("tokenid", optional=False, pattern=r"[A-Za-z][A-Za-z0-9\.\-_]+"),
)
USERS = "/access/users"

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
    r.get(USERS, list_users, params=[boolean("enabled"), boolean("full")])
    r.get(f"{USERS}/{{userid}}/token", list_tokens)
    r.get(f"{USERS}/{{userid}}/token/{{tokenid}}", read_token)


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


def list_users(call: Call) -> list[dict[str, Any]]:
    """Users the caller may audit (always itself); `full=1` adds groups and tokens."""
    accounts, p = call.world.accounts, call.principal
    sees_all = any(p.can("/access/groups", priv) for priv in ("User.Modify", "Sys.Audit"))
    rows = []
    for userid, user in sorted(accounts.users.items()):
        if not sees_all and userid != p.userid:
            continue
        if call.get("enabled") is not None and bool(user.enable) != bool(call.get("enabled")):
            continue
        row: dict[str, Any] = {"userid": userid, "enable": user.enable, "expire": user.expire}
        row |= {k: v for k, v in (("email", user.email), ("comment", user.comment)) if v}
        if call.get("full"):
            tokens = accounts.tokens_of(userid)
            row["groups"] = ""
            row["tokens"] = [_token(t, tokenid) for tokenid, t in tokens.items()] or None
        row["realm-type"] = userid.rsplit("@", 1)[1]
        rows.append(row)
    return rows


def _tokens(call: Call) -> dict[str, Token]:
    """The user's tokens, for the user itself or a caller with User.Modify on them."""
    userid = call.params["userid"]
    if userid != call.principal.userid:
        call.principal.check(f"{USERS}/{userid}", ("User.Modify",))
    if userid not in call.world.accounts.users:
        raise fail(f"no such user ('{userid}')")
    return call.world.accounts.tokens_of(userid)


def _token(token: Token, tokenid: str | None = None) -> dict[str, Any]:
    info: dict[str, Any] = {"expire": token.expire, "privsep": token.privsep}
    if token.comment:
        info["comment"] = token.comment
    return info if tokenid is None else {"tokenid": tokenid, **info}


def list_tokens(call: Call) -> list[dict[str, Any]]:
    return [_token(token, tokenid) for tokenid, token in _tokens(call).items()]


def read_token(call: Call) -> dict[str, Any]:
    token = _tokens(call).get(call.params["tokenid"])
    if token is None:
        raise fail(f"no such token '{call.params['tokenid']}' for user '{call.params['userid']}'")
    return _token(token)
