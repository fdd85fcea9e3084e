"""Users, API tokens, tickets and CSRF tokens, and the privilege check.

Two users: `root@pam` (Administrator) with token `root@pam!pxa`, and `auditor@pve`
(PVEAuditor) with token `auditor@pve!readonly`. Tickets are signed with a key kept
in the state, so they survive a restart like a real node's authkey does.

`root@pam!pxa` has privsep 0 and never expires (a deliberate finding: the token holds
all of root's rights); `auditor@pve!readonly` has privsep 1 and expires
AUDITOR_TOKEN_DAYS after the lab was made. A privsep token's rights are its own ACLs
cut down to its user's; the sandbox takes the read-only token to hold PVEAuditor on `/`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from pxa.sandbox.errors import forbidden

TICKET_LIFETIME = 2 * 3600
ROOT = "root@pam"
AUDITOR = "auditor@pve"
ROOT_TOKEN = "root@pam!pxa"
AUDITOR_TOKEN = "auditor@pve!readonly"
AUDITOR_TOKEN_DAYS = 180

_TICKET_RE = re.compile(r"^PVE:([^:]+):([0-9A-F]{8})::(.+)$")
_TOKEN_ID_RE = re.compile(r"^[^\s!@:]+@[^\s!@:]+![A-Za-z][A-Za-z0-9._-]*$")

AUDIT_PRIVS = frozenset(
    {
        "Datastore.Audit",
        "Mapping.Audit",
        "Pool.Audit",
        "SDN.Audit",
        "Sys.Audit",
        "VM.Audit",
        "VM.GuestAgent.Audit",
    }
)
# The privilege map `cap` that /access/ticket reports for an administrator.
CAP_GROUPS: dict[str, tuple[str, ...]] = {
    "vms": (
        "VM.Allocate",
        "VM.Audit",
        "VM.Backup",
        "VM.Clone",
        "VM.Config.CDROM",
        "VM.Config.CPU",
        "VM.Config.Cloudinit",
        "VM.Config.Disk",
        "VM.Config.HWType",
        "VM.Config.Memory",
        "VM.Config.Network",
        "VM.Config.Options",
        "VM.Console",
        "VM.GuestAgent.Audit",
        "VM.GuestAgent.Unrestricted",
        "VM.Migrate",
        "VM.PowerMgmt",
        "VM.Snapshot",
        "VM.Snapshot.Rollback",
        "Permissions.Modify",
    ),
    "storage": (
        "Datastore.Allocate",
        "Datastore.AllocateSpace",
        "Datastore.AllocateTemplate",
        "Datastore.Audit",
        "Permissions.Modify",
    ),
    "access": (
        "Group.Allocate",
        "Permissions.Modify",
        "Realm.Allocate",
        "User.Modify",
        "Sys.Audit",
    ),
    "nodes": (
        "Sys.Audit",
        "Sys.Console",
        "Sys.Incoming",
        "Sys.Modify",
        "Sys.PowerMgmt",
        "Sys.Syslog",
        "Permissions.Modify",
    ),
    "dc": ("Sys.Audit", "Sys.Modify", "SDN.Allocate", "SDN.Audit", "SDN.Use"),
    "sdn": ("SDN.Allocate", "SDN.Audit", "SDN.Use", "Permissions.Modify"),
    "mapping": ("Mapping.Audit", "Mapping.Modify", "Mapping.Use", "Permissions.Modify"),
}


@dataclass
class User:
    password: str
    role: str  # Administrator | PVEAuditor
    enable: int = 1
    expire: int = 0  # epoch seconds; 0 never expires
    email: str = ""
    comment: str = ""


@dataclass
class Token:
    secret: str
    expire: int = 0  # epoch seconds; 0 never expires
    privsep: int = 1  # 1: the token's own ACLs, cut down to its user's; 0: all its user's
    comment: str = ""


@dataclass
class Principal:
    """The authenticated caller of one request."""

    userid: str
    tokenid: str | None  # the full token id when the call used an API token
    privs: frozenset[str] | None  # None: every privilege (Administrator)
    via: str  # ticket | token

    @property
    def actor(self) -> str:
        """What PVE writes as the task user: the token id for token calls."""
        return self.tokenid or self.userid

    @property
    def is_root(self) -> bool:
        return self.userid == ROOT and self.privs is None

    def can(self, path: str, priv: str) -> bool:
        return self.privs is None or priv in self.privs

    def check(self, path: str, privs: tuple[str, ...], any_of: bool = False) -> None:
        if any_of:
            if not any(self.can(path, p) for p in privs):
                raise forbidden(path, "|".join(privs))
            return
        for p in privs:
            if not self.can(path, p):
                raise forbidden(path, p)


@dataclass
class Accounts:
    users: dict[str, User]
    tokens: dict[str, Token]
    key: str  # base64 signing key for tickets and CSRF tokens
    ticket_lifetime: int = TICKET_LIFETIME
    _raw_key: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        self._raw_key = base64.b64decode(self.key)

    @classmethod
    def create(cls, now: float | None = None) -> Accounts:
        now = time.time() if now is None else now
        return cls(
            users={
                ROOT: User(
                    password=secrets.token_urlsafe(12),
                    role="Administrator",
                    email="root@pxa-lab.example",
                ),
                AUDITOR: User(
                    password=secrets.token_urlsafe(12), role="PVEAuditor", comment="audit reads"
                ),
            },
            tokens={
                ROOT_TOKEN: Token(secret=str(uuid.uuid4()), privsep=0, comment="pxa"),
                AUDITOR_TOKEN: Token(
                    secret=str(uuid.uuid4()),
                    expire=int(now) + AUDITOR_TOKEN_DAYS * 86400,
                    privsep=1,
                    comment="read-only",
                ),
            },
            key=base64.b64encode(secrets.token_bytes(32)).decode(),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "users": {k: asdict(v) for k, v in self.users.items()},
            "tokens": {k: asdict(v) for k, v in self.tokens.items()},
            "key": self.key,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Accounts:
        return cls(
            users={k: User(**v) for k, v in data["users"].items()},
            tokens={k: Token(**v) for k, v in data["tokens"].items()},
            key=data["key"],
        )

    # --- tickets -------------------------------------------------------------------

    def _sign(self, text: str) -> bytes:
        return hmac.new(self._raw_key, text.encode(), hashlib.sha256).digest()

    def issue_ticket(self, userid: str, issued_at: float) -> str:
        plain = f"PVE:{userid}:{int(issued_at):08X}"
        return f"{plain}::{base64.b64encode(self._sign(plain) * 8).decode()}"

    def csrf_token(self, userid: str, issued_at: float) -> str:
        stamp = f"{int(issued_at):08X}"
        sig = base64.b64encode(self._sign(f"{stamp}:{userid}")).decode().rstrip("=")
        return f"{stamp}:{sig}"

    def verify_ticket(self, ticket: str, now: float) -> str | None:
        m = _TICKET_RE.match(ticket)
        if not m:
            return None
        userid, stamp, sig = m.groups()
        plain = f"PVE:{userid}:{stamp}"
        expected = base64.b64encode(self._sign(plain) * 8).decode()
        if not hmac.compare_digest(sig, expected) or not self._fresh(stamp, now):
            return None
        user = self.users.get(userid)
        return userid if user is not None and user.enable else None

    def verify_csrf(self, token: str | None, userid: str, now: float) -> bool:
        if not token or ":" not in token:
            return False
        stamp = token.split(":", 1)[0]
        if not re.fullmatch(r"[0-9A-F]{8}", stamp) or not self._fresh(stamp, now):
            return False
        return hmac.compare_digest(token, self.csrf_token(userid, int(stamp, 16)))

    def _fresh(self, stamp: str, now: float) -> bool:
        age = now - int(stamp, 16)
        return -300 <= age <= self.ticket_lifetime

    def login(self, username: str, password: str, now: float) -> str | None:
        """Password login, or renewal with a valid ticket as the password."""
        user = self.users.get(username)
        if user is None or not user.enable:
            return None
        if hmac.compare_digest(password, user.password):
            return username
        owner = self.verify_ticket(password, now)
        if owner in (username, ROOT):  # root may mint tickets for others
            return username
        return None

    # --- API tokens ----------------------------------------------------------------

    def tokens_of(self, userid: str) -> dict[str, Token]:
        """A user's tokens by their short id (`pxa` for `root@pam!pxa`), sorted."""
        return {
            tokenid.split("!", 1)[1]: token
            for tokenid, token in sorted(self.tokens.items())
            if tokenid.split("!", 1)[0] == userid
        }

    def verify_token(self, value: str, now: float) -> tuple[str, str] | None:
        """`USER@REALM!ID=SECRET` (split at the last `=`) → (userid, tokenid)."""
        tokenid, sep, secret = value.rpartition("=")
        if not sep or not _TOKEN_ID_RE.match(tokenid):
            return None
        token = self.tokens.get(tokenid)
        userid = tokenid.split("!", 1)[0]
        user = self.users.get(userid)
        if token is None or user is None or not user.enable:
            return None
        if token.expire and token.expire < now:
            return None
        if not hmac.compare_digest(secret, token.secret):
            return None
        return userid, tokenid

    def principal(self, userid: str, tokenid: str | None) -> Principal:
        role = self.users[userid].role
        privs = None if role == "Administrator" else AUDIT_PRIVS
        return Principal(userid, tokenid, privs, "token" if tokenid else "ticket")

    def cap(self, userid: str) -> dict[str, dict[str, int]]:
        p = self.principal(userid, None)
        return {
            group: {priv: 1 for priv in privs if p.can("/", priv)}
            for group, privs in CAP_GROUPS.items()
        }
