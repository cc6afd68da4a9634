# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""server_info and connectivity_test results, shaped as their documentation (server_info.yml RETURN) says."""

from __future__ import annotations

import copy

import pytest

NEW = "Microsoft Entra private network connector"
SERVER = {
    "connector": {
        "installed": True, "layout": "new", "version": "1.5.4522.0", "product_name": NEW,
        "trust_settings_file": "C:\\ProgramData\\Microsoft\\%s\\Config\\TrustSettings.xml" % NEW,
    },
    "services": {
        "connector": {"name": "WAPCSvc", "exists": True, "state": "running", "start_mode": "auto"},
        "updater": {"name": "WAPCUpdaterSvc", "exists": True, "state": "running", "start_mode": "delayed"},
    },
    "registration": {"registered": True, "trust_settings_exists": True, "certificate_found": True,
                     "certificate_expired": False},
    "proxy": {"winhttp_proxy": None, "connector_config": {"exists": True, "proxy_address": None}},
    "firewall": {"default_outbound_action": {"domain": "allow", "private": "allow", "public": "allow"}, "rules": []},
    "tls": {"client_enabled": 1, "client_disabled_by_default": 0, "server_enabled": 1,
            "server_disabled_by_default": 0, "sch_use_strong_crypto": 1, "system_default_tls_versions": 1},
    "dotnet": {"release": 528449},
    "http2": {"enable_default_http2": None},
    "os": {"caption": "Microsoft Windows Server 2022 Datacenter", "build": 20348, "installation_type": "Server",
           "product_type": 3, "computer_name": "CONN01", "last_boot_time": "2026-11-27T06:00:00Z"},
    "domain": {"member": True, "name": "contoso.com", "fqdn": "conn01.contoso.com"},
    "password_protection_proxy": {"installed": False, "service_name": "AzureADPasswordProtectionProxy"},
    "reboot_pending": False,
    "reboot_pending_reasons": [],
    "connector_errors": [],
}


def _endpoint(host, port=443, ok=True, **extra):
    return dict({"host": host, "port": port, "ok": ok, "tcp_ok": ok, "error": None if ok else "timed out",
                 "tls_inspection_suspected": False, "tls_issuer": "CN=Microsoft Azure RSA TLS Issuing CA 03"}, **extra)


NET = {"proxy_used": None, "endpoints": [_endpoint("register.msappproxy.net"), _endpoint("login.microsoftonline.com"),
                                         _endpoint("crl.microsoft.com", 80), _endpoint("ocsp.digicert.com", 80)]}


@pytest.fixture()
def server():
    return copy.deepcopy(SERVER)


@pytest.fixture()
def net():
    return copy.deepcopy(NET)


@pytest.fixture()
def endpoint():
    """A connectivity_test endpoint result: endpoint(host, port=443, ok=True, **other keys)."""
    return _endpoint
