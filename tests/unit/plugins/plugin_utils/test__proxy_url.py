# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The grammar of app_proxy_outbound_proxy and of the bypass list, and the plugins that expose it."""

from __future__ import annotations

import pytest

from ansible_collections.entra.app_proxy.plugins.filter.proxy_url_problem import FilterModule
from ansible_collections.entra.app_proxy.plugins.plugin_utils._proxy_url import proxy_bypass_problem, proxy_url_problem
from ansible_collections.entra.app_proxy.plugins.test.proxy_url import TestModule as ProxyTests

GOOD = [
    "http://proxy.contoso.com:8080",
    "http://proxy.contoso.com:8080/",
    "HTTP://Proxy.Contoso.com:3128",
    "http://proxy:8080",  # a single-label name, as many intranets use
    "http://10.0.0.5:3128",
    "http://255.255.255.255:1",
    "http://[2001:db8::1]:8080",
    "http://[::1]:65535/",
    "http://[::ffff:10.0.0.5]:8080",
    "http://xn--bcher-kva.example:80",
]

BAD = {
    "": "it is empty",
    "   ": "only of spaces",
    "\t \n": "only of spaces",
    " http://proxy:8080": "contains spaces",
    "http://proxy:8080 ": "contains spaces",
    "http://pro xy:8080": "contains spaces",
    "proxy.contoso.com:8080": "no scheme",
    "https://proxy.contoso.com:8443": "starts with https://",
    "HTTPS://proxy:8443": "starts with https://",
    "socks5://proxy:1080": "only http://",
    "ftp://proxy:21": "only http://",
    "http://proxy.contoso.com": "no port",
    "http://[2001:db8::1]": "no port",
    "http://:8080": "no host",
    "http://": "no host",
    "http://proxy:0": "1 to 65535",
    "http://proxy:65536": "1 to 65535",
    "http://proxy:80a": "1 to 65535",
    "http://proxy:": "1 to 65535",
    "http://proxy:8080/path": "path",
    "http://proxy:8080?x=1": "path",
    "http://proxy:8080/#frag": "path",
    "http://10.0.0.256:8080": "not an IPv4 address",
    "http://1.2.3:8080": "not an IPv4 address",
    "http://2001:db8::1:8080": "must be in brackets",
    "http://[2001:db8::zz]:8080": "not an IPv6 address",
    "http://[2001:db8::1:8080": "no closing ]",
    "http://[2001:db8::1]x:8080": "only :port",
    "http://-proxy.contoso.com:8080": "not a host name",
    "http://proxy_1.contoso.com:8080": "not a host name",
    "http://proxy..contoso.com:8080": "not a host name",
}

SECRETS = [
    "http://svc-proxy:S3cr3t-Pa55@proxy.contoso.com:8080",
    "http://svc-proxy@proxy.contoso.com:8080",
    "svc-proxy:S3cr3t-Pa55@proxy.contoso.com:8080",
    "https://svc-proxy:S3cr3t-Pa55@proxy.contoso.com:8443",
    "http://svc-proxy:S3c/r3t@proxy.contoso.com:8080",
    "http://svc-proxy:S3cr3t%40Pa55@proxy:8080",
]


@pytest.mark.parametrize("value", GOOD)
def test_good_values_pass(value):
    assert proxy_url_problem(value) is None
    assert ProxyTests().tests()["proxy_url"](value) is True
    assert FilterModule().filters()["proxy_url_problem"](value) == ""


@pytest.mark.parametrize("value, reason", sorted(BAD.items()))
def test_bad_values_say_why(value, reason):
    problem = proxy_url_problem(value)
    assert problem is not None and reason in problem, problem
    assert ProxyTests().tests()["proxy_url"](value) is False
    assert FilterModule().filters()["proxy_url_problem"](value) == problem


@pytest.mark.parametrize("value", SECRETS)
def test_credentials_are_refused_without_repeating_them(value):
    problem = proxy_url_problem(value)
    assert "credentials" in problem and "not supported" in problem
    assert "http://host:port" in problem, "the message says what to do instead"
    for part in ("svc-proxy", "S3cr3t", "Pa55", "S3c/r3t"):
        assert part not in problem


def test_https_says_why():
    problem = proxy_url_problem("https://proxy:8443")
    assert "CONNECT" in problem and "http://host:port" in problem


@pytest.mark.parametrize("value", [None, 8080, ["http://proxy:8080"], {"url": "http://proxy:8080"}])
def test_non_strings_are_refused(value):
    assert "not a string" in proxy_url_problem(value)


@pytest.mark.parametrize("value", [[], ["<local>"], ["<local>", "*.contoso.com", "10.0.0.*", "intranet", "[2001:db8::1]"]])
def test_good_bypass_lists(value):
    assert proxy_bypass_problem(value) is None
    assert ProxyTests().tests()["proxy_bypass"](value) is True


@pytest.mark.parametrize("value, reason", [
    ("<local>;*.contoso.com", "must be a list"),
    (["<local>", ""], "item 2 is empty"),
    (["   "], "item 1 is empty or made only of spaces"),
    (["a.example; b.example"], "space or a semicolon"),
    (["a.example;b.example"], "space or a semicolon"),
    (["http://a.example"], "not a host pattern"),
    (["user@a.example"], "not a host pattern"),
    ([8080], "not a string"),
])
def test_bad_bypass_lists(value, reason):
    problem = proxy_bypass_problem(value)
    assert problem is not None and reason in problem, problem
    assert ProxyTests().tests()["proxy_bypass"](value) is False
    assert FilterModule().filters()["proxy_bypass_problem"](value) == problem
