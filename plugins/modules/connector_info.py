#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: connector_info
short_description: List Microsoft Entra private network (application proxy) connectors
description:
  - Lists the connectors registered in the tenant with their status, version and connector group.
  - Graph reads do not grow with the number of connectors, the groups and their members are read once.
version_added: 0.1.0
options:
  group:
    description:
      - Only return connectors in this connector group, given by name (case-insensitive) or id.
    type: str
  machine_name:
    description:
      - Only return connectors whose machine name is this, ignoring case.
      - Graph reports the server's FQDN; a name without a dot also matches the first label of the FQDN.
      - A reinstalled server can appear twice, an old V(inactive) connector and a new V(active) one.
    type: str
  status:
    description:
      - Only return connectors with this status.
    type: str
    choices: [active, inactive]
extends_documentation_fragment: [entra.app_proxy.graph_auth, entra.app_proxy.graph_module, entra.app_proxy.graph_module.read_only]
seealso:
  - module: entra.app_proxy.connector_group_info
  - module: entra.app_proxy.connector_group_member
  - name: Microsoft Graph connector resource (beta)
    description: The connector object and its status.
    link: https://learn.microsoft.com/graph/api/resources/connector?view=graph-rest-beta
"""

EXAMPLES = r"""
- name: List every connector and its group
  entra.app_proxy.connector_info:
    tenant_id: contoso.onmicrosoft.com
  register: connectors

- name: Find the connector of this server
  entra.app_proxy.connector_info:
    tenant_id: contoso.onmicrosoft.com
    machine_name: "{{ ansible_facts['fqdn'] }}"
    status: active
  delegate_to: localhost
  register: this_connector

- name: Fail when a group has fewer than two active connectors
  entra.app_proxy.connector_info:
    tenant_id: contoso.onmicrosoft.com
    group: Europe
    status: active
  register: europe
  failed_when: europe.connectors | length < 2
"""

RETURN = r"""
connectors:
  description: The connectors that match every filter, sorted by machine name.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Connector id.
      type: str
      sample: 7c1f7b9e-3bd3-4b5f-9c55-2f4bd5a3e1d1
    machine_name:
      description: The server's name as the connector reports it (usually the FQDN).
      type: str
      sample: conn01.contoso.com
    external_ip:
      description: Public IP address the connector reaches Microsoft from.
      type: str
      sample: 203.0.113.10
    status:
      description: V(active) or V(inactive).
      type: str
      sample: active
    version:
      description: Connector version.
      type: str
      sample: 1.5.4522.0
    group:
      description: The connector group the connector belongs to.
      type: dict
      contains:
        id:
          description: Group id.
          type: str
        name:
          description: Group name.
          type: str
      sample: {"id": "2b7c2c7a-9a89-4a6b-9a0e-7f5e2f0c1a11", "name": "Default"}
"""

from ..module_utils._graph_module import (  # noqa: E402
    by_name,
    connector_view,
    group_membership,
    match_machine_name,
    run_module,
)


def list_connectors(module):
    client = module.client
    params = module.params
    membership = {}
    if params["group"]:
        # Filtering by group: that group's members are the answer, 2 reads whatever the fleet size.
        wanted = params["group"].lower()
        groups = [g for g in client.list_groups() if g.get("id") == params["group"] or
                  (g.get("name") or "").lower() == wanted]
        if not groups:
            module.warn("No connector group has the name or id '%s'." % params["group"])
        connectors = []
        for group in groups:
            for member in client.list_group_members(group["id"]):
                membership[member.get("id")] = group
                connectors.append(member)
    else:
        connectors = client.list_connectors()

    if params["machine_name"]:
        connectors = match_machine_name(connectors, params["machine_name"])
    if params["status"]:
        connectors = [c for c in connectors if c.get("status") == params["status"]]

    if not params["group"] and connectors:
        membership = group_membership(client, [c.get("id") for c in connectors])

    result = [connector_view(c, membership.get(c.get("id"))) for c in connectors]
    module.exit_json(changed=False, connectors=by_name(result, "machine_name"))


OPTIONS = dict(
    group=dict(type="str"),
    machine_name=dict(type="str"),
    status=dict(type="str", choices=["active", "inactive"]),
)


def main():
    run_module(list_connectors, OPTIONS)


if __name__ == "__main__":
    main()
