"""Certificates and token formats of the fake tenant.

The TLS CA and server certificate come from trustme. The app registration's certificate
is an RSA key (MSAL signs client assertions with RS256 or PS256). Tokens the fake issues
are JWT-shaped and signed with HMAC-SHA256 under a per-start secret: good enough for a
test double that keeps its own table of issued tokens, and plainly not a Microsoft token.
"""
from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_json(obj: dict) -> str:
    return b64url(json.dumps(obj, separators=(",", ":"), sort_keys=True).encode("utf-8"))


def sign_jwt(claims: dict, secret: bytes, kid: str = "fake-tenant") -> str:
    header = b64url_json({"typ": "JWT", "alg": "HS256", "kid": kid})
    payload = b64url_json(claims)
    mac = hmac.new(secret, ("%s.%s" % (header, payload)).encode("ascii"), hashlib.sha256).digest()
    return "%s.%s.%s" % (header, payload, b64url(mac))


def verify_jwt(token: str, secret: bytes) -> dict | None:
    """Claims of a token this tenant signed, or None (malformed or bad signature)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        mac = b64url_decode(parts[2])
        expected = hmac.new(secret, ("%s.%s" % (parts[0], parts[1])).encode("ascii"), hashlib.sha256).digest()
        if not hmac.compare_digest(mac, expected):
            return None
        return json.loads(b64url_decode(parts[1]))
    except (ValueError, UnicodeError):
        return None


def _write_private(path: str, data: bytes) -> None:
    # Key material: owner-only, like a real credential file should be.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


class Certificates:
    """The CA, the HTTPS server certificate and the app registration's certificate."""

    def __init__(self, state_dir: str, host: str, tenant_domain: str):
        self.ca = trustme.CA(organization_name="fake-tenant test CA (not Microsoft)")
        self.server = self.ca.issue_cert(host, "localhost", common_name=host)
        self.ca_bundle = os.path.join(state_dir, "ca.pem")
        self.ca.cert_pem.write_to_path(self.ca_bundle)

        # The app certificate is issued by the same test CA; Entra only looks at the
        # thumbprint and the public key, not at the chain.
        app = self.ca.issue_cert(
            "automation.%s" % tenant_domain, common_name="fake-tenant automation app",
            not_after=datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=30),
            key_type=trustme.KeyType.RSA)
        leaf_pem = app.cert_chain_pems[0].bytes()
        self.app_cert = x509.load_pem_x509_certificate(leaf_pem)
        self.app_public_key = self.app_cert.public_key()
        self.app_certificate_path = os.path.join(state_dir, "app-certificate.pem")
        _write_private(self.app_certificate_path, app.private_key_pem.bytes() + leaf_pem)
        self.app_sha1 = self.app_cert.fingerprint(hashes.SHA1())  # noqa: S303 - x5t is SHA-1 by spec
        self.app_sha256 = self.app_cert.fingerprint(hashes.SHA256())
        self.app_thumbprint = self.app_sha1.hex().upper()
        self.app_public_pem = self.app_cert.public_bytes(serialization.Encoding.PEM)

    def server_context(self):
        import ssl

        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.server.configure_cert(ctx)
        return ctx


class ClientAssertionError(Exception):
    """A client assertion that does not authenticate the app (message is AADSTS-style)."""


def _hex(value) -> str:
    try:
        return b64url_decode(str(value or "").rstrip("=")).hex().upper()
    except ValueError:
        return str(value)


def verify_client_assertion(assertion: str, certs: Certificates, client_id: str, audiences: list[str]) -> None:
    """Check a private_key_jwt client assertion the way Entra does: the x5t / x5t#S256
    header must name the registered certificate and its key must have signed the JWT."""
    import jwt  # PyJWT ships with msal

    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise ClientAssertionError("AADSTS50027: JWT token is invalid or malformed.")
    x5t, x5t256 = header.get("x5t"), header.get("x5t#S256")
    try:
        # Compare bytes: clients differ on keeping the base64 "=" padding.
        known = (b64url_decode(x5t256.rstrip("=")) == certs.app_sha256 if x5t256
                 else b64url_decode((x5t or "").rstrip("=")) == certs.app_sha1)
    except (ValueError, AttributeError):
        known = False
    if not (x5t or x5t256) or not known:
        raise ClientAssertionError(
            "AADSTS700027: The certificate with identifier used to sign the client assertion is not "
            "registered on application. [Reason - The key was not found.] Thumbprint of key used by "
            "client: '%s'." % _hex(x5t256 or x5t))
    if header.get("alg") not in ("RS256", "PS256"):
        raise ClientAssertionError("AADSTS5002738: Invalid JWT token. '%s' is not a supported signature algorithm."
                                   % header.get("alg"))
    try:
        claims = jwt.decode(assertion, key=certs.app_public_key, algorithms=[header["alg"]], audience=audiences,
                            issuer=client_id, leeway=60, options={"require": ["exp", "aud", "iss", "sub"]})
    except jwt.ExpiredSignatureError:
        raise ClientAssertionError("AADSTS700024: Client assertion is not within its valid time range.")
    except jwt.InvalidAudienceError:
        raise ClientAssertionError("AADSTS700016: The client assertion audience is not this tenant's token endpoint.")
    except jwt.InvalidSignatureError:
        raise ClientAssertionError("AADSTS700027: Client assertion failed signature validation.")
    except jwt.PyJWTError as exc:
        raise ClientAssertionError("AADSTS50027: JWT token is invalid or malformed. %s" % exc)
    if claims.get("sub") != client_id:
        raise ClientAssertionError("AADSTS700023: Client assertion subject does not match the client_id.")
