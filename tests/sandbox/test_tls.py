"""TLS: the certificate is pinned, not ignored."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes

from pxa.sandbox import tls
from pxa.sandbox.server import SandboxInfo


def test_client_pinned_to_another_certificate_is_refused(info: SandboxInfo, tmp_path: Path) -> None:
    other, _ = tls.ensure_certificate(tmp_path / "other")
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(f"{info.url}/api2/json/version", verify=str(other))


def test_fingerprint_is_the_sha256_of_the_served_certificate(info: SandboxInfo) -> None:
    cert = x509.load_pem_x509_certificate(Path(info.ca_cert).read_bytes())
    expected = ":".join(f"{b:02X}" for b in cert.fingerprint(hashes.SHA256()))
    assert info.fingerprint == expected


def test_certificate_covers_loopback_names(info: SandboxInfo) -> None:
    cert = x509.load_pem_x509_certificate(Path(info.ca_cert).read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    assert "localhost" in san.get_values_for_type(x509.DNSName)
