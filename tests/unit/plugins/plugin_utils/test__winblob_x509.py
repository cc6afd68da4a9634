# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import base64
import struct

import pytest

from ansible_collections.entra.app_proxy.plugins.plugin_utils import _winblob, _x509


def test_reg_value_kinds():
    assert _winblob.reg_value(None) is None
    assert _winblob.reg_value({"kind": None, "value": None}) is None
    assert _winblob.reg_value({"kind": "DWord", "value": -1}) == 0xFFFFFFFF
    assert _winblob.reg_value({"kind": "Binary", "value": base64.b64encode(b"\x01\x02").decode()}) == b"\x01\x02"
    assert _winblob.reg_value({"kind": "MultiString", "value": "one"}) == ["one"]
    assert _winblob.reg_dword({"kind": "String", "value": "1"}) is None  # Windows reads DWORDs only


def test_winhttp_direct_and_named():
    direct = struct.pack("<IIII", 0x18, 1, 1, 0) + struct.pack("<I", 0)
    assert _winblob.winhttp_settings(direct) == {"proxy": None, "bypass": None}
    named = struct.pack("<IIII", 0x18, 2, 3, 6) + b"p:8080" + struct.pack("<I", 7) + b"<local>"
    assert _winblob.winhttp_settings(named) == {"proxy": "p:8080", "bypass": "<local>"}


def test_truncated_blob_is_an_error():
    with pytest.raises(_winblob.BlobError, match="runs past the end"):
        _winblob.winhttp_settings(struct.pack("<IIII", 0x18, 2, 3, 60) + b"p:8080")
    with pytest.raises(_winblob.BlobError, match="header"):
        _winblob.inet_settings(b"\x46\x00")


def test_store_element_and_certificate_errors():
    with pytest.raises(_x509.CertificateError, match="no certificate element"):
        _x509.der_from_store_element(struct.pack("<III", 3, 1, 20) + b"\x00" * 20)
    with pytest.raises(_x509.CertificateError, match="runs past the end"):
        _x509.der_from_store_element(struct.pack("<III", 32, 1, 500) + b"\x30")
    with pytest.raises(_x509.CertificateError, match="not a DER certificate"):
        _x509.certificate_facts(b"\x30\x03\x02\x01\x01")
