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
    dns = _ad.domain_of(host, args)
    ident = args["identity"] or args["name"]
    result = {"changed": False, "distinguished_name": None, "object_guid": None, "sid": None}
    with host.ad(dns) as ad:
        key, cur = _ad.find(ad, ("groups",), ident)[1:]
        key = key or ident.lower()
        if args["state"] == "absent":
            if cur is not None:
                result["changed"] = True
                if not check_mode:
                    del ad["groups"][key]
            return result
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
        result["changed"] = new != cur
        if result["changed"] and not check_mode:
            ad["groups"][key] = new
        result.update(distinguished_name=new["dn"], object_guid=new["object_guid"], sid=new["sid"])
        if diff:
            result["diff"] = {"before": cur or {}, "after": new}
    return result
