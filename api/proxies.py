"""The client's real address behind trusted reverse proxies, decided in one place.

``TrustedProxies`` wraps the WSGI app and rewrites ``REMOTE_ADDR`` before Flask
sees the request, so the rate limiter, sign-in records and logs all use the same
address. ``X-Forwarded-For`` is believed only as far as it was written by proxies
the ``trusted_proxies`` setting names:

- a list of addresses/CIDRs: walking the header from the right, every hop whose
  sender is trusted is stripped; the first untrusted address is the client. A
  request whose peer is not trusted keeps its peer address (a forged header from
  the internet changes nothing).
- a hop count N (like werkzeug's ``ProxyFix(x_for=N)``): the N-th address from the
  right. Only safe when the service cannot be reached except through the proxies.
- empty (the default): the header is ignored.
"""

from __future__ import annotations

import ipaddress

from gis.errors import BadRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse(spec: str) -> int | tuple[Network, ...]:
    """The setting as a hop count or a tuple of networks (raises a bilingual error if malformed)."""
    spec = (spec or "").strip()
    if not spec:
        return ()
    if spec.isdigit():
        return int(spec)
    try:
        return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())
    except ValueError as exc:
        raise BadRequest(
            f"trusted_proxies 设置无效：{spec}（应为跳数或地址/CIDR 列表）",
            f"Invalid trusted_proxies setting {spec!r}: a hop count or a list of addresses/CIDRs ({exc})",
        ) from None


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(peer: str | None, forwarded_for: str | None, trusted: int | tuple[Network, ...]) -> str | None:
    """The client's address given the TCP peer, the X-Forwarded-For header and the trust setting."""
    hops = [h.strip() for h in (forwarded_for or "").split(",") if h.strip()]
    if isinstance(trusted, int):
        if trusted and len(hops) >= trusted and _address(hops[-trusted]) is not None:
            return hops[-trusted]
        return peer
    client = peer
    for hop in reversed(hops):
        current = _address(client or "")
        if current is None or not any(current in network for network in trusted):
            break
        if _address(hop) is None:
            break
        client = hop
    return client


class TrustedProxies:
    """WSGI middleware setting REMOTE_ADDR to the client address (see the module docstring)."""

    def __init__(self, app, spec: str):
        self.app = app
        self.trusted = parse(spec)

    def __call__(self, environ, start_response):
        if self.trusted:
            peer = environ.get("REMOTE_ADDR")
            environ["diming.proxy_peer"] = peer
            environ["REMOTE_ADDR"] = client_address(peer, environ.get("HTTP_X_FORWARDED_FOR"), self.trusted)
        return self.app(environ, start_response)
