"""The download rules below the RPC: which addresses count as reachable, and that a download connects to
the address that was checked (DNS rebinding), driven against the fake CDN."""

from __future__ import annotations

import pytest

from media_service.cdn import CdnClient, Resolver, tls_context
from media_service.domain.sources import SourcePolicy
from pingcrm_common.errors import InvalidArgument
from tests.support.fake_cdn import CDN_HOST, FakeCdn, photo

POLICY = SourcePolicy(["media.licdn.com"])


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "127.0.0.1",
        "127.8.9.10",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # shared address space (carrier NAT)
        "0.0.0.0",
        "224.0.0.1",  # multicast
        "255.255.255.255",
        "::1",
        "fe80::1%eth0",
        "fd00::1",
        "ff02::1",
        "::ffff:127.0.0.1",  # IPv4-mapped loopback
        "::ffff:10.0.0.1",
        "not-an-address",
    ],
)
def test_non_public_addresses_are_refused(address: str) -> None:
    source = POLICY.check_url("https://media.licdn.com/p.jpg")
    with pytest.raises(InvalidArgument) as raised:
        POLICY.check_addresses(source, [address])
    assert raised.value.code == "private_address"
    assert raised.value.message == f"media.licdn.com resolves to {address}, which is not a public address"


@pytest.mark.parametrize("address", ["13.107.42.14", "2620:1ec:21::14", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    # Only checked, never connected to: the tests reach nothing but loopback.
    assert POLICY.check_addresses(POLICY.check_url("https://media.licdn.com/p.jpg"), [address]) == address


def test_one_non_public_answer_among_public_ones_refuses_the_host() -> None:
    source = POLICY.check_url("https://media.licdn.com/p.jpg")
    with pytest.raises(InvalidArgument) as raised:
        POLICY.check_addresses(source, ["13.107.42.14", "10.1.2.3"])
    assert raised.value.code == "private_address"


def test_the_loopback_setting_opens_loopback_only() -> None:
    policy = SourcePolicy(["media.licdn.com"], allow_loopback=True)
    source = policy.check_url("https://media.licdn.com/p.jpg")
    assert policy.check_addresses(source, ["127.0.0.1"]) == "127.0.0.1"
    for address in ("10.0.0.1", "169.254.169.254", "192.168.0.2"):
        with pytest.raises(InvalidArgument):
            policy.check_addresses(source, [address])


def test_urls_are_normalised_to_what_is_requested() -> None:
    source = POLICY.check_url("HTTPS://Media.LICDN.com/dms/image/C4E/p.jpg?e=1&v=beta#frag")
    assert source.url == "https://media.licdn.com/dms/image/C4E/p.jpg?e=1&v=beta"
    assert (source.host, source.port, source.target, source.host_header) == (
        "media.licdn.com",
        443,
        "/dms/image/C4E/p.jpg?e=1&v=beta",
        "media.licdn.com",
    )
    assert POLICY.check_url("https://media.licdn.com/ä b.jpg").target == "/%C3%A4%20b.jpg"


class RebindingResolver(Resolver):
    """Answers the checked loopback address once, then an internal one, as a rebinding DNS server would."""

    def __init__(self) -> None:
        super().__init__()
        self.answers = ["127.0.0.1"]

    async def resolve(self, host: str, port: int) -> list[str]:
        answer = self.answers[-1]
        self.answers.append("10.0.0.1")
        return [answer]


async def test_a_download_connects_to_the_address_it_checked(cdn: FakeCdn) -> None:
    resolver = RebindingResolver()
    client = CdnClient(
        SourcePolicy([f"{CDN_HOST}:{cdn.port}"], allow_loopback=True),
        resolver,
        tls_context(cdn.cert_file),
        max_bytes=5_000_000,
        max_redirects=3,
        timeout_seconds=5,
    )
    data = photo()
    try:
        assert await client.download(cdn.serve_image("/p.jpg", data)) == data
    finally:
        await client.close()
    # One lookup, whose answer was checked and used; the name itself was never resolved again
    # (media.licdn.com has no loopback address, so any other connection would have failed).
    assert resolver.answers == ["127.0.0.1", "10.0.0.1"]
    assert cdn.requests[0].host == f"{CDN_HOST}:{cdn.port}"
