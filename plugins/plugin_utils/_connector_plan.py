# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""The connector role's plan for one host: install, register, move to a group, or nothing.

The filter plugin ``connector_plan`` is a thin wrapper around this file. It decides from the host's
server_info read and the tenant's connector list (entra.app_proxy.connector_info), so a current,
registered, grouped connector costs no task beyond the decision.
"""

from __future__ import annotations

import re

from ..module_utils._connector_match import connector_for_host

# A connector version as Windows shows it: two to four dotted numbers (the test plugin connector_version).
_VERSION = re.compile(r"^[0-9]+(\.[0-9]+){1,3}$")


def is_version(value):
    """Whether ``value`` is a connector version such as 1.5.3829.0 (surrounding spaces aside)."""
    return isinstance(value, str) and bool(_VERSION.match(value.strip()))


def _version(value, name):
    """A dotted version as four numbers, so 1.5.3829 and 1.5.3829.0 compare equal."""
    if not is_version(value):
        raise ValueError("%s must be a version such as 1.5.3829.0, got %r" % (name, value))
    parts = [int(part) for part in value.strip().split(".")]
    return tuple(parts + [0] * (4 - len(parts)))


def connector_plan(server_info, connectors, min_version, group=None, force=False, check_mode=False):
    """What the connector role does on one host, as a dict (see connector_plan.yml for the keys)."""
    server_info = server_info or {}
    domain = server_info.get("domain") or {}
    connector = server_info.get("connector") or {}
    registration = server_info.get("registration") or {}
    fqdn = str(domain.get("fqdn") or "").lower()
    wanted = _version(min_version, "connector_min_version")

    installed = bool(connector.get("installed"))
    # The registry may hold no version on a broken install; such a connector is installed again.
    version = connector.get("version") or "0.0"
    needs_install = not installed or _version(version, "the installed connector version") < wanted

    entry = connector_for_host(connectors or [], fqdn, domain.get("host_name"), key="machine_name") or {}
    registered = bool(registration.get("registered"))
    # An inactive entry means the service is down, not that the trust is gone: only a missing entry (the
    # tenant drops inactive connectors after 10 days) calls for a new registration.
    needs_registration = bool(force) or not registered or not entry
    # A trust the tenant no longer lists is replaced, not kept.
    registration_force = bool(force) or (registered and not entry)

    group = (group or "").strip()
    current_group = str((entry.get("group") or {}).get("name") or "").lower()
    # A connector this run registers starts in the tenant's default group, so it is moved too. In check mode a
    # new connector is registered only virtually, so there is nothing to move yet.
    move = {}
    if group and (needs_registration or current_group != group.lower()) and not (check_mode and not entry):
        move = {"group": group, "name": entry.get("machine_name") or fqdn}

    return {
        "machine_name": fqdn,
        "needs_install": needs_install,
        "tenant_entry": entry,
        "needs_registration": needs_registration,
        "registration_force": registration_force,
        "move": move,
    }
