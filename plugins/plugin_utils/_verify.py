# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""The verify role's checks: a connector host and the tenant agree that the connector works.

The filter plugins ``verify_host`` and ``verify_groups`` are thin wrappers around this file.
"""

from __future__ import annotations

import re

from ..module_utils._connector_match import connector_for_host
from ._readiness import registration_state

SERVICES = ("connector", "updater")
# Microsoft: both services "must run all the time"; win_service names an automatic start auto or delayed.
RUNNING = re.compile(r"^running/(auto|delayed)$")
MESSAGE_LENGTH = 160


def _truncate(text, length=MESSAGE_LENGTH):
    text = str(text or "")
    return text if len(text) <= length else text[:length - 3].rstrip() + "..."


def verify_host(server, connectors, host=None, expected_group=None, events_since=None):
    """The verify report of one host (see the ``verify_host`` filter's documentation)."""
    server = server or {}
    domain = server.get("domain") or {}
    fqdn = str(domain.get("fqdn") or "").lower()
    entry = connector_for_host(connectors or [], fqdn, domain.get("host_name"), key="machine_name") or {}
    # Without the tenant's list only the host is checked (the verify role decides so whether a read is fresh).
    tenant = connectors is not None
    group = (entry.get("group") or {}).get("name")

    services = {}
    for role in SERVICES:
        svc = (server.get("services") or {}).get(role) or {}
        if svc.get("exists"):
            services[svc.get("name")] = "%s/%s" % (svc.get("state"), svc.get("start_mode"))
    problems = []
    for role in SERVICES:
        name = {"connector": "WAPCSvc", "updater": "WAPCUpdaterSvc"}[role]
        if name not in services:
            problems.append("service %s is not installed" % name)
        elif not RUNNING.match(services[name]):
            problems.append("service %s is not running with automatic start (%s)" % (name, services[name]))
    state = registration_state(server)
    if state != "registered":
        problems.append("the host holds no valid trust certificate (%s%s)" % (
            (server.get("connector") or {}).get("trust_settings_file"),
            {"expired": ", certificate expired", "missing": ", certificate missing"}.get(state, "")))

    if tenant and not entry:
        problems.append("the tenant lists no connector for %s" % fqdn)
    elif tenant and entry.get("status") != "active":
        problems.append("the tenant lists the connector as %s" % entry.get("status"))
    if tenant and expected_group and entry and str(group or "").lower() != str(expected_group).lower():
        problems.append("the connector is in group %s, not %s" % (group or "none", expected_group))

    errors = list(server.get("connector_errors") or [])
    problems += ["error event %s in %s at %s: %s" % (e.get("id"), e.get("log"), e.get("time"),
                                                     _truncate(e.get("message"))) for e in errors]
    return {
        "host": host,
        "machine_name": fqdn,
        "services": services,
        "registration_state": state,
        "tenant_status": entry.get("status") or "missing",
        "connector_id": entry.get("id"),
        "version": entry.get("version"),
        "group": group,
        "expected_group": expected_group or None,
        "errors_since": events_since or "",
        "errors": errors,
        "problems": problems,
        "ok": not problems,
    }


def verify_groups(connectors, groups, min_active=2):
    """Active connectors per connector group of the play (see the ``verify_groups`` filter)."""
    active = {}
    for c in connectors or []:
        name = ((c.get("group") or {}).get("name") or "").lower()
        if c.get("status") == "active" and name:
            active[name] = active.get(name, 0) + 1
    out = []
    for group in sorted({g for g in groups or [] if g}, key=str.lower):
        count = active.get(group.lower(), 0)
        out.append({"group": group, "active": count, "ok": count >= int(min_active)})
    return out
