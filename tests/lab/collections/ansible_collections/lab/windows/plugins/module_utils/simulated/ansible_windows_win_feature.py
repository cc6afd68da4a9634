# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_feature (ansible.windows 3.3.0).
from __future__ import annotations


def simulate(host, args, check_mode, diff):
    names = [n.strip() for n in (args["name"] or []) if n.strip()]
    want = args["state"] == "present"
    results = []
    for n in names:
        f = host.feature_get(n)
        if f is None and want:
            known = host.state.get("available_features")
            if known is not None and n.lower() not in [k.lower() for k in known]:
                raise host.fail("The name of the feature(s) is invalid: %s" % n)
        installed = bool(f and f["installed"])
        if installed != want:
            results.append({"id": 0, "display_name": n, "message": [], "reboot_required": False,
                            "restart_needed": False, "skip_reason": "NotSkipped", "success": True})
            if not check_mode:
                host.feature_set(n, want)
    return {"changed": bool(results), "exitcode": "Success" if results else "NoChangeNeeded", "success": True,
            "feature_result": results, "reboot_required": False}
