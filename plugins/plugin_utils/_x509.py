# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Certificates as Windows stores them, parsed on the controller.

A certificate in a registry-backed store (the ``Blob`` value under ``...\\SystemCertificates\\My\\
Certificates\\<thumbprint>``) or in a user profile's store folder is a *serialized certificate store
element*, as ``CertSerializeCertificateStoreElement`` writes it: a sequence of properties, each
``PropertyID`` (u32), ``Reserved`` (u32, 1), ``Length`` (u32) and ``Value``, all little-endian; the
encoded certificate itself is the element with ``PropertyID`` 32 (``CERT_CERT_PROP_ID``) and a DER value.
Sources: [MS-GPEF] 2.2.1.1.1 "Certificate BLOB" and 2.2.1.1.1.1 "Certificate Property"
(learn.microsoft.com/openspecs/windows_protocols/ms-gpef), and Wine's ``dlls/crypt32/serialize.c``.
"""

from __future__ import annotations

import datetime
import hashlib
import struct
import typing as t

try:
    from cryptography import x509
except ImportError:  # reported when a certificate is parsed, so the action fails with the fix
    x509 = None

CERT_CERT_PROP_ID = 32
_HEADER = struct.Struct("<III")


class CertificateError(ValueError):
    """The bytes are not a certificate or a serialized store element holding one."""


class MissingCryptography(RuntimeError):
    """The controller lacks the Python package cryptography."""


def store_element_properties(blob: bytes) -> dict[int, bytes]:
    """The properties of a serialized store element, by property id."""
    props: dict[int, bytes] = {}
    offset = 0
    while offset < len(blob):
        if offset + _HEADER.size > len(blob):
            raise CertificateError("a property header at byte %d runs past the end (%d bytes)" % (offset, len(blob)))
        prop_id, _reserved, length = _HEADER.unpack_from(blob, offset)
        start = offset + _HEADER.size
        if start + length > len(blob):
            raise CertificateError("property %d of %d bytes at byte %d runs past the end (%d bytes)"
                                   % (prop_id, length, start, len(blob)))
        props[prop_id] = blob[start:start + length]
        offset = start + length
    return props


def der_from_store_element(blob: bytes) -> bytes:
    """The DER certificate inside a serialized store element."""
    props = store_element_properties(blob)
    if CERT_CERT_PROP_ID not in props:
        raise CertificateError("no certificate element (property %d) among properties %s"
                               % (CERT_CERT_PROP_ID, sorted(props)))
    return props[CERT_CERT_PROP_ID]


def _name(name: t.Any) -> str:
    # Windows shows the most specific part first, separated by ", " (X509Certificate2.Issuer).
    return ", ".join(rdn.rfc4514_string() for rdn in reversed(name.rdns))


def _not_after(cert: t.Any) -> datetime.datetime:
    value = getattr(cert, "not_valid_after_utc", None)
    if value is None:  # cryptography < 42
        value = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return value


def certificate_facts(der: bytes) -> dict[str, t.Any]:
    """Thumbprint, subject, issuer and NotAfter of a DER certificate."""
    if x509 is None:
        raise MissingCryptography("Reading the connector's trust certificate needs the Python package cryptography on the "
                                  "controller: install it (pip install cryptography) in the Python that runs Ansible.")
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError as e:
        raise CertificateError("not a DER certificate: %s" % e) from e
    return {
        "thumbprint": hashlib.sha1(der).hexdigest().upper(),  # noqa: S324 - Windows' thumbprint is SHA-1
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "not_after": _not_after(cert),
    }
