"""The address of the person making a request, believing ``X-Forwarded-For`` only from our own proxies.

Behind nginx or a load balancer ``REMOTE_ADDR`` is the proxy's address, so every visitor looks like one client: one
person could lock every staff account and use up every family's allowance on the public forms. The proxy names the
real client in ``X-Forwarded-For``, but anyone can send that header too. So the header is read only when the request
comes from an address in ``SENDHUB_TRUSTED_PROXIES``, and then from the right: each proxy appends the address it
was talking to, so the right-most entry that is not one of our proxies is the first address no proxy of ours can
vouch for beyond; anything further left was written by the client and could be anything.

One function serves sign-in lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``), every rate limit (django-ratelimit's
``key="ip"``, through ``RATELIMIT_IP_META_KEY``) and ``/healthz``'s allow-list.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:  # settings.py imports this module: keep its import light
    from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(values: Iterable[str], *, setting: str) -> tuple[Network, ...]:
    """Addresses and CIDR ranges ("10.0.0.5", "10.0.0.0/8", "::1"); ValueError naming the setting for a bad one."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(
                f"{setting}: {value.strip()!r} is not an IP address or network; use addresses or CIDR ranges "
                "separated by commas, for example 127.0.0.1,10.0.0.0/8"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=16)
def _networks(values: tuple[str, ...], setting: str) -> tuple[Network, ...]:
    return parse_networks(values, setting=setting)


def parse_address(value: str) -> Address | None:
    """An address from a header or REMOTE_ADDR, without any port or IPv6 brackets; None if it is not one.

    IPv4 addresses written as IPv6 ("::ffff:192.0.2.1", as a dual-stack socket reports them) become IPv4, so one
    client has one key whichever way it is written.
    """
    text = value.strip().strip('"')
    if text.startswith("["):  # "[2001:db8::1]:443"
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:  # "192.0.2.1:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_in(address: Address | None, networks: Iterable[Network]) -> bool:
    return address is not None and any(address.version == net.version and address in net for net in networks)


def trusted_proxies() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "SENDHUB_TRUSTED_PROXIES", ())), "SENDHUB_TRUSTED_PROXIES")


def client_address(request: HttpRequest) -> str:
    """The client's address as text: ``REMOTE_ADDR``, or, when that is a trusted proxy, the right-most address in
    ``X-Forwarded-For`` that is not a trusted proxy.

    If a trusted proxy passed on something that is not an address, the last trusted address is the answer: the
    client cannot be told apart, but it cannot choose its own key either.
    """
    remote_text = request.META.get("REMOTE_ADDR", "")
    remote = parse_address(remote_text)
    proxies = trusted_proxies()
    if remote is None or not address_in(remote, proxies):
        return str(remote) if remote is not None else remote_text
    client = remote
    # Several X-Forwarded-For headers arrive joined by commas, in order, so one split reads them all.
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        if not hop.strip():
            continue
        address = parse_address(hop)
        if address is None:
            break
        client = address
        if not address_in(address, proxies):
            break
    return str(client)


def is_allowed(request: HttpRequest, networks: Iterable[str], *, setting: str) -> bool:
    """Whether the request's client address is in the given addresses or ranges (a setting's value)."""
    return address_in(parse_address(client_address(request)), _networks(tuple(networks), setting))
