"""Which sources may push: an optional allow-list of networks (Ozon publishes its ranges)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class SourceFilter:
    """Allows every source when the list is empty; else only addresses inside a listed network.

    The client address is the TCP peer, unless ``trust_forwarded_for`` says a proxy of ours sits
    in front: then it is the last hop that proxy appended to ``X-Forwarded-For`` (earlier hops
    are whatever the sender claims and are never trusted).
    """

    def __init__(self, networks: Iterable[str] = (), *, trust_forwarded_for: bool = False) -> None:
        self.networks: list[Network] = [ipaddress.ip_network(n, strict=False) for n in networks]
        self.trust_forwarded_for = trust_forwarded_for

    def client_address(self, peer: str | None, headers: Mapping[str, str]) -> str | None:
        """The address the decision is made on."""
        if self.trust_forwarded_for:
            forwarded = headers.get("x-forwarded-for", "")
            hops = [h.strip() for h in forwarded.split(",") if h.strip()]
            if hops:
                return hops[-1]
        return peer

    def allows(self, address: str | None) -> bool:
        """Whether a request from ``address`` may be accepted."""
        if not self.networks:
            return True
        if address is None:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in net for net in self.networks)
