# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_http_proxy (ansible.windows 3.3.0; community.windows redirects here).
from __future__ import annotations

from ansible_collections.lab.windows.plugins.module_utils.simulated._change import converge

MUTUALLY_EXCLUSIVE = [["proxy", "source"], ["bypass", "source"]]
REQUIRED_BY = {"bypass": ["proxy"]}


def _proxy_str(p):
    if isinstance(p, dict):
        return ";".join("%s=%s" % (k, v) for k, v in sorted(p.items()))
    return p


def simulate(host, args, check_mode, diff):
    cur = host.winhttp_proxy()
    if args["source"] == "ie":
        ie = host.inet_proxy()
        new = {"proxy": _proxy_str(ie.get("proxy")), "bypass": list(ie.get("bypass") or [])}
    else:
        new = {"proxy": _proxy_str(args["proxy"]) if args["proxy"] else None,
               "bypass": [b.strip() for b in args["bypass"]] if args["bypass"] else []}
    before = {"proxy": cur.get("proxy"), "bypass": ";".join(cur.get("bypass") or []) or None}
    after = {"proxy": new["proxy"], "bypass": ";".join(new["bypass"]) or None}
    return converge(before, after, lambda: host.set_winhttp_proxy(new), check_mode, diff)
