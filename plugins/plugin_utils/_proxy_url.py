# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""The one grammar of the outbound proxy (``app_proxy_outbound_proxy``) and its bypass list.

The test plugins ``proxy_url``/``proxy_bypass`` and the filter ``proxy_url_problem`` are its public faces.

A value is ``http://host:port`` with an optional trailing ``/``: Microsoft writes the proxy with the
``http://`` prefix "even if you're using an IP address", the connector tunnels its own TLS through it
with CONNECT, and "Application proxy doesn't support authentication to other proxies". The host is a
DNS name, an IPv4 address or a bracketed IPv6 address; the port is 1-65535.

Each function returns the reason a value is refused, or ``None``. A reason never repeats the value:
a URL can carry a password.
"""

from __future__ import annotations

import ipaddress
import re

_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")
_IPV4ISH = re.compile(r"^[0-9.]+$")

CREDENTIALS = (
    "it holds credentials (user:password@ or user@). Proxy authentication is not supported: Microsoft says "
    "application proxy does not authenticate to other proxies. Let the connector server's Network Service and "
    "Local System accounts through the proxy without a challenge, and give the proxy as http://host:port"
)
HTTPS = (
    "it starts with https://. Give it as http://host:port (Microsoft: the value must have the prefix http://): "
    "the connector tunnels its own TLS through the proxy with CONNECT, and a proxy that terminates or inspects "
    "TLS breaks the connector's certificate authentication"
)


def _host_problem(host: str) -> str | None:
    if host.startswith("["):
        if not host.endswith("]"):
            return "its IPv6 address has no closing ]"
        try:
            ipaddress.IPv6Address(host[1:-1])
        except ValueError:
            return "%s is not an IPv6 address" % host
        return None
    if _IPV4ISH.match(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return "%s is not an IPv4 address" % host
        return None
    if len(host) > 253 or not all(_LABEL.match(label) for label in host.rstrip(".").split(".")):
        return "%s is not a host name (letters, digits and hyphens, dot-separated)" % host
    return None


def proxy_url_problem(value) -> str | None:
    """Why ``value`` is not ``http://host:port``; None when it is."""
    if not isinstance(value, str):
        return "it is a %s, not a string" % type(value).__name__
    if value == "":
        return "it is empty"
    if not value.strip():
        return "it is made only of spaces"
    if value != value.strip() or re.search(r"\s", value):
        return "it contains spaces"
    # First, before anything that quotes a part of the value: a credential must never be echoed, and
    # "@" has no other place in http://host:port.
    if "@" in value:
        return CREDENTIALS
    scheme = _SCHEME.match(value)
    authority = value[scheme.end():] if scheme else value
    authority = authority.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if scheme is None:
        return "it has no scheme: write it as http://host:port, for example http://proxy.contoso.com:8080"
    name = scheme.group(1).lower()
    if name == "https":
        return HTTPS
    if name != "http":
        return "its scheme is %s://; only http:// is supported (http://host:port)" % name
    rest = value[scheme.end() + len(authority):]
    if rest not in ("", "/"):
        return "it has a path, query or fragment after host:port; give only http://host:port"
    if not authority:
        return "it has no host: write it as http://host:port"
    if authority.startswith("["):
        end = authority.find("]")
        if end < 0:
            return "its IPv6 address has no closing ]"
        host, after = authority[:end + 1], authority[end + 1:]
        if after and not after.startswith(":"):
            return "only :port may follow the bracketed IPv6 address"
        port = after[1:] if after else None
    elif authority.count(":") > 1:
        return "an IPv6 address must be in brackets, for example http://[2001:db8::1]:8080"
    else:
        host, sep, port = authority.partition(":")
        port = port if sep else None
    if not host:
        return "it has no host: write it as http://host:port"
    if port is None:
        return "it has no port: write it as http://host:port, for example http://proxy.contoso.com:8080"
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        return "its port must be a number from 1 to 65535"
    return _host_problem(host)


def proxy_bypass_problem(value) -> str | None:
    """Why ``value`` is not a bypass list as Windows writes it (one pattern per item); None when it is."""
    if not isinstance(value, (list, tuple)):
        return "it must be a list of host patterns, for example ['<local>', '*.contoso.com']"
    for index, item in enumerate(value):
        if not isinstance(item, str):
            return "item %d is a %s, not a string" % (index + 1, type(item).__name__)
        if not item.strip():
            return "item %d is empty or made only of spaces" % (index + 1)
        if re.search(r"[;\s]", item):
            return "item %d (%s) contains a space or a semicolon; give one pattern per item" % (index + 1, item)
        if "@" in item or "://" in item:
            return "item %d is not a host pattern (no scheme and no user@): use host names, *.domain, IP addresses or <local>" \
                % (index + 1)
    return None
