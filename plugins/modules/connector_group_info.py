#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: connector_group_info
short_description: List Microsoft Entra private network connector groups and their connectors
description:
  - Lists the application proxy (private network) connector groups of the tenant with their region, their
    connectors and how many of those are active.
version_added: 0.1.0
options:
  group_id:
    description:
      - Only return the group with this id.
      - Mutually exclusive with O(name).
    type: str
  include_members:
    description:
      - Read each group's connectors, and return them with their counts.
      - Costs one Graph request per group; set V(false) when only the groups are needed.
    type: bool
    default: true
  name:
    description:
      - Only return groups with this name, ignoring case.
      - Mutually exclusive with O(group_id).
    type: str
extends_documentation_fragment: [entra.app_proxy.graph_auth, entra.app_proxy.graph_module, entra.app_proxy.graph_module.read_only]
seealso:
  - module: entra.app_proxy.connector_group
  - module: entra.app_proxy.connector_info
"""

EXAMPLES = r"""
- name: List all connector groups with their connectors
  entra.app_proxy.connector_group_info:
    tenant_id: contoso.onmicrosoft.com
  register: groups

- name: Warn about groups with fewer than two active connectors
  ansible.builtin.debug:
    msg: "Group {{ item.name }} has {{ item.active_connector_count }} active connector(s); two or more are advised."
  loop: "{{ groups.groups }}"
  loop_control:
    label: "{{ item.name }}"
  when: item.active_connector_count < 2

- name: Read one group without its members
  entra.app_proxy.connector_group_info:
    name: Europe
    include_members: false
"""

RETURN = r"""
groups:
  description: The matching connector groups, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Group id.
      type: str
      sample: 2b7c2c7a-9a89-4a6b-9a0e-7f5e2f0c1a11
    name:
      description: Group name.
      type: str
      sample: Europe
    region:
      description: Region, one of V(nam), V(eur), V(aus), V(asia), V(ind), or null when not set.
      type: str
      sample: eur
    is_default:
      description: Whether this is the tenant's default group (new connectors join it).
      type: bool
      sample: false
    connector_group_type:
      description: Always V(applicationProxy) today.
      type: str
      sample: applicationProxy
    connectors:
      description:
        - The group's connectors, sorted by machine name.
        - Each has the keys of RV(entra.app_proxy.connector_info#module:connectors[]) except
          RV(entra.app_proxy.connector_info#module:connectors[].group).
      returned: when O(include_members=true)
      type: list
      elements: dict
    connector_count:
      description: Number of connectors in the group.
      returned: when O(include_members=true)
      type: int
      sample: 3
    active_connector_count:
      description: Number of active connectors in the group. Microsoft advises at least two.
      returned: when O(include_members=true)
      type: int
      sample: 2
"""

from ..module_utils._graph_module import (  # noqa: E402
    by_name,
    connector_view,
    find_group,
    group_view,
    run_module,
)


def list_groups(module):
    client = module.client
    params = module.params
    if params["group_id"]:
        group = find_group(client, group_id=params["group_id"])
        groups = [group] if group else []
    else:
        groups = client.list_groups()
        if params["name"]:
            wanted = params["name"].lower()
            groups = [g for g in groups if (g.get("name") or "").lower() == wanted]

    result = []
    for group in groups:
        view = group_view(group)
        if params["include_members"]:
            members = [connector_view(c) for c in client.list_group_members(group["id"])]
            for member in members:
                del member["group"]  # it is this group
            view["connectors"] = by_name(members, "machine_name")
            view["connector_count"] = len(members)
            view["active_connector_count"] = sum(1 for c in members if c["status"] == "active")
        result.append(view)
    module.exit_json(changed=False, groups=by_name(result))


OPTIONS = dict(
    group_id=dict(type="str"),
    include_members=dict(type="bool", default=True),
    name=dict(type="str"),
)
RULES = dict(mutually_exclusive=[("name", "group_id")])


def main():
    run_module(list_groups, OPTIONS, RULES)


if __name__ == "__main__":
    main()
