# -*- coding: utf-8 -*-
# Simulation of entra.app_proxy.connectivity_test (plugins/modules/connectivity_test.ps1), answered from
# the host's network model (host.reach). DNS: every name resolves except those under the reserved .invalid
# domain (RFC 6761), which never do, directly or through a proxy. Not modelled: certificate validation errors
# (a reached TLS endpoint validates) and real timings (elapsed_ms is the timeout for a timed-out step, else 1).
from __future__ import annotations

import hashlib
import urllib.parse


def _proxy_url(args, host):
    if args.get("proxy"):
        return args["proxy"]
    if args.get("use_winhttp_proxy"):
        value = host.winhttp_proxy().get("proxy")
        if value:
            if "=" in value:  # per-scheme list: the module takes the https= entry, else the first
                parts = dict(p.split("=", 1) for p in value.split(";") if "=" in p)
                value = parts.get("https") or next(iter(parts.values()))
            return value if "://" in value else "http://" + value  # netsh accepts a value with its scheme
    return None


def _addresses(name):
    # Stable documentation-range addresses (RFC 5737), one per name.
    digest = hashlib.sha1(name.lower().encode()).digest()
    return ["203.0.113.%d" % (1 + digest[0] % 254)]


def simulate(host, args, check_mode, diff):
    proxy = _proxy_url(args, host)
    if proxy:
        u = urllib.parse.urlsplit(proxy)
        try:
            port = u.port
        except ValueError:
            port = None
        if u.scheme != "http" or not u.hostname or not port:
            raise host.fail("proxy '%s' is not valid: give it as http://host:port (the connector needs the "
                            "http:// prefix even for an IP address)" % proxy)
    trusted = [t.lower() for t in args["trusted_issuers"]]
    timeout = args["timeout"]
    results = []
    for ep in args["endpoints"]:
        name, port, tls = ep["host"], ep["port"], ep["tls"]
        target = "%s:%s" % (name, port)
        r = {"host": name, "port": port, "tls": tls, "ok": False, "resolved": True, "addresses": _addresses(name),
             "tcp_ok": False, "tls_ok": None, "tls_issuer": None, "tls_inspection_suspected": None,
             "via_proxy": proxy is not None, "error": None, "elapsed_ms": 1}
        problems = []
        reach = host.reach(name, port, proxy=proxy)
        if name.lower().rstrip(".").endswith(".invalid"):
            r.update(resolved=False, addresses=[])
            problems.append("DNS lookup of %s failed: No such host is known" % name)
            if proxy and reach["ok"]:
                reach = {"ok": False, "tls_issuer": None,
                         "error": "the proxy refused CONNECT %s with 'HTTP/1.1 502 Bad Gateway'" % target}
            elif not proxy:
                reach = {"ok": False, "tls_issuer": None, "error": None}
        if reach["ok"]:
            r["tcp_ok"] = True
        elif reach["error"]:
            how = ("Tunnel through %s to" % proxy) if proxy else "TCP connect to"
            problems.append("%s %s failed: %s" % (how, target, reach["error"]))
            if "timed out" in (reach["error"] or ""):
                r["elapsed_ms"] = timeout * 1000
        if r["tcp_ok"] and tls:
            issuer = reach["tls_issuer"] or ""
            r["tls_issuer"] = issuer
            r["tls_ok"] = True
            r["tls_inspection_suspected"] = not any(t in issuer.lower() for t in trusted)
            if r["tls_inspection_suspected"]:
                host.warn("TLS inspection suspected on %s: its certificate is issued by '%s', not by a Microsoft or "
                          "DigiCert CA. Microsoft does not support TLS inspection of connector traffic; exempt the "
                          "connector's endpoints from inspection." % (target, issuer))
        r["ok"] = r["tcp_ok"] and (r["resolved"] or proxy is not None) and (not tls or r["tls_ok"] is True)
        if problems:
            r["error"] = "; ".join(problems)
        results.append(r)
    return {"changed": False, "endpoints": results, "proxy_used": proxy,
            "all_ok": all(r["ok"] for r in results)}
