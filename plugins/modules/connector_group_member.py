#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: connector_group_member
short_description: Put Microsoft Entra private network connectors in a connector group
description:
  - Makes sure one or more connectors, found by machine name or id, belong to a connector group.
  - A connector is always in exactly one group, so adding it to a group moves it out of its previous one.
    To take a connector out of a group, put it in another group (for example the default group).
  - The group must exist; create it with M(entra.app_proxy.connector_group) first. In check mode, a group
    given by O(group) that does not exist yet is assumed to come from an earlier task, with a warning.
  - Warns when the group ends up with fewer than two active connectors, the minimum Microsoft advises
    for high availability.
  - Give many connectors to one task rather than looping over hosts. The tenant is then read once, so
    the number of Graph requests does not grow with the number of connectors, apart from the moves.
version_added: 0.1.0
options:
  connector_id:
    description:
      - Ids of the connectors to put in the group.
      - At least one of O(machine_name) and O(connector_id) is required.
    type: list
    elements: str
  group:
    description:
      - Name of the target group, ignoring case.
      - Exactly one of O(group) and O(group_id) is required.
    type: str
  group_id:
    description:
      - Id of the target group.
    type: str
  machine_name:
    description:
      - Machine names of the connectors to put in the group, ignoring case.
      - Graph reports the server's FQDN; a name without a dot also matches the first label of the FQDN.
      - When a reinstalled server left an old inactive connector behind, the active one is used. If a name
        still matches more than one connector, the task fails and lists them; use O(connector_id) then.
    type: list
    elements: str
extends_documentation_fragment: [entra.app_proxy.graph_auth, entra.app_proxy.graph_module, entra.app_proxy.graph_module.writes]
seealso:
  - module: entra.app_proxy.connector_group
  - module: entra.app_proxy.connector_info
attributes:
  diff_mode:
    details: Shows the group of each connector before and after.
"""

EXAMPLES = r"""
- name: Put this server's connector in its group
  entra.app_proxy.connector_group_member:
    tenant_id: contoso.onmicrosoft.com
    machine_name: "{{ ansible_facts['fqdn'] }}"
    group: Europe
  delegate_to: localhost

- name: Put the connectors of every host in the play in one group, with one read of the tenant
  entra.app_proxy.connector_group_member:
    machine_name: "{{ ansible_play_hosts | map('extract', hostvars, ['ansible_facts', 'fqdn']) | list }}"
    group: Europe
  delegate_to: localhost
  run_once: true

- name: Move a connector, known by id, back to a group given by id
  entra.app_proxy.connector_group_member:
    connector_id: 7c1f7b9e-3bd3-4b5f-9c55-2f4bd5a3e1d1
    group_id: 2b7c2c7a-9a89-4a6b-9a0e-7f5e2f0c1a11
"""

RETURN = r"""
group:
  description:
    - The target group.
    - Its keys are those of RV(entra.app_proxy.connector_group_info#module:groups[]) without the connectors and
      their counts.
  returned: success
  type: dict
  sample: {"id": "2b7c2c7a-9a89-4a6b-9a0e-7f5e2f0c1a11", "name": "Europe", "region": "eur", "is_default": false,
           "connector_group_type": "applicationProxy"}
connectors:
  description:
    - The connectors the task was about, in the order given.
    - Each has the keys of RV(entra.app_proxy.connector_info#module:connectors[]); those below are as this
      module sets them.
  returned: success
  type: list
  elements: dict
  contains:
    group:
      description: Id and name of the group the connector is in after the task (the target group).
      type: dict
    previous_group:
      description: Id and name of the group the connector was in before the task.
      type: dict
    changed:
      description: Whether the connector was (or, in check mode, would be) moved.
      type: bool
"""

from ..module_utils._graph_module import (  # noqa: E402
    GraphTaskError,
    connector_view,
    find_group,
    get_or_none,
    group_membership,
    group_ref,
    group_view,
    pick_connector,
    run_module,
)


def _find_connectors(module):
    client = module.client
    machine_names = module.params["machine_name"] or []
    connector_ids = module.params["connector_id"] or []
    found = []
    if machine_names or len(connector_ids) > 1:
        # One list read serves every name and id, however many there are.
        connectors = client.list_connectors()
        found.extend(pick_connector(connectors, name) for name in machine_names)
        by_id = {c.get("id"): c for c in connectors}
        for cid in connector_ids:
            if cid not in by_id:
                raise GraphTaskError("No connector has id '%s'. List the connectors with "
                                     "entra.app_proxy.connector_info." % cid)
            found.append(by_id[cid])
    elif connector_ids:
        connector = get_or_none(client.get_connector, connector_ids[0])
        if connector is None:
            raise GraphTaskError("No connector has id '%s'. List the connectors with "
                                 "entra.app_proxy.connector_info." % connector_ids[0])
        found.append(connector)
    unique = {}
    for connector in found:  # a host listed twice, or by name and by id
        unique.setdefault(connector.get("id"), connector)
    return list(unique.values())


def place_connectors(module):
    client = module.client
    params = module.params
    target = find_group(client, name=params["group"], group_id=params["group_id"])
    members = []
    if target is None:
        missing = ("with id '%s'" % params["group_id"]) if params["group_id"] else "'%s'" % params["group"]
        if not (module.check_mode and params["group"]):
            raise GraphTaskError("Connector group %s does not exist. Create it first with "
                                 "entra.app_proxy.connector_group." % missing)
        # In check mode an earlier connector_group task only pretended to create it.
        module.warn("Connector group %s does not exist yet; check mode assumes an earlier task creates it."
                    % missing)
        target = {"id": None, "name": params["group"], "connectorGroupType": "applicationProxy"}
    connectors = _find_connectors(module)

    if target["id"]:
        members = client.list_group_members(target["id"])
    in_target = {c.get("id") for c in members}
    to_move = [c for c in connectors if c.get("id") not in in_target]
    previous = group_membership(client, [c.get("id") for c in to_move]) if to_move else {}

    results = []
    before = {}
    after = {}
    for connector in connectors:
        moving = connector.get("id") not in in_target
        was = previous.get(connector.get("id")) if moving else target
        if moving and connector.get("status") != "active":
            module.warn("Connector %s (%s) is %s; it is moved all the same."
                        % (connector.get("machineName"), connector.get("id"), connector.get("status")))
        if moving and not module.check_mode:
            client.add_connector_to_group(connector["id"], target["id"])
        view = connector_view(connector, target)
        view["previous_group"] = group_ref(was)
        view["changed"] = moving
        results.append(view)
        label = "%s (%s)" % (connector.get("machineName"), connector.get("id"))
        before[label] = (was or {}).get("name")
        after[label] = target.get("name")

    active = {c.get("id") for c in members + connectors if c.get("status") == "active"}
    if len(active) < 2:
        # Microsoft's HA guidance: at least two connectors per group, so one can update or fail.
        module.warn("Connector group '%s' has %d active connector(s); Microsoft advises at least two per group."
                    % (target.get("name"), len(active)))
    module.exit_json(changed=bool(to_move), group=group_view(target), connectors=results,
                     diff={"before": {"connectors": before}, "after": {"connectors": after}})


OPTIONS = dict(
    connector_id=dict(type="list", elements="str"),
    group=dict(type="str"),
    group_id=dict(type="str"),
    machine_name=dict(type="list", elements="str"),
)
RULES = dict(
    required_one_of=[("machine_name", "connector_id"), ("group", "group_id")],
    mutually_exclusive=[("group", "group_id")],
)


def main():
    run_module(place_connectors, OPTIONS, RULES)


if __name__ == "__main__":
    main()
