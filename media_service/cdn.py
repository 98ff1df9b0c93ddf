"""Downloads from CDN hosts under the SSRF rules of media_service/domain/sources.py.

For each hop the URL is checked, its host resolved once and every address
checked, and the connection goes to that checked address: the request is
sent to `https://<address>:<port>/…` with the real host in the `Host`
header and as the TLS server name (httpx's `sni_hostname` extension), so the
certificate is still verified for the host, and a second DNS answer (DNS
rebinding) is never asked for. Redirects are followed here, at most
`max_redirects`, each target checked like the first URL. Bodies are read raw
(`Accept-Encoding: identity`: nothing is decompressed) and cut off at
`max_bytes` while they stream.

The status of a failure tells the caller what to do next (media_service/README.md).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urljoin

import httpx

from media_service.domain.sources import Source, SourcePolicy
from pingcrm_common.errors import FailedPrecondition, InvalidArgument, Unavailable

REDIRECTS = frozenset({301, 302, 303, 307, 308})
ACCEPT = "image/jpeg, image/png, image/webp"
USER_AGENT = "PingCRM-media/1 (avatar fetcher)"


class Resolver:
    """Host → addresses through the system resolver; `overrides` (tests only) answer first."""

    def __init__(self, overrides: Mapping[str, str] | None = None) -> None:
        self._overrides = dict(overrides or {})

    async def resolve(self, host: str, port: int) -> list[str]:
        if host in self._overrides:
            return [self._overrides[host]]
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
        except OSError as error:
            raise Unavailable(f"{host} could not be resolved: {error}", code="dns_failed") from error
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


def tls_context(extra_ca_file: Path | None = None) -> ssl.SSLContext:
    """The system's trusted CAs, plus a test CA when one is configured."""
    context = ssl.create_default_context()
    if extra_ca_file is not None:
        context.load_verify_locations(cafile=str(extra_ca_file))
    return context


class CdnClient:
    """The media_service Downloader: one pooled HTTPS client for every download."""

    def __init__(
        self,
        policy: SourcePolicy,
        resolver: Resolver,
        tls: ssl.SSLContext,
        *,
        max_bytes: int,
        max_redirects: int,
        timeout_seconds: float,
    ) -> None:
        self._policy = policy
        self._resolver = resolver
        self._max_bytes = max_bytes
        self._max_redirects = max_redirects
        self._client = httpx.AsyncClient(
            verify=tls,
            follow_redirects=False,
            trust_env=False,  # a proxy from the environment would connect to the host by name itself
            timeout=httpx.Timeout(timeout_seconds),
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
            headers={"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "identity"},
        )

    async def close(self) -> None:
        await self._client.aclose()

    async def download(self, url: str) -> bytes:
        source = self._policy.check_url(url)
        for _ in range(self._max_redirects + 1):
            address = self._policy.check_addresses(source, await self._resolver.resolve(source.host, source.port))
            request = self._client.build_request(
                "GET",
                httpx.URL(scheme="https", host=address, port=source.port, raw_path=source.target.encode("ascii")),
                headers={"Host": source.host_header},
                extensions={"sni_hostname": source.host},
            )
            try:
                response = await self._client.send(request, stream=True)
            except httpx.TimeoutException as error:
                raise Unavailable(f"{source.host} did not answer in time", code="download_timeout") from error
            except httpx.TransportError as error:
                raise Unavailable(f"{source.host} could not be reached: {error!r}", code="cdn_unavailable") from error
            try:
                if response.status_code in REDIRECTS:
                    source = self._redirect_target(source, response)
                    continue
                _raise_for_status(source, response.status_code)
                return await self._read_capped(source, response)
            finally:
                await response.aclose()
        raise InvalidArgument(f"more than {self._max_redirects} redirects", code="too_many_redirects")

    def _redirect_target(self, source: Source, response: httpx.Response) -> Source:
        location = response.headers.get("location")
        if not location:
            raise InvalidArgument(
                f"{source.host} answered {response.status_code} without a Location", code="cdn_bad_status"
            )
        target = urljoin(source.url, location)
        try:
            return self._policy.check_url(target)
        except InvalidArgument as error:
            raise InvalidArgument(f"a redirect was refused: {error.message}", code="redirect_not_allowed") from error

    async def _read_capped(self, source: Source, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self._max_bytes:
            raise _too_large(self._max_bytes)
        chunks: list[bytes] = []
        received = 0
        try:
            async for chunk in response.aiter_raw():
                received += len(chunk)
                if received > self._max_bytes:
                    raise _too_large(self._max_bytes)
                chunks.append(chunk)
        except httpx.TimeoutException as error:
            raise Unavailable(f"{source.host} stopped sending", code="download_timeout") from error
        except httpx.TransportError as error:
            raise Unavailable(f"{source.host} broke off: {error!r}", code="cdn_unavailable") from error
        return b"".join(chunks)


def _raise_for_status(source: Source, status: int) -> None:
    if status == 200:
        return
    if status in (401, 403):
        raise FailedPrecondition(
            f"{source.host} refused the download ({status}); the browser may still fetch it", code="cdn_refused"
        )
    if status in (404, 410):
        raise InvalidArgument(f"{source.host} has no such image ({status})", code="cdn_not_found")
    if status in (408, 425, 429) or status >= 500:
        raise Unavailable(f"{source.host} answered {status}", code="cdn_unavailable")
    raise InvalidArgument(f"{source.host} answered {status}", code="cdn_bad_status")


def _too_large(max_bytes: int) -> InvalidArgument:
    return InvalidArgument(f"the image is larger than {max_bytes:,} bytes", code="too_large")
