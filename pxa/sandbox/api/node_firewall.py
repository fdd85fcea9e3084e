"""`/nodes/{node}/firewall`: a node's host firewall (host.fw) options and rules.

A node's `enable` defaults to 1, so a node without host.fw is filtered (once the
datacenter firewall is on); the lab switches pve3's off (`enable: 0`).
"""

from __future__ import annotations

from typing import Any

from pxa.sandbox import fwrules
from pxa.sandbox.api.common import index
from pxa.sandbox.fwrules import LOG_LEVELS
from pxa.sandbox.host_firewall import digest, host_firewall, set_options
from pxa.sandbox.params import Param, boolean, integer, string
from pxa.sandbox.routing import Call, Router, perm

BASE = "/nodes/{node}/firewall"
AUDIT = perm("/nodes/{node}", "Sys.Audit")
MODIFY = perm("/nodes/{node}", "Sys.Modify")
HELPERS = ("amanda", "ftp", "irc", "netbios-ns", "pptp", "sane", "sip", "snmp", "tftp")
OPTIONS: tuple[Param, ...] = (
    boolean("enable"),
    string("log_level_forward", enum=LOG_LEVELS),
    string("log_level_in", enum=LOG_LEVELS),
    string("log_level_out", enum=LOG_LEVELS),
    boolean("log_nf_conntrack"),
    boolean("ndp"),
    boolean("nf_conntrack_allow_invalid"),
    string("nf_conntrack_helpers", pattern=rf"((^|,)({'|'.join(HELPERS)}))*"),
    integer("nf_conntrack_max", minimum=32768),
    integer("nf_conntrack_tcp_timeout_established", minimum=7875),
    integer("nf_conntrack_tcp_timeout_syn_recv", minimum=30, maximum=60),
    boolean("nftables"),
    boolean("nosmurfs"),
    boolean("protection_synflood"),
    integer("protection_synflood_burst"),
    integer("protection_synflood_rate"),
    string("smurf_log_level", enum=LOG_LEVELS),
    string("tcp_flags_log_level", enum=LOG_LEVELS),
    boolean("tcpflags"),
)


def register(r: Router) -> None:
    r.get(BASE, index("rules", "options", "log", key="name"), proxy=False)
    r.get(f"{BASE}/options", get_options, perms=[AUDIT])
    r.put(
        f"{BASE}/options",
        put_options,
        perms=[MODIFY],
        params=[*OPTIONS, string("delete", format="pve-configid-list"), fwrules.DIGEST],
    )
    r.get(f"{BASE}/rules", list_rules, perms=[AUDIT])


def _host_fw(call: Call) -> dict[str, Any]:
    return host_firewall(call.world).node(call.node)


def get_options(call: Call) -> dict[str, Any]:
    fw = _host_fw(call)
    return {**fw["options"], "digest": digest(fw)}


def put_options(call: Call) -> None:
    set_options(_host_fw(call), call.params, OPTIONS)
    return None


def list_rules(call: Call) -> list[dict[str, Any]]:
    fw = _host_fw(call)
    return [fwrules.render(rule, pos, digest(fw)) for pos, rule in enumerate(fw["rules"])]
