# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Base class and shared look-ups for the Graph modules (connector_info, connector_group, ...).

The modules run on the controller. Their action plugin (plugin_utils/_graph_action.py) signs in
there, so the module itself only ever sees a bearer token in ``access_token`` and needs
``requests`` but not ``msal``.
"""

from __future__ import annotations

import copy
import traceback

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ._auth import (
    AUTH_ARGSPEC,
    EntraAuthError,
    build_session,
    resolve_settings,
)
from ._connector_match import match_machine_name
from ._graph_client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    EntraGraphError,
    GraphClient,
)

REGIONS = ["asia", "aus", "eur", "ind", "nam"]


class GraphTaskError(Exception):
    """The task cannot be done as asked (bad input or a tenant rule); the text says why and what to do."""


class GraphModule(AnsibleModule):
    """AnsibleModule with the Graph auth options and a lazily built :class:`GraphClient`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._client = None

    @property
    def client(self):
        if self._client is None:
            if not HAS_REQUESTS:
                self.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
            try:
                settings = resolve_settings(self.params)
            except EntraAuthError as exc:
                self.fail_json(msg=str(exc))
            token = self.params.get("access_token")
            if not token:
                self.fail_json(msg="No access token reached the module. The entra.app_proxy Graph modules sign in "
                                   "on the controller through their action plugin; run them as tasks (not with "
                                   "ansible -m on a remote host), or set access_token.")
            session = build_session(settings.ca_bundle, settings.timeout)
            self._client = GraphClient(session, settings.graph_endpoint, token, timeout=settings.timeout)
        return self._client

    def run(self, task):
        """Call ``task(self)`` (which ends with exit_json) and turn collection errors into fail_json."""
        try:
            task(self)
        except EntraGraphError as exc:
            self.fail_json(msg=str(exc), graph_error=exc.to_dict(), exception=traceback.format_exc())
        except GraphTaskError as exc:
            self.fail_json(msg=str(exc))


def graph_module_spec(options, rules=None):
    """GraphModule keyword arguments of a Graph module: the shared auth options (doc fragment graph_auth), the
    module's own ``options`` and ``rules`` (required_one_of, ...); every Graph module supports check mode.

    Each module's main() builds its module with it (run_module), and the action plugin checks the task with it
    before it signs in; both read the module's OPTIONS and RULES constants.
    """
    argspec = copy.deepcopy(AUTH_ARGSPEC)
    argspec.update(copy.deepcopy(options))
    return dict(argument_spec=argspec, supports_check_mode=True, **(rules or {}))


def run_module(task, options, rules=None):
    """A Graph module's main(): build the module from its ``options`` and ``rules`` and run ``task`` with it."""
    GraphModule(**graph_module_spec(options, rules)).run(task)


def by_name(views, key="name"):
    """``views`` in the order the modules return lists in: by ``key`` ignoring case, then by id (names repeat)."""
    return sorted(views, key=lambda view: ((view[key] or "").lower(), view["id"] or ""))


# ---------------------------------------------------------------- views

def group_view(group):
    if group is None:
        return None
    return {
        "id": group.get("id"),
        "name": group.get("name"),
        "region": group.get("region"),
        "is_default": bool(group.get("isDefault")),
        "connector_group_type": group.get("connectorGroupType"),
    }


def group_ref(group):
    return {"id": group.get("id"), "name": group.get("name")} if group else None


def connector_view(connector, group=None):
    return {
        "id": connector.get("id"),
        "machine_name": connector.get("machineName"),
        "external_ip": connector.get("externalIp"),
        "status": connector.get("status"),
        "version": connector.get("version"),
        "group": group_ref(group),
    }


def describe_connector(connector):
    return "%s (%s, %s)" % (connector.get("machineName"), connector.get("id"), connector.get("status"))


# ---------------------------------------------------------------- look-ups

def pick_connector(connectors, machine_name):
    """The one connector for a machine name; a reinstalled server leaves an inactive twin behind."""
    matches = match_machine_name(connectors, machine_name)
    if not matches:
        raise GraphTaskError(
            "No connector with machine name '%s' is registered in the tenant. Check machine_name (Graph reports the "
            "server's FQDN) or register the connector first." % machine_name)
    if len(matches) == 1:
        return matches[0]
    active = [c for c in matches if c.get("status") == "active"]
    if len(active) == 1:
        return active[0]
    raise GraphTaskError(
        "Machine name '%s' matches %d connectors and %s active: %s. Set connector_id to choose one."
        % (machine_name, len(matches), "none is" if not active else "%d are" % len(active),
           ", ".join(describe_connector(c) for c in matches)))


def get_or_none(read, object_id):
    """``read(object_id)``, or None when Graph answers 404: there is no such object."""
    try:
        return read(object_id)
    except EntraGraphError as exc:
        if exc.status == 404:
            return None
        raise


def find_group(client, name=None, group_id=None):
    """The group with this id, or with this name (ignoring case); None if there is none."""
    if group_id:
        return get_or_none(client.get_group, group_id)
    wanted = name.strip().lower()
    matches = [g for g in client.list_groups() if (g.get("name") or "").lower() == wanted]
    if len(matches) > 1:
        raise GraphTaskError(
            "%d connector groups are named '%s': %s. Set group_id to choose one."
            % (len(matches), name, ", ".join("%s (%s)" % (g.get("name"), g.get("id")) for g in matches)))
    return matches[0] if matches else None


def group_membership(client, connector_ids):
    """Map connector id -> its group, reading as little as possible.

    One memberOf call per connector costs N requests; listing the groups and then each group's
    members costs 1 + G whatever N is. G is small (groups follow sites/regions) and N grows with
    the fleet, so the group route is used unless there are only one or two connectors to place,
    where memberOf is cheaper (1 + G >= 2 always).
    """
    connector_ids = list(dict.fromkeys(connector_ids))
    if len(connector_ids) <= 2:
        return {cid: client.connector_group_of(cid) for cid in connector_ids}
    membership = {}
    for group in client.list_groups():
        for member in client.list_group_members(group["id"]):
            membership[member.get("id")] = group
    return membership
