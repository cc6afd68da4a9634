# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Decisions of entra.app_proxy.connectivity_test, taken on the controller from the module's raw facts.

The Windows module measures and returns, per endpoint (``raw.endpoints[]``): ``dns_addresses``,
``dns_error``, ``dns_timed_out``, ``tcp_connected``, ``tcp_error``, ``tcp_timed_out``,
``proxy_status_line`` (the first line of the proxy's reply to CONNECT, ``None`` when direct),
``tls_issuer``, ``tls_subject``, ``tls_policy_errors`` (``SslPolicyErrors.ToString()``: ``None``, or
flag names joined by ``", "``), ``tls_chain_status`` (``X509ChainStatus``: ``status`` as
``X509ChainStatusFlags.ToString()`` and ``information``), ``tls_error`` and ``elapsed_ms``.
"""

from __future__ import annotations

import re

from ._proxy_url import proxy_url_problem

DEFAULT_TRUSTED_ISSUERS = ("Microsoft", "DigiCert")

# RFC 9110 9.3.6: any 2xx reply to CONNECT opens the tunnel; the connector's proxies answer 200.
_TUNNEL_OPEN = re.compile(r"^HTTP/1\.[01] 2[0-9][0-9](\s|$)")


def tunnel_opened(status_line: str | None) -> bool:
    return bool(status_line) and bool(_TUNNEL_OPEN.match(status_line))


def inspection_suspected(issuer: str | None, trusted_issuers) -> bool:
    """True when no text of trusted_issuers appears, case-insensitively, in the issuer."""
    text = (issuer or "").lower()
    return not any(t.lower() in text for t in trusted_issuers)


def args_problem(proxy, timeout, trusted_issuers) -> str | None:
    """Why the task's options are refused, naming the option and the fix; None when they are fine."""
    if proxy not in (None, ""):
        problem = proxy_url_problem(proxy)
        if problem:  # never quote the value: a proxy URL can carry a password
            return "proxy is not valid: %s" % problem
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout < 1:
        return "timeout must be a whole number of seconds, 1 or more"
    if not isinstance(trusted_issuers, list) or not all(isinstance(t, str) and t.strip() for t in trusted_issuers):
        return "trusted_issuers must be a list of non-empty texts, for example [Microsoft, DigiCert]"
    return None


def _validation_text(raw: dict) -> str:
    text = raw.get("tls_policy_errors") or "unknown"
    chain = [c.get("status") for c in raw.get("tls_chain_status") or [] if c.get("status") not in (None, "NoError")]
    return "%s: %s" % (text, ", ".join(chain)) if chain else text


def endpoint(raw: dict, proxy: str | None, timeout: int, trusted_issuers) -> tuple[dict, str | None]:
    """One endpoint's documented result, and the TLS inspection warning or None."""
    name, port, tls = raw["host"], raw["port"], bool(raw["tls"])
    target = "%s:%s" % (name, port)
    addresses = list(raw.get("dns_addresses") or [])
    problems = []
    if raw.get("dns_timed_out"):
        problems.append("DNS lookup of %s timed out after %s s" % (name, timeout))
    elif raw.get("dns_error"):
        problems.append("DNS lookup of %s failed: %s" % (name, raw["dns_error"]))

    how = ("Tunnel through %s to" % proxy) if proxy else "TCP connect to"
    tcp_ok = False
    if raw.get("tcp_timed_out"):
        problems.append("%s %s failed: timed out after %s s" % (how, target, timeout))
    elif raw.get("tcp_error"):
        problems.append("%s %s failed: %s" % (how, target, raw["tcp_error"]))
    elif raw.get("tcp_connected") and proxy and not tunnel_opened(raw.get("proxy_status_line")):
        problems.append("%s %s failed: the proxy refused CONNECT %s with '%s'"
                        % (how, target, target, raw.get("proxy_status_line") or ""))
    else:
        tcp_ok = bool(raw.get("tcp_connected"))

    tls_ok = tls_issuer = suspected = None
    warning = None
    if tcp_ok and tls:
        tls_issuer = raw.get("tls_issuer")
        if raw.get("tls_error") or tls_issuer is None:
            tls_ok = False
            problems.append("TLS 1.2 handshake with %s failed: %s" % (target, raw.get("tls_error") or "no certificate"))
        else:
            tls_ok = raw.get("tls_policy_errors") == "None"
            if not tls_ok:
                problems.append("The certificate of %s does not validate (%s); issuer '%s'"
                                % (target, _validation_text(raw), tls_issuer))
        if tls_issuer is not None:
            suspected = inspection_suspected(tls_issuer, trusted_issuers)
            if suspected:
                warning = ("TLS inspection suspected on %s: its certificate is issued by '%s', which matches none of "
                           "trusted_issuers (%s). Microsoft does not support TLS inspection of connector traffic; "
                           "exempt the connector's endpoints from inspection." % (target, tls_issuer, ", ".join(trusted_issuers)))

    resolved = bool(addresses)
    result = {
        "host": name, "port": port, "tls": tls,
        # Through a proxy the proxy resolves the name, so a local DNS failure does not fail the endpoint.
        "ok": tcp_ok and (resolved or bool(proxy)) and (not tls or tls_ok is True),
        "resolved": resolved, "addresses": addresses, "tcp_ok": tcp_ok,
        "tls_ok": tls_ok, "tls_issuer": tls_issuer, "tls_inspection_suspected": suspected,
        "via_proxy": bool(proxy), "error": "; ".join(problems) or None,
        "elapsed_ms": int(raw.get("elapsed_ms") or 0),
    }
    return result, warning


def decide(raw: dict, proxy: str | None, timeout: int, trusted_issuers) -> tuple[dict, list[str]]:
    """The task's documented keys (endpoints, proxy_used, all_ok) and its warnings."""
    proxy = proxy or None
    results, warnings = [], []
    for item in raw.get("endpoints") or []:
        result, warning = endpoint(item, proxy, timeout, trusted_issuers)
        results.append(result)
        if warning:
            warnings.append(warning)
    return {"endpoints": results, "proxy_used": proxy, "all_ok": all(r["ok"] for r in results)}, warnings
