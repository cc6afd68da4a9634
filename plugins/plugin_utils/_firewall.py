# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""The firewall role's plan: which outbound rules to write or remove, and what to report.

The filter plugin ``firewall_plan`` is a thin wrapper around this file. It compares the wanted rules with
the rules as server_info read them, so a compliant host gets no write at all.
"""

from __future__ import annotations

# Outbound ports of the connector and updater (Microsoft Learn, "Configure connectors"): 80 for CRL/OCSP,
# 443 for the service.
PORTS = "80,443"
# Extra ports of connectors older than 1.5.132.0 (2018 "Enable application proxy" doc).
LEGACY_PORTS = "5671,8080,9090-9091,9350,9352,10100-10120"
# Rule display names start with this, so they are unique on the machine and easy to find. The names are
# how state absent finds exactly our rules: changing one orphans the rules of earlier runs.
PREFIX = "entra.app_proxy outbound"
# Shown in the Windows Firewall console, so an admin can tell where a rule comes from.
DESCRIPTION = ("Outbound TCP 80 (certificate revocation checks) and 443 (service traffic) for the Microsoft Entra "
               "private network connector. Managed by the entra.app_proxy firewall role.")
PROFILES = ("domain", "private", "public")
# The service executables of both product layouts ("old" is the "Microsoft AAD App Proxy Connector" layout,
# up to 1.5.3437.0, "new" the renamed one): (layout, server_info path key, rule label).
PROGRAMS = (
    ("new", "service_exe", "connector service"),
    ("new", "updater_exe", "updater service"),
    ("old", "service_exe", "connector service (AAD App Proxy layout)"),
    ("old", "updater_exe", "updater service (AAD App Proxy layout)"),
)
ANY_PROGRAM = "any program"


def _rule(label, program, remoteport, group, profiles):
    return {
        "name": "%s - %s" % (PREFIX, label), "group": group, "description": DESCRIPTION, "enabled": True,
        "direction": "out", "action": "allow", "protocol": "tcp", "remoteport": remoteport, "program": program,
        "profiles": profiles,
    }


def wanted_rules(layouts, scope, group, profiles, legacy_ports=False):
    """Every rule name the role owns, each with its wanted rule, or None where it must be absent."""
    profiles = [p for p in PROFILES if p in {str(x).lower() for x in profiles}]
    wanted = {}
    for layout, key, label in PROGRAMS:
        ports = PORTS + ("," + LEGACY_PORTS if legacy_ports and layout == "old" else "")
        rule = _rule(label, layouts[layout][key], ports, group, profiles)
        wanted[rule["name"]] = rule if scope == "program" else None
    rule = _rule(ANY_PROGRAM, "any", PORTS + ("," + LEGACY_PORTS if legacy_ports else ""), group, profiles)
    wanted[rule["name"]] = rule if scope == "any" else None
    return wanted


def _changes(wanted, firewall):
    """The win_firewall_rule calls needed: a rule that differs is written, one that should go and exists is removed.

    Windows matches rule names case-insensitively. Without a rule list (the read has no firewall part) every
    rule is sent, and the module finds out itself.
    """
    known = firewall.get("rules") if isinstance(firewall, dict) else None
    now = {str(r.get("name")).lower(): r for r in known or []}
    changes = []
    for name, rule in wanted.items():
        current = now.get(name.lower())
        if rule is None:
            if known is None or current is not None:
                changes.append({"name": name, "state": "absent"})
        elif known is None or current != rule:
            changes.append(dict(rule, state="present"))
    return changes


def _report(firewall, state, scope, group):
    """The default outbound action per profile, as lines; a warning where program rules are not enough."""
    actions = {p: a for p, a in ((firewall or {}).get("default_outbound_action") or {}).items() if a}
    if not actions:
        reason = (firewall or {}).get("error") or "the read holds no profile"
        return ["Could not read the default outbound action (%s). This is only a report; the rules are set either way."
                % reason]
    allow = [p.capitalize() for p in PROFILES if actions.get(p) == "allow"]
    blocked = [p.capitalize() for p in PROFILES if p in actions and actions[p] != "allow"]
    lines = []
    if allow:
        lines.append("Windows Firewall allows outbound traffic by default on the %s profile(s). The connector's "
                     "outbound rules are harmless there but not needed." % ", ".join(allow))
    if blocked:
        lines.append("Windows Firewall blocks outbound traffic by default on the %s profile(s), so the connector "
                     "depends on the rules of group '%s'." % (", ".join(blocked), group))
        # Which process fetches revocation lists is not documented, so warn instead of guessing a rule for it.
        if state == "present" and scope == "program":
            lines.append(
                "WARNING: outbound traffic is blocked by default on the %s profile(s) and firewall_scope is program, "
                "so only the connector and updater programs may go out. Certificate revocation checks (CRL and OCSP "
                "on TCP 80) can be made by Windows services that run as Network Service, which these rules do not "
                "cover; Microsoft: \"If your firewall enforces traffic according to originating users, also open "
                "ports 80 and 443 for traffic from Windows services that run as a Network Service.\" Set "
                "firewall_scope to any (one rule for any program on TCP 80 and 443), or allow those services "
                "yourself." % ", ".join(blocked))
    return lines


def firewall_plan(server_info, state="present", scope="program", group="", profiles=PROFILES, legacy_ports=False):
    """``changes`` (win_firewall_rule arguments, state included) and ``report`` (lines) for one host."""
    server_info = server_info or {}
    layouts = (server_info.get("connector") or {}).get("layouts")
    if not layouts:
        raise ValueError("the server_info result holds no connector.layouts; read the host with "
                         "entra.app_proxy.server_info first")
    firewall = server_info.get("firewall")
    wanted = wanted_rules(layouts, scope if state == "present" else None, group, profiles, legacy_ports)
    return {"changes": _changes(wanted, firewall), "report": _report(firewall, state, scope, group)}
