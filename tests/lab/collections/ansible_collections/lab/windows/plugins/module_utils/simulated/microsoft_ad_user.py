# -*- coding: utf-8 -*-
# Simulation of microsoft.ad.user (microsoft.ad 1.10.0): service accounts in the lab's shared AD,
# enough for Kerberos delegation (spn, delegates, attributes). Passwords are accepted, never stored.
from __future__ import annotations

import copy

from ansible_collections.lab.windows.plugins.module_utils.simulated import _ad
from ansible_collections.lab.windows.plugins.module_utils.simulated.microsoft_ad_computer import _attrs

REQUIRED_ONE_OF = [["name", "identity"]]
REQUIRED_TOGETHER = [["domain_username", "domain_password"]]


def _find(ad, ident):
    key = ident.lower()
    if key.startswith("cn="):
        key = key[3:].split(",", 1)[0]
    for k, u in ad["users"].items():
        if key in (k, u["name"].lower(), u.get("sam_account_name", "").lower(), u.get("upn", "").lower()):
            return k, u
    return key, None


def simulate(host, args, check_mode, diff):
    def build(ad, dns, ident, key, cur):
        if cur is None and not args["name"]:
            raise host.fail("Failed to find user with the identity '%s': a new user needs 'name'" % ident)
        name = args["name"] or cur["name"]
        path = args["path"] or (cur or {}).get("path") or "CN=Users," + _ad.base_dn(dns)
        guid, sid = _ad.ids(dns, "user", name)
        new = copy.deepcopy(cur) if cur else {"name": name, "sam_account_name": name, "spn": [], "delegates": [],
                                              "attributes": {}, "enabled": True, "object_guid": guid, "sid": sid}
        new["path"] = path
        new["dn"] = new.get("dn") if cur and not args["path"] else "CN=%s,%s" % (new["name"], path)
        for k in ("description", "display_name", "enabled", "upn", "sam_account_name"):
            if args.get(k) is not None:
                new[k] = args[k]
        if args["spn"]:
            new["spn"] = _ad.apply_list(new.get("spn"), args["spn"])
        if args["delegates"]:
            new["delegates"] = _ad.apply_list(new.get("delegates"), _ad.resolve_spec(host, ad, args["delegates"], "delegates"))
        new["attributes"] = _attrs(new.get("attributes"), args["attributes"])
        new.setdefault("object_guid", guid)
        new.setdefault("sid", sid)
        return key, new

    return _ad.simulate_object(host, args, "users", _find, build, check_mode, diff)
