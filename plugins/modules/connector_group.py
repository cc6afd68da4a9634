#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: connector_group
short_description: Create, update or delete a Microsoft Entra private network connector group
description:
  - Makes sure an application proxy (private network) connector group exists with the wanted name and
    region, or does not exist.
  - Follows the tenant's rules before writing anything, and fails with the reason instead of a Graph error
    when a rule would be broken. The region can only be set while no connectors or applications are
    assigned to the group. A group can only be deleted when no connectors or applications are assigned to
    it. The default group cannot be deleted.
version_added: 0.1.0
options:
  group_id:
    description:
      - Id of an existing group to manage.
      - With O(group_id) the group is found by id, and O(name) (when given) renames it.
      - One of O(name) and O(group_id) is required.
    type: str
  name:
    description:
      - Name of the group. Groups are found by name, ignoring case, unless O(group_id) is set.
      - Required to create a group.
    type: str
  region:
    description:
      - The geographic region the group's connectors serve traffic from, to cut latency.
      - Only settable while no connectors or applications are assigned to the group; the module fails and
        names them otherwise.
      - When not set, an existing group keeps its region and a new group gets the tenant's default.
    type: str
    choices: [asia, aus, eur, ind, nam]
  state:
    description:
      - V(present) creates or updates the group; V(absent) deletes it.
    type: str
    choices: [absent, present]
    default: present
extends_documentation_fragment: [entra.app_proxy.graph_auth, entra.app_proxy.graph_module, entra.app_proxy.graph_module.writes]
seealso:
  - module: entra.app_proxy.connector_group_info
  - module: entra.app_proxy.connector_group_member
  - name: Microsoft Graph connectorGroup resource (beta)
    description: Group properties and the rules for region and deletion.
    link: https://learn.microsoft.com/graph/api/resources/connectorgroup?view=graph-rest-beta
notes:
  - Connector groups are a beta Graph API; Microsoft does not support beta APIs in production.
"""

EXAMPLES = r"""
- name: Make sure the Europe connector group exists in the EU region
  entra.app_proxy.connector_group:
    tenant_id: contoso.onmicrosoft.com
    name: Europe
    region: eur
  register: europe

- name: Rename a group found by id
  entra.app_proxy.connector_group:
    group_id: "{{ europe.group.id }}"
    name: Europe West

- name: Delete a group (fails and names the connectors and applications still assigned)
  entra.app_proxy.connector_group:
    name: Lab
    state: absent
"""

RETURN = r"""
group:
  description:
    - The group after the task, or before it when O(state=absent).
    - In check mode, a group that would be created has no id.
    - Its keys are those of RV(entra.app_proxy.connector_group_info#module:groups[]) without the connectors and
      their counts.
  returned: success, and when the group exists or is created
  type: dict
  sample: {"id": "2b7c2c7a-9a89-4a6b-9a0e-7f5e2f0c1a11", "name": "Europe", "region": "eur", "is_default": false,
           "connector_group_type": "applicationProxy"}
"""

from ..module_utils._graph_module import (  # noqa: E402
    GraphTaskError,
    REGIONS,
    describe_connector,
    find_group,
    group_view,
    run_module,
)


def _assigned(client, group):
    """Connectors and applications assigned to the group, as text, or '' when none are."""
    connectors = client.list_group_members(group["id"])
    applications = client.list_group_applications(group["id"])
    parts = []
    if connectors:
        parts.append("%d connector(s): %s" % (len(connectors), ", ".join(describe_connector(c) for c in connectors)))
    if applications:
        parts.append("%d application(s): %s" % (len(applications), ", ".join(
            "%s (%s)" % (a.get("displayName") or a.get("name"), a.get("id")) for a in applications)))
    return " and ".join(parts)


def _state_view(group):
    if group is None:
        return {"state": "absent"}
    return {"state": "present", "name": group.get("name"), "region": group.get("region")}


def manage_group(module):
    client = module.client
    params = module.params
    current = find_group(client, name=params["name"], group_id=params["group_id"])
    if params["group_id"] and current is None:
        if params["state"] == "absent":
            module.exit_json(changed=False, group=None)
        raise GraphTaskError("No connector group has id '%s'. To create a group, set name and leave group_id out."
                             % params["group_id"])

    if params["state"] == "absent":
        if current is None:
            module.exit_json(changed=False, group=None)
        label = "connector group '%s' (%s)" % (current.get("name"), current.get("id"))
        if current.get("isDefault"):
            raise GraphTaskError("Cannot delete %s: it is the tenant's default group, which always exists."
                                 % label)
        assigned = _assigned(client, current)
        if assigned:
            raise GraphTaskError(
                "Cannot delete %s: it still has %s. Move the connectors to another group "
                "(entra.app_proxy.connector_group_member) and the applications to another group first."
                % (label, assigned))
        before = _state_view(current)
        if not module.check_mode:
            client.delete_group(current["id"])
        module.exit_json(changed=True, group=group_view(current), diff={"before": before, "after": _state_view(None)})

    if current is None:
        if not params["name"]:
            raise GraphTaskError("name is required to create a connector group.")
        wanted = {"name": params["name"], "region": params["region"], "connectorGroupType": "applicationProxy"}
        created = wanted
        if not module.check_mode:
            created = client.create_group(params["name"], params["region"]) or {}
        module.exit_json(changed=True, group=group_view(created),
                         diff={"before": _state_view(None), "after": _state_view(created)})

    changes = {}
    if params["group_id"] and params["name"] and params["name"] != current.get("name"):
        changes["name"] = params["name"]
    if params["region"] and params["region"] != current.get("region"):
        assigned = _assigned(client, current)
        if assigned:
            raise GraphTaskError(
                "Cannot change the region of connector group '%s' (%s) from '%s' to '%s': the region can only be "
                "set while no connectors or applications are assigned, and it has %s. Create a new group in "
                "region '%s' and move them, or leave region unset."
                % (current.get("name"), current.get("id"), current.get("region"), params["region"], assigned,
                   params["region"]))
        changes["region"] = params["region"]

    before = _state_view(current)
    after = dict(current, **changes)
    if changes and not module.check_mode:
        client.update_group(current["id"], **changes)
    module.exit_json(changed=bool(changes), group=group_view(after),
                     diff={"before": before, "after": _state_view(after)})


OPTIONS = dict(
    group_id=dict(type="str"),
    name=dict(type="str"),
    region=dict(type="str", choices=REGIONS),
    state=dict(type="str", default="present", choices=["absent", "present"]),
)
RULES = dict(required_one_of=[("name", "group_id")])


def main():
    run_module(manage_group, OPTIONS, RULES)


if __name__ == "__main__":
    main()
