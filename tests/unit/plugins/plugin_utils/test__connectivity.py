# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connectivity decisions, on raw endpoint facts shaped as the module returns them (.NET's own strings:
SslPolicyErrors.ToString(), X509ChainStatusFlags names, SocketException messages)."""

from __future__ import annotations

import pytest

from ansible_collections.entra.app_proxy.plugins.plugin_utils import _connectivity as c

TRUSTED = list(c.DEFAULT_TRUSTED_ISSUERS)
DIGICERT = "CN=DigiCert Global G2 TLS RSA SHA256 2020 CA1, O=DigiCert Inc, C=US"
PROXY = "http://proxy.contoso.example:8080"


def raw(host="login.microsoftonline.com", port=443, tls=True, **facts):
    """A measured endpoint: resolved, connected and validated unless facts say otherwise."""
    r = {"host": host, "port": port, "tls": tls, "dns_addresses": ["20.190.160.1"], "dns_error": None,
         "dns_timed_out": False, "tcp_connected": True, "tcp_error": None, "tcp_timed_out": False,
         "proxy_status_line": None, "tls_issuer": DIGICERT if tls else None, "tls_subject": "CN=%s" % host if tls else None,
         "tls_policy_errors": "None" if tls else None, "tls_chain_status": [], "tls_error": None, "elapsed_ms": 42}
    r.update(facts)
    return r


def decide_one(item, proxy=None, trusted=None):
    return c.endpoint(item, proxy, 5, trusted or TRUSTED)


def test_a_valid_direct_tls_endpoint_is_ok():
    result, warning = decide_one(raw())
    assert result == {"host": "login.microsoftonline.com", "port": 443, "tls": True, "ok": True, "resolved": True,
                      "addresses": ["20.190.160.1"], "tcp_ok": True, "tls_ok": True, "tls_issuer": DIGICERT,
                      "tls_inspection_suspected": False, "via_proxy": False, "error": None, "elapsed_ms": 42}
    assert warning is None


def test_a_plain_tcp_endpoint_has_no_tls_verdict():
    result = decide_one(raw(host="crl.microsoft.com", port=80, tls=False))[0]
    assert result["ok"] and result["tls_ok"] is None and result["tls_inspection_suspected"] is None


def test_dns_failure_fails_a_direct_endpoint_with_the_resolver_message():
    result = decide_one(raw(host="x.invalid", dns_addresses=[], dns_error="No such host is known",
                            tcp_connected=False, tls_issuer=None, tls_policy_errors=None))[0]
    assert not result["ok"] and not result["resolved"] and result["addresses"] == []
    assert result["error"] == "DNS lookup of x.invalid failed: No such host is known"


def test_dns_timeout_is_named_with_the_timeout():
    result = decide_one(raw(dns_addresses=[], dns_timed_out=True, tcp_connected=False))[0]
    assert not result["ok"] and "DNS lookup of login.microsoftonline.com timed out after 5 s" in result["error"]


def test_through_a_proxy_a_local_dns_failure_does_not_fail_the_endpoint():
    result = decide_one(raw(dns_addresses=[], dns_error="No such host is known",
                            proxy_status_line="HTTP/1.1 200 Connection established"), proxy=PROXY)[0]
    assert result["ok"] and result["via_proxy"] and not result["resolved"]
    assert result["error"].startswith("DNS lookup")  # reported, not fatal


@pytest.mark.parametrize("facts, text", [
    ({"tcp_connected": False, "tcp_timed_out": True}, "TCP connect to login.microsoftonline.com:443 failed: timed out after 5 s"),
    ({"tcp_connected": False, "tcp_error": "No connection could be made because the target machine actively refused it"},
     "TCP connect to login.microsoftonline.com:443 failed: No connection could be made"),
])
def test_tcp_failures_fail_the_endpoint(facts, text):
    result, warning = decide_one(raw(tls_issuer=None, tls_policy_errors=None, **facts))
    assert not result["ok"] and not result["tcp_ok"] and result["tls_ok"] is None and text in result["error"]
    assert warning is None


@pytest.mark.parametrize("line, opened", [
    ("HTTP/1.1 200 Connection established", True),
    ("HTTP/1.0 200", True),
    ("HTTP/1.1 407 Proxy Authentication Required", False),
    ("HTTP/1.1 502 Bad Gateway", False),
    ("HTTP/1.1 2000 nonsense", False),
    ("", False),
    (None, False),
])
def test_tunnel_opened_reads_the_connect_status_line(line, opened):
    assert c.tunnel_opened(line) is opened


def test_a_refused_tunnel_fails_the_endpoint_and_ignores_the_handshake():
    result, warning = decide_one(raw(proxy_status_line="HTTP/1.1 403 Forbidden", tls_issuer=None, tls_policy_errors=None,
                                     tls_error="Authentication failed because the remote party has closed the transport stream."),
                                 proxy=PROXY)
    assert not result["ok"] and not result["tcp_ok"] and result["tls_ok"] is None and warning is None
    assert result["error"] == ("Tunnel through %s to login.microsoftonline.com:443 failed: the proxy refused CONNECT "
                               "login.microsoftonline.com:443 with 'HTTP/1.1 403 Forbidden'" % PROXY)


def test_a_proxy_that_cannot_be_reached_is_named():
    result = decide_one(raw(tcp_connected=False, tcp_timed_out=True), proxy=PROXY)[0]
    assert not result["ok"] and result["error"] == "Tunnel through %s to login.microsoftonline.com:443 failed: timed out after 5 s" % PROXY


def test_a_certificate_that_does_not_validate_fails_with_the_chain_status():
    result = decide_one(raw(tls_policy_errors="RemoteCertificateChainErrors",
                            tls_chain_status=[{"status": "UntrustedRoot", "information": "A certificate chain processed, "
                                               "but terminated in a root certificate which is not trusted by the trust provider."}]))[0]
    assert not result["ok"] and result["tcp_ok"] and result["tls_ok"] is False
    assert result["error"] == ("The certificate of login.microsoftonline.com:443 does not validate "
                               "(RemoteCertificateChainErrors: UntrustedRoot); issuer '%s'" % DIGICERT)


def test_a_name_mismatch_fails():
    result = decide_one(raw(tls_policy_errors="RemoteCertificateNameMismatch, RemoteCertificateChainErrors"))[0]
    assert result["tls_ok"] is False and "(RemoteCertificateNameMismatch, RemoteCertificateChainErrors)" in result["error"]


def test_a_failed_handshake_fails():
    result = decide_one(raw(tls_issuer=None, tls_policy_errors=None, tls_error="Unable to read data from the transport connection."))[0]
    assert not result["ok"] and result["tls_ok"] is False and result["tls_inspection_suspected"] is None
    assert result["error"] == "TLS 1.2 handshake with login.microsoftonline.com:443 failed: Unable to read data from the transport connection."


@pytest.mark.parametrize("issuer, suspected", [
    (DIGICERT, False),
    ("CN=Microsoft Azure RSA TLS Issuing CA 03, O=Microsoft Corporation, C=US", False),
    ("cn=MICROSOFT rsa tls ca 01", False),  # case-insensitive
    ("CN=Contoso Inspection CA, O=Contoso", True),
    ("", True),
])
def test_inspection_suspected_when_no_trusted_text_is_in_the_issuer(issuer, suspected):
    assert c.inspection_suspected(issuer, TRUSTED) is suspected


def test_an_inspecting_proxy_is_warned_about_but_a_trusted_inspection_ca_still_validates():
    issuer = "CN=Contoso Inspection CA, O=Contoso"
    result, warning = decide_one(raw(tls_issuer=issuer))
    assert result["ok"] and result["tls_inspection_suspected"] is True
    assert warning.startswith("TLS inspection suspected on login.microsoftonline.com:443: its certificate is issued by "
                              "'%s', which matches none of trusted_issuers (Microsoft, DigiCert)." % issuer)


def test_own_trusted_issuers_replace_the_defaults():
    result, warning = decide_one(raw(), trusted=["No Such CA"])
    assert result["tls_inspection_suspected"] is True and "(No Such CA)" in warning


def test_decide_sums_up_and_collects_warnings():
    items = [raw(), raw(tls_issuer="CN=Inspect"), raw(host="crl.microsoft.com", port=80, tls=False, tcp_connected=False,
                                                      tcp_timed_out=True)]
    summary, warnings = c.decide({"endpoints": items}, None, 5, TRUSTED)
    assert [e["ok"] for e in summary["endpoints"]] == [True, True, False]
    assert summary["all_ok"] is False and summary["proxy_used"] is None and len(warnings) == 1
    summary, warnings = c.decide({"endpoints": items[:1]}, "", 5, TRUSTED)
    assert summary["all_ok"] is True and summary["proxy_used"] is None and warnings == []
    summary = c.decide({"endpoints": []}, PROXY, 5, TRUSTED)[0]
    assert summary == {"endpoints": [], "proxy_used": PROXY, "all_ok": True}


@pytest.mark.parametrize("proxy, timeout, trusted, words", [
    ("proxy.contoso.example:8080", 5, TRUSTED, ["proxy is not valid", "http://host:port"]),
    ("https://proxy.contoso.example:8080", 5, TRUSTED, ["proxy is not valid", "https://"]),
    ("http://user:Secret1@proxy.contoso.example:8080", 5, TRUSTED, ["proxy is not valid", "credentials"]),
    (PROXY, 0, TRUSTED, ["timeout"]),
    (PROXY, None, TRUSTED, ["timeout"]),
    (PROXY, 5, ["Microsoft", ""], ["trusted_issuers"]),
    (PROXY, 5, None, ["trusted_issuers"]),
])
def test_args_problem_names_the_option_and_the_fix(proxy, timeout, trusted, words):
    problem = c.args_problem(proxy, timeout, trusted)
    assert problem and all(w in problem for w in words), problem
    assert "Secret1" not in problem


@pytest.mark.parametrize("proxy", [None, "", PROXY, "http://[2001:db8::1]:8080", "http://10.0.0.5:3128/"])
def test_args_problem_accepts_good_values(proxy):
    assert c.args_problem(proxy, 5, TRUSTED) is None
