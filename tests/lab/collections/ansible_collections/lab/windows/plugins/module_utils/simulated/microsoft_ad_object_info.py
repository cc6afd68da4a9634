# -*- coding: utf-8 -*-
# Simulation of microsoft.ad.object_info (microsoft.ad 1.10.0): reads the lab's shared AD.
# ldap_filter supports equality terms joined by & and |, on the attributes the lab stores; anything
# else fails loudly rather than match wrongly. The result carries DistinguishedName, Name,
# ObjectClass and ObjectGUID always, and each requested property (null when not set), as the module does.
from __future__ import annotations

import re

from ansible_collections.lab.windows.plugins.module_utils.simulated import _ad

MUTUALLY_EXCLUSIVE = [["filter", "identity", "ldap_filter"], ["identity", "search_base"], ["identity", "search_scope"]]
REQUIRED_ONE_OF = [["filter", "identity", "ldap_filter"]]
REQUIRED_TOGETHER = [["domain_username", "domain_password"]]

MULTI_VALUED = {"msds-allowedtodelegateto", "serviceprincipalname", "memberof", "member"}
CLASSES = {"computers": "computer", "users": "user", "groups": "group"}
# UAC flag names as the module's userAccountControl_AnsibleFlags lists them
FLAGS = {_ad.UAC_ACCOUNTDISABLE: "AccountDisable", _ad.UAC_WORKSTATION_TRUST_ACCOUNT: "WorkstationTrustAccount",
         0x200: "NormalAccount", _ad.UAC_TRUSTED_FOR_DELEGATION: "TrustedForDelegation",
         _ad.UAC_TRUSTED_TO_AUTH_FOR_DELEGATION: "TrustedToAuthForDelegation"}


def _parse(text):
    """LDAP filter (RFC 4515 subset) -> nested ('&'|'|', [...]) / ('=', attr, value)."""
    pos = 0

    def term():
        nonlocal pos
        if text[pos] != "(":
            raise ValueError(pos)
        pos += 1
        if text[pos] in "&|":
            op = text[pos]
            pos += 1
            items = []
            while text[pos] == "(":
                items.append(term())
            node = (op, items)
        else:
            m = re.compile(r"([A-Za-z][A-Za-z0-9-]*)=([^()*\\]*)").match(text, pos)
            if not m:
                raise ValueError(pos)
            pos = m.end()
            node = ("=", m.group(1).lower(), m.group(2))
        if text[pos] != ")":
            raise ValueError(pos)
        pos += 1
        return node

    try:
        node = term()
        if pos != len(text):
            raise ValueError(pos)
        return node
    except (ValueError, IndexError):
        raise ValueError("simwin: microsoft.ad.object_info ldap_filter '%s' uses more than the lab models "
                         "(equality terms joined by & and |)" % text)


def _values(kind, obj, attr):
    if attr == "objectclass":
        return ["top", CLASSES[kind]] + (["person", "organizationalPerson", "user"] if kind == "computers" else [])
    if attr == "samaccountname":
        return [obj.get("sam_account_name", obj["name"])]
    if attr == "objectsid":
        return [obj.get("sid", "")]
    if attr in ("name", "cn"):
        return [obj["name"]]
    if attr == "distinguishedname":
        return [obj["dn"]]
    return list((obj.get("attributes") or {}).get(attr, []))


def _match(node, kind, obj):
    if node[0] == "&":
        return all(_match(n, kind, obj) for n in node[1])
    if node[0] == "|":
        return any(_match(n, kind, obj) for n in node[1])
    return node[2].lower() in [v.lower() for v in _values(kind, obj, node[1])]


def _property(ad, kind, obj, name):
    low = name.lower()
    if low == "memberof":
        return sorted(g["dn"] for g in ad.get("groups", {}).values()
                      if obj["dn"].lower() in [m.lower() for m in g.get("members", [])])
    if low == "member" and kind == "groups":
        return list(obj.get("members", []))
    if low == "useraccountcontrol":
        return _ad.uac_of(obj) if kind == "computers" else None
    if low == "objectsid":
        return {"Sid": obj.get("sid"), "Name": obj.get("sam_account_name", obj["name"])}
    if low == "samaccountname":
        return obj.get("sam_account_name", obj["name"])
    if low == "serviceprincipalname":
        return list(obj.get("spn", []))
    # multi-valued attributes come back as a list (an ADPropertyValueCollection), even empty
    stored = (obj.get("attributes") or {}).get(low)
    if low in MULTI_VALUED:
        return list(stored or [])
    return None if stored is None else stored[0]


def simulate(host, args, check_mode, diff):
    if args["filter"]:
        raise host.fail("simwin: microsoft.ad.object_info filter (PowerShell expression) is not simulated; use ldap_filter")
    dns = _ad.domain_of(host, args)
    props = [p for p in (args["properties"] or []) if p != "*"]
    if "*" in (args["properties"] or []):
        raise host.fail("simwin: microsoft.ad.object_info properties '*' is not simulated; name the properties")
    with host.ad(dns) as ad:
        found = []
        if args["identity"]:
            kind, _key, obj = _ad.find(ad, CLASSES, args["identity"])
            ident = args["identity"].lower()
            if obj is not None and ident in (obj["dn"].lower(), obj.get("object_guid", "").lower()):
                found.append((kind, obj))
        else:
            try:
                node = _parse(args["ldap_filter"])
            except ValueError as exc:
                raise host.fail(str(exc))
            found = [(kind, obj) for kind in CLASSES for obj in ad.get(kind, {}).values() if _match(node, kind, obj)]
        objects = []
        for kind, obj in found:
            out = {"DistinguishedName": obj["dn"], "Name": obj["name"], "ObjectClass": CLASSES[kind],
                   "ObjectGUID": obj.get("object_guid")}
            for name in props:
                out[name] = _property(ad, kind, obj, name)
                if name.lower() == "useraccountcontrol" and out[name] is not None:
                    out[name + "_AnsibleFlags"] = [v for k, v in sorted(FLAGS.items()) if out[name] & k]
            objects.append(out)
    return {"changed": False, "objects": objects}
