"""A throwaway certificate for www.linkedin.com (or other hosts) on loopback.

Chromium in the tests runs with --ignore-certificate-errors, so nothing has to
trust the fake LinkedIn's; the names still match, so a stricter client only
needs the certificate as its CA — as media_service does for the fake CDN
(tests/support/fake_cdn.py). An EC key keeps generation to a few
milliseconds per test.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOSTS = ("www.linkedin.com", "linkedin.com", "*.linkedin.com", "static.licdn.com")


def write_self_signed(directory: Path, hosts: tuple[str, ...] = HOSTS) -> tuple[Path, Path]:
    """Write cert.pem and key.pem for `hosts` into `directory`; return their paths.

    A client that must verify it (media_service's downloads) trusts cert.pem itself as its CA.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hosts[0])])
    now = datetime.now(UTC)  # validity is checked against the machine's clock, not a test clock
    san = [x509.DNSName(host) for host in hosts] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=7))
        .add_extension(x509.SubjectAlternativeName(san), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path
