"""https upstreams: certificates and host names verified (R-HTTP-03).

The scripted upstream (``tests/xplatform/upstream.py``) behind TLS with a
self-signed certificate made for the test. The client trusts the CA bundle
requests uses (certifi); the tests that need the test certificate trusted
point ``transport`` at it instead.
"""

from __future__ import annotations

import datetime
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from interactions.xplatform import transport
from interactions.xplatform.client import XPlatformClient
from interactions.xplatform.config import AccountConfig, CallerAttribute, CallPolicy
from interactions.xplatform.errors import XPlatformUnavailable
from tests.xplatform.upstream import KEY, POLICY, Server

pytestmark = pytest.mark.usefixtures("fresh_registry")


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A certificate for ``name`` that is its own CA, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def tls_upstream(cert_file: Path, key_file: Path) -> Server:
    server = Server()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    return server


@pytest.fixture
def certificates(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    return {name: self_signed(tmp_path, name) for name in ("localhost", "other.test")}


@pytest.fixture
def trust(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make the next pool trust the given bundle instead of certifi's."""
    transport._tls_context.cache_clear()
    yield
    transport._tls_context.cache_clear()


def client_for(server: Server) -> XPlatformClient:
    config = AccountConfig(
        base_url=f"https://localhost:{server.server_address[1]}",
        account_id="jan20",
        application_key=KEY,
    )
    policy = CallPolicy(**{**POLICY.__dict__, "allowed_hosts": ("localhost",)})
    return XPlatformClient(config, policy=policy)


def lookup(client: XPlatformClient) -> tuple[str, ...]:
    return client.unique_ids(CallerAttribute.DTMF, "4567").ids


def test_a_certificate_no_trusted_ca_signed_is_refused(certificates, trust):
    server = tls_upstream(*certificates["localhost"])
    try:
        with pytest.raises(XPlatformUnavailable) as info:
            lookup(client_for(server))
        assert info.value.message == (
            "A secure connection to the X-Platform server could not be established."
        )
        assert server.hits == []
    finally:
        server.shutdown()
        server.server_close()


def test_a_trusted_certificate_works_and_its_connection_is_kept(
    certificates, trust, monkeypatch
):
    cert_file, key_file = certificates["localhost"]
    monkeypatch.setattr(transport, "DEFAULT_CA_BUNDLE_PATH", str(cert_file))
    server = tls_upstream(cert_file, key_file)
    try:
        client = client_for(server)
        for _ in range(3):
            assert lookup(client) == ("040100713",)
        assert len(server.connections) == 1
    finally:
        server.shutdown()
        server.server_close()


def test_a_trusted_certificate_for_another_name_is_refused(
    certificates, trust, monkeypatch
):
    cert_file, key_file = certificates["other.test"]
    monkeypatch.setattr(transport, "DEFAULT_CA_BUNDLE_PATH", str(cert_file))
    server = tls_upstream(cert_file, key_file)
    try:
        with pytest.raises(XPlatformUnavailable, match="secure connection"):
            lookup(client_for(server))
        assert server.hits == []
    finally:
        server.shutdown()
        server.server_close()
