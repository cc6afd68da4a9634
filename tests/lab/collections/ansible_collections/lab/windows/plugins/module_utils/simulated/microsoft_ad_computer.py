# -*- coding: utf-8 -*-
# Simulation of microsoft.ad.computer (microsoft.ad 1.10.0): computer accounts in the lab's shared AD.
from __future__ import annotations

import copy

from ansible_collections.lab.windows.plugins.module_utils.simulated import _ad

REQUIRED_ONE_OF = [["name", "identity"]]
REQUIRED_TOGETHER = [["domain_username", "domain_password"]]


def _attrs(current, spec):
    cur = {k: list(v) for k, v in (current or {}).items()}
    for op in ("set", "add", "remove"):
        for k, v in ((spec or {}).get(op) or {}).items():
            vals = [str(x) for x in (v if isinstance(v, list) else [v])] if v is not None else []
            key = k.lower()
            if op == "set":
                cur[key] = vals
            elif op == "add":
                cur[key] = _ad.apply_list(cur.get(key, []), {"add": vals})
            else:
                cur[key] = _ad.apply_list(cur.get(key, []), {"remove": vals})
            if not cur[key]:
                cur.pop(key)
    return cur


def _find(ad, ident):
    key = ident.lower().rstrip("$")
    if key.startswith("cn="):
        key = key[3:].split(",", 1)[0]
    return key, ad["computers"].get(key)


def simulate(host, args, check_mode, diff):
    def build(ad, dns, ident, key, cur):
        name = args["name"] or ident
        path = args["path"] or (cur or {}).get("path") or "CN=Computers," + _ad.base_dn(dns)
        guid, sid = _ad.ids(dns, "computer", name)
        new = copy.deepcopy(cur) if cur else {
            "name": name.upper().rstrip("$"), "sam_account_name": name.upper().rstrip("$") + "$", "spn": [],
            "delegates": [], "trusted_for_delegation": False, "attributes": {}, "enabled": True, "description": None,
            "dns_hostname": None, "object_guid": guid, "sid": sid}
        new["path"] = path
        new["dn"] = "CN=%s,%s" % (new["name"], path)
        for k in ("description", "dns_hostname", "enabled", "trusted_for_delegation", "location", "upn", "display_name"):
            if args.get(k) is not None:
                new[k] = args[k]
        if args["sam_account_name"]:
            sam = args["sam_account_name"]
            new["sam_account_name"] = sam if sam.endswith("$") or args["do_not_append_dollar_to_sam"] else sam + "$"
        if args["spn"]:
            new["spn"] = _ad.apply_list(new.get("spn"), args["spn"])
        if args["delegates"]:
            new["delegates"] = _ad.apply_list(new.get("delegates"), _ad.resolve_spec(host, ad, args["delegates"], "delegates"))
        uac_before = _ad.uac_of(new)
        new["attributes"] = _attrs(new.get("attributes"), args["attributes"])
        if "useraccountcontrol" in new["attributes"]:
            # a raw write replaces every flag, as LDAP does: the fields that mirror flags follow it
            uac = _ad.uac_of(new)
            new["enabled"] = not uac & _ad.UAC_ACCOUNTDISABLE
            new["trusted_for_delegation"] = bool(uac & _ad.UAC_TRUSTED_FOR_DELEGATION)
        elif any(args.get(k) is not None for k in ("enabled", "trusted_for_delegation")) and cur is not None:
            new["attributes"]["useraccountcontrol"] = [str(
                (uac_before & ~(_ad.UAC_ACCOUNTDISABLE | _ad.UAC_TRUSTED_FOR_DELEGATION))
                | (0 if new["enabled"] else _ad.UAC_ACCOUNTDISABLE)
                | (_ad.UAC_TRUSTED_FOR_DELEGATION if new["trusted_for_delegation"] else 0))]
        old_spns = [x.lower() for x in (cur or {}).get("attributes", {}).get("msds-allowedtodelegateto", [])]
        new_spns = [x.lower() for x in new["attributes"].get("msds-allowedtodelegateto", [])]
        if (uac_before ^ _ad.uac_of(new)) & _ad.DELEGATION_FLAGS:
            _ad.require_delegation_privilege(host, ad, args, "the delegation flags of userAccountControl")
        if old_spns != new_spns:
            _ad.require_delegation_privilege(host, ad, args, "msDS-AllowedToDelegateTo")
        return new["name"].lower(), new

    return _ad.simulate_object(host, args, "computers", _find, build, check_mode, diff)
