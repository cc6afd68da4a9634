# -*- coding: utf-8 -*-
# Simulation of entra.app_proxy.connectivity_test (plugins/modules/connectivity_test.ps1): the raw facts the
# module measures, answered from the host's network model (host.reach). The controller's action plugin decides
# from them, unchanged. DNS: every name resolves except those under the reserved .invalid domain (RFC 6761),
# which never do, directly or through a proxy (the proxy answers 502). Not modelled: certificate validation
# errors (a reached TLS endpoint validates) and real timings (elapsed_ms is the timeout for a timed-out step, else 1).
from __future__ import annotations

import hashlib


def _addresses(name):
    # Stable documentation-range addresses (RFC 5737), one per name.
    digest = hashlib.sha1(name.lower().encode()).digest()
    return ["203.0.113.%d" % (1 + digest[0] % 254)]


def _endpoint(host, ep, proxy, timeout):
    name, port, tls = ep["host"], ep["port"], ep["tls"]
    r = {"host": name, "port": port, "tls": tls, "dns_addresses": _addresses(name), "dns_error": None,
         "dns_timed_out": False, "tcp_connected": False, "tcp_error": None, "tcp_timed_out": False,
         "proxy_status_line": None, "tls_issuer": None, "tls_subject": None, "tls_policy_errors": None,
         "tls_chain_status": [], "tls_error": None, "elapsed_ms": 1}
    unresolvable = name.lower().rstrip(".").endswith(".invalid")
    if unresolvable:
        r.update(dns_addresses=[], dns_error="No such host is known")
        if not proxy:  # nothing to connect to
            return r
    reach = host.reach(name, port, proxy=proxy)
    # host.reach names the TCP peer it failed on: the endpoint itself is behind the proxy's CONNECT.
    behind_proxy = bool(proxy) and (reach["error"] or "").startswith("connection to %s:%s " % (name.lower(), port))
    if reach["ok"] or behind_proxy:
        r["tcp_connected"] = True
        if proxy:
            refused = behind_proxy or unresolvable
            r["proxy_status_line"] = "HTTP/1.1 502 Bad Gateway" if refused else "HTTP/1.1 200 Connection established"
            if refused:
                if tls:  # Windows still tries the handshake, which the closed tunnel ends
                    r["tls_error"] = "Authentication failed because the remote party has closed the transport stream."
                return r
    elif "timed out" in reach["error"]:
        r.update(tcp_timed_out=True, elapsed_ms=timeout * 1000)
        return r
    else:
        r["tcp_error"] = reach["error"]
        return r
    if tls:
        r.update(tls_issuer=reach["tls_issuer"] or "", tls_subject="CN=%s" % name, tls_policy_errors="None")
    return r


def simulate(host, args, check_mode, diff):
    proxy = args.get("proxy") or None
    return {"changed": False,
            "raw": {"endpoints": [_endpoint(host, ep, proxy, args["timeout"]) for ep in args["endpoints"]]}}
