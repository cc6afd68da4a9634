# -*- coding: utf-8 -*-
# Shared by the microsoft.ad simulations: which domain a task talks to, DNs, ids, member lookup.
from __future__ import annotations

import uuid


def domain_of(host, args):
    server = args.get("domain_server")
    if server and "." in server:
        return server.split(".", 1)[1] if server.count(".") > 1 else server
    dom = host.domain()
    if dom["joined"]:
        return dom["dns_domain_name"]
    raise host.fail("Failed to contact the default domain: the host is not joined to a domain and domain_server is not set")


def base_dn(dns):
    return ",".join("DC=%s" % p for p in dns.split("."))


def ids(dns, kind, name):
    g = uuid.uuid5(uuid.NAMESPACE_DNS, "%s/%s/%s" % (dns, kind, name.lower()))
    return str(g), "S-1-5-21-1004336348-1177238915-682003330-%d" % (1000 + g.int % 50000)


def find_dn(ad, identity):
    """DN of a user, computer or group by name, sAMAccountName or DN; None if not found."""
    ident = identity.lower()
    for kind in ("computers", "users", "groups"):
        for obj in ad.get(kind, {}).values():
            names = {obj["name"].lower(), obj.get("sam_account_name", "").lower(), obj.get("dn", "").lower()}
            if ident in names or ident.rstrip("$") == obj["name"].lower() and kind == "computers":
                return obj["dn"]
    return None


def _low(xs):
    return [x.lower() for x in xs]


def apply_list(current, spec):
    """microsoft.ad add/remove/set semantics on a case-insensitive list; returns the new list."""
    cur = list(current or [])
    if not spec:
        return cur
    if spec.get("set") is not None:
        cur = list(spec["set"])
    for x in spec.get("add") or []:
        if x.lower() not in _low(cur):
            cur.append(x)
    if spec.get("remove"):
        rm = _low(spec["remove"])
        cur = [x for x in cur if x.lower() not in rm]
    return cur


def resolve_spec(host, ad, spec, option):
    """microsoft.ad add/remove/set of identities -> the same spec with DNs (lookup_failure_action as upstream)."""
    resolved = {}
    for op in ("add", "remove", "set"):
        if spec.get(op) is None:
            resolved[op] = None
            continue
        dns_list = []
        for ident in spec[op]:
            dn = find_dn(ad, ident)
            if dn is None:
                action = spec.get("lookup_failure_action") or "fail"
                if action == "fail" and op != "remove":
                    raise host.fail("Failed to find the AD object DNs for %s.%s. Invalid identities: '%s'"
                                    % (option, op, ident))
                if action == "warn":
                    host.warn("Failed to find the AD object DNs for %s.%s. Ignoring invalid identities: '%s'"
                              % (option, op, ident))
                continue
            dns_list.append(dn)
        resolved[op] = dns_list
    return resolved
