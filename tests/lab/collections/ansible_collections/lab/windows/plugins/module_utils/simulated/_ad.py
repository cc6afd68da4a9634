# -*- coding: utf-8 -*-
# Shared by the microsoft.ad simulations: which domain a task talks to, DNs, ids, member lookup.
from __future__ import annotations

import uuid

from ansible_collections.lab.windows.plugins.module_utils.simulated._change import converge


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


def _names(obj):
    return {obj["name"].lower(), obj.get("sam_account_name", "").lower(), obj.get("dn", "").lower(),
            obj.get("sid", "").lower(), obj.get("object_guid", "").lower()} - {""}


def find(ad, kinds, identity):
    """(kind, key, object) by name, sAMAccountName, DN, objectSid or objectGUID, as the AD cmdlets look
    identities up; (None, None, None) if not found. Builtin groups have localised names but fixed SIDs."""
    ident = identity.lower()
    for kind in kinds:
        for key, obj in ad.get(kind, {}).items():
            if ident in _names(obj) or ident.rstrip("$") == obj["name"].lower() and kind == "computers":
                return kind, key, obj
    return None, None, None


def find_dn(ad, identity):
    """DN of a user, computer or group by name, sAMAccountName, DN or SID; None if not found."""
    obj = find(ad, ("computers", "users", "groups"), identity)[2]
    return None if obj is None else obj["dn"]


# userAccountControl flags (MS-ADTS 2.2.16) the lab models.
UAC_ACCOUNTDISABLE = 0x2
UAC_WORKSTATION_TRUST_ACCOUNT = 0x1000
UAC_TRUSTED_FOR_DELEGATION = 0x80000
UAC_TRUSTED_TO_AUTH_FOR_DELEGATION = 0x1000000
DELEGATION_FLAGS = UAC_TRUSTED_FOR_DELEGATION | UAC_TRUSTED_TO_AUTH_FOR_DELEGATION


def uac_of(obj):
    """The account's userAccountControl: the stored attribute, else built from the enabled/trusted fields."""
    stored = (obj.get("attributes") or {}).get("useraccountcontrol")
    if stored:
        return int(stored[0])
    value = UAC_WORKSTATION_TRUST_ACCOUNT
    if not obj.get("enabled", True):
        value |= UAC_ACCOUNTDISABLE
    if obj.get("trusted_for_delegation"):
        value |= UAC_TRUSTED_FOR_DELEGATION
    return value


def acting_account(args):
    """sAMAccountName (lower case) of the account a microsoft.ad task acts as: domain_username, else the
    lab's connection account."""
    user = (args.get("domain_username") or "administrator").lower()
    return user.split("\\")[-1].split("@")[0]


def require_delegation_privilege(host, ad, args, what):
    """Windows refuses delegation settings to an account without SeEnableDelegationPrivilege (MS-ADTS
    3.1.1.5.3.1.1.4, "Enable computer and user accounts to be trusted for delegation")."""
    holders = [x.lower() for x in ad.get("privileges", {}).get("SeEnableDelegationPrivilege", [])]
    if acting_account(args) not in holders:
        raise host.fail("Failed to update AD object: Insufficient access rights to perform the operation "
                        "(setting %s needs SeEnableDelegationPrivilege)" % what)


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


def simulate_object(host, args, table, find, build, check_mode, diff):
    """The frame microsoft.ad's group, user and computer modules share. find(ad, identity) -> (key, current or
    None); state=absent deletes the current object; otherwise build(ad, dns, identity, key, current) -> (key,
    wanted object), written under that key when it differs from the current one."""
    dns = domain_of(host, args)
    ident = args["identity"] or args["name"]
    result = {"changed": False, "distinguished_name": None, "object_guid": None, "sid": None}
    with host.ad(dns) as ad:
        key, cur = find(ad, ident)
        if args["state"] == "absent":
            if cur is not None:
                result["changed"] = True
                if not check_mode:
                    del ad[table][key]
            return result
        key, new = build(ad, dns, ident, key, cur)

        def store():
            ad[table][key] = new

        result.update(converge(cur or {}, new, store, check_mode, diff))
        result.update(distinguished_name=new["dn"], object_guid=new["object_guid"], sid=new["sid"])
    return result
