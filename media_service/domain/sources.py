"""Which download addresses media_service accepts (SSRF rules), as plain checks.

A URL must be HTTPS, without credentials, on a host of the allowlist (an
entry is `host` for port 443 or `host:port`). Every address the host
resolves to must be a global unicast address: private, loopback,
link-local, multicast, shared, reserved and unspecified addresses are
refused, also when written as an IPv4-mapped IPv6 address. Tests may let
loopback through (PINGCRM_MEDIA_ALLOW_PRIVATE) to reach a fake CDN; every
other non-global address stays refused even then.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from pingcrm_common.errors import InvalidArgument

MAX_URL_LENGTH = 2048
HTTPS_PORT = 443
URL_SAFE = "/?#[]@!$&'()*+,;=%:~-._"  # RFC 3986 reserved and unreserved characters, and escapes


@dataclass(frozen=True)
class Source:
    """An accepted URL, split the way the downloader needs it."""

    url: str
    host: str
    port: int
    target: str  # path and query

    @property
    def host_header(self) -> str:
        return self.host if self.port == HTTPS_PORT else f"{self.host}:{self.port}"


class SourcePolicy:
    """The allowlist and address rules for avatar downloads."""

    def __init__(self, allowed_hosts: Iterable[str], *, allow_loopback: bool = False) -> None:
        self._allowed = {_with_port(entry.lower()) for entry in allowed_hosts}
        self._allow_loopback = allow_loopback

    def check_url(self, url: str) -> Source:
        """The URL as a Source, or the reason it is refused (never connects anywhere)."""
        if len(url) > MAX_URL_LENGTH:
            raise InvalidArgument(f"the URL is longer than {MAX_URL_LENGTH} characters", code="invalid_url")
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as error:
            raise InvalidArgument(f"{_short(url)} is not a valid URL: {error}", code="invalid_url") from error
        if parts.scheme.lower() != "https":
            raise InvalidArgument(f"{_short(url)} is not an https:// URL", code="not_https")
        host = (parts.hostname or "").lower()
        if not host or parts.username is not None or parts.password is not None:
            raise InvalidArgument(f"{_short(url)} has no host, or carries credentials", code="invalid_url")
        port = port or HTTPS_PORT
        if (host, port) not in self._allowed:
            where = host if port == HTTPS_PORT else f"{host}:{port}"
            raise InvalidArgument(f"downloads from {where} are not allowed", code="host_not_allowed")
        target = parts.path or "/"
        if parts.query:
            target += f"?{parts.query}"
        target = quote(target, safe=URL_SAFE)  # percent-encode what is not ASCII; keep what already is
        source_url = f"https://{host}{'' if port == HTTPS_PORT else f':{port}'}{target}"
        return Source(url=source_url, host=host, port=port, target=target)

    def check_addresses(self, source: Source, addresses: list[str]) -> str:
        """The address to connect to, when every address the host resolved to may be reached."""
        if not addresses:
            raise InvalidArgument(f"{source.host} resolved to no address", code="private_address")
        for address in addresses:
            if not self._reachable(address):
                raise InvalidArgument(
                    f"{source.host} resolves to {address}, which is not a public address", code="private_address"
                )
        return addresses[0]

    def _reachable(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        if self._allow_loopback and ip.is_loopback:
            return True
        return ip.is_global and not ip.is_multicast


def _with_port(entry: str) -> tuple[str, int]:
    host, _, port = entry.partition(":")
    return host, int(port) if port else HTTPS_PORT


def _short(url: str) -> str:
    return url if len(url) <= 120 else f"{url[:117]}..."
