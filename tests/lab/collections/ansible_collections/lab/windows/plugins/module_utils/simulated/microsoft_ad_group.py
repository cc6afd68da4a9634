# -*- coding: utf-8 -*-
# Simulation of microsoft.ad.group (microsoft.ad 1.10.0): groups and membership in the lab's shared AD.
# identity is looked up as the module does (name, sAMAccountName, DN, objectSid, objectGUID), so a
# builtin group whose name is localised is found by its well-known SID only.
from __future__ import annotations

import copy

from ansible_collections.lab.windows.plugins.module_utils.simulated import _ad

REQUIRED_ONE_OF = [["name", "identity"]]
REQUIRED_TOGETHER = [["domain_username", "domain_password"]]


def simulate(host, args, check_mode, diff):
    def find(ad, ident):
        key, cur = _ad.find(ad, ("groups",), ident)[1:]
        return key or ident.lower(), cur

    def build(ad, dns, ident, key, cur):
        if cur is None and not args["scope"]:
            raise host.fail("scope must be set when state=present and the group does not exist")
        name = args["name"] or ident
        path = args["path"] or (cur or {}).get("path") or "CN=Users," + _ad.base_dn(dns)
        guid, sid = _ad.ids(dns, "group", name)
        new = copy.deepcopy(cur) if cur else {"name": name, "sam_account_name": name, "members": [], "scope": args["scope"],
                                              "category": "security", "description": None, "object_guid": guid, "sid": sid}
        new["path"] = path
        new["dn"] = "CN=%s,%s" % (new["name"], path)
        for k in ("scope", "category", "description"):
            if args[k] is not None:
                new[k] = args[k]
        if args["members"]:
            new["members"] = _ad.apply_list(new.get("members"), _ad.resolve_spec(host, ad, args["members"], "members"))
        return key, new

    return _ad.simulate_object(host, args, "groups", find, build, check_mode, diff)
