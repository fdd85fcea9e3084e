"""client.networks: VLAN networks (PVE SDN) and node bridges, and their firewall rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pxa.models.network import FirewallRuleList, Network, NetworkChange, NetworkCreate, NetworkList
from pxa.models.vm import JobAccepted
from pxa.sdk.resources._base import Resource, payload, seg


class Rules(Resource):
    """client.networks.rules"""

    def list(self, network_id: str) -> FirewallRuleList:
        return self._model("GET", f"/networks/{seg(network_id)}/firewall-rules", FirewallRuleList)

    def add(
        self,
        network_id: str,
        rule: Mapping[str, Any] | None = None,
        /,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> FirewallRuleList:
        """Add a rule (`action`, `protocol`, `port`, `source`, `destination`, `comment`,
        `enabled`) first in order; returns the network's rules as they now are."""
        return self._model(
            "POST",
            f"/networks/{seg(network_id)}/firewall-rules",
            FirewallRuleList,
            json=payload(rule, fields),
            idempotency_key=idempotency_key,
        )

    def delete(self, network_id: str, rule_id: str | int) -> FirewallRuleList:
        path = f"/networks/{seg(network_id)}/firewall-rules/{seg(rule_id)}"
        return self._model("DELETE", path, FirewallRuleList)


class Networks(Resource):
    """client.networks"""

    def __init__(self, client: Any) -> None:
        super().__init__(client)
        self.rules = Rules(client)

    def list(self, **filters: Any) -> NetworkList:
        """`type` (vlan, simple, vxlan, bridge), `include_bridges`."""
        return self._model("GET", "/networks", NetworkList, params=filters)

    def get(self, network_id: str) -> Network:
        return self._model("GET", f"/networks/{seg(network_id)}", Network, "network")

    def create(
        self,
        spec: Mapping[str, Any] | NetworkCreate | None = None,
        /,
        *,
        idempotency_key: str | None = None,
        **fields: Any,
    ) -> NetworkChange:
        """The seed's body: `name`, `vlan_id`, `subnet`, `gateway`, `dns_servers`,
        `dhcp_enabled`, `dhcp_range`. The result holds the network and the apply job."""
        return self._model(
            "POST",
            "/networks",
            NetworkChange,
            json=payload(spec, fields),
            idempotency_key=idempotency_key,
        )

    def update(
        self, network_id: str, changes: Mapping[str, Any] | None = None, /, **fields: Any
    ) -> NetworkChange:
        path = f"/networks/{seg(network_id)}"
        return self._model("PUT", path, NetworkChange, json=payload(changes, fields))

    def delete(self, network_id: str) -> JobAccepted:
        """Delete the network (its subnet and vnet); returns the job applying it."""
        return self._model("DELETE", f"/networks/{seg(network_id)}", JobAccepted, "job")
