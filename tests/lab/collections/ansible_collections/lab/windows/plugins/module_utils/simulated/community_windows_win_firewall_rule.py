# -*- coding: utf-8 -*-
# Simulation of community.windows.win_firewall_rule (community.windows 3.1.0): name selects one
# rule; group without name selects every rule of the group (update or remove them all, never create).
from __future__ import annotations

_FIELDS = ["description", "group", "enabled", "action", "direction", "protocol", "localport", "remoteport",
           "localip", "remoteip", "program", "service", "profiles", "icmp_type_code"]
_DEFAULTS = {"enabled": True, "action": "allow", "direction": "in", "protocol": "any", "localport": "any",
             "remoteport": "any", "localip": "any", "remoteip": "any", "program": "any", "service": "any",
             "profiles": ["domain", "private", "public"], "description": "", "group": "", "icmp_type_code": []}


def _norm(field, value):
    if field == "profiles":
        return sorted(p.lower() for p in (value if isinstance(value, list) else str(value).split(",")))
    if field in ("localport", "remoteport", "localip", "remoteip"):
        return ",".join(x.strip() for x in str(value).split(",")).lower()
    if field in ("action", "direction", "protocol"):
        return str(value).lower()
    return value


def _prepared(sign, rule):
    lines = ["%s[%s]" % (sign, rule["name"])]
    lines += ["%s%s='%s'" % (sign, f, rule.get(f)) for f in _FIELDS]
    return "\n".join(lines) + "\n"


def _update(host, args, cur):
    """Only the options the task passes are compared and set (the module's userPassedArguments)."""
    new = dict(cur) if cur else dict(_DEFAULTS, name=args["name"])
    for f in _FIELDS:
        if args.get(f) is not None:
            new[f] = _norm(f, args[f])
    if str(new.get("protocol")) in ("any",) and (new["localport"] != "any" or new["remoteport"] != "any"):
        raise host.fail("Failed to set property LocalPorts: The parameter is incorrect. (protocol must be tcp or udp "
                        "when ports are set)")
    return new


def simulate(host, args, check_mode, diff):
    name, group = args["name"], args["group"]
    if not name and not group:
        raise host.fail("Either name or group must be specified")
    # like the module: name selects one rule; without name, every rule whose group matches (case-insensitive -eq)
    if name:
        existing = [r for r in [host.firewall_rule_get(name)] if r]
    else:
        existing = [r for r in host.firewall_rules() if str(r.get("group") or "").lower() == group.lower()]
    result = {"changed": False}
    prepared = ""
    if args["state"] == "absent":
        if not existing:
            result["msg"] = ("Firewall rule '%s' does not exist." % name) if name else (
                "No firewall rules in group '%s' exist." % group)
        else:
            for rule in existing:
                prepared += _prepared("-", rule)
                if not check_mode:
                    host.firewall_rule_delete(rule["name"])
            result.update(changed=True, msg="Firewall rule(s) '%s' removed." % "', '".join(r["name"] for r in existing))
    elif not existing and name:
        new = _update(host, args, None)
        prepared += _prepared("+", new)
        if not check_mode:
            host.firewall_rule_put(new)
        result.update(changed=True, msg="Firewall rule '%s' created." % name)
    elif existing:
        changed_rules, unchanged_rules = [], []
        for rule in existing:
            new = _update(host, args, rule)
            prepared += "[%s]\n" % rule["name"]
            for f in _FIELDS:
                if new.get(f) != rule.get(f):
                    prepared += "-%s='%s'\n+%s='%s'\n" % (f, rule.get(f), f, new.get(f))
            if new != rule:
                changed_rules.append(rule["name"])
                if not check_mode:
                    host.firewall_rule_put(new)
            else:
                unchanged_rules.append(rule["name"])
        result.update(changed=bool(changed_rules), msg="Firewall rule(s) changed '%s' - unchanged '%s'"
                      % ("', '".join(changed_rules), "', '".join(unchanged_rules)))
    # group given, no name, no rule in the group, state present: the module does nothing
    if diff:
        result["diff"] = {"prepared": prepared}
    return result
