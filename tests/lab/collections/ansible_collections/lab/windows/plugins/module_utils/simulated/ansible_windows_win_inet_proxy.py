# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_inet_proxy (ansible.windows 3.3.0; community.windows redirects here).
from __future__ import annotations

from ansible_collections.lab.windows.plugins.module_utils.simulated._change import converge

REQUIRED_BY = {"bypass": ["proxy"]}


def simulate(host, args, check_mode, diff):
    if args["connection"]:
        known = host.state.get("proxy", {}).get("connections", [])
        if args["connection"] not in known:
            raise host.fail("The connection '%s' does not exist." % args["connection"])
    cur = host.inet_proxy()
    new = {"auto_detect": bool(args["auto_detect"]), "auto_config_url": args["auto_config_url"],
           "proxy": args["proxy"], "bypass": list(args["bypass"] or [])}
    before = {k: cur.get(k) for k in new}
    before["bypass"] = list(before["bypass"] or [])
    return converge(before, new, lambda: host.set_inet_proxy(new), check_mode, diff)
