#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: application_info
short_description: List the applications published through Microsoft Entra application proxy
description:
  - Lists the applications made from the on-premises application template, with their external and internal
    URLs, publishing settings, single sign-on, custom-domain certificate metadata and connector group.
  - Reads only. The application list is one Graph request; each published application's connector group is one
    more (O(connector_group=false) skips them), and its assignments one more when O(assignments=true).
version_added: 0.1.0
options:
  name:
    description:
      - Only the applications with this display name (ignoring case).
    type: str
  object_id:
    description:
      - Only the application with this object id.
    type: str
  connector_group:
    description:
      - Read each published application's connector group.
    type: bool
    default: true
  assignments:
    description:
      - Read the users and groups assigned to each application.
    type: bool
    default: false
extends_documentation_fragment: [entra.app_proxy.graph_auth, entra.app_proxy.graph_module, entra.app_proxy.graph_module.read_only]
seealso:
  - module: entra.app_proxy.application
"""

EXAMPLES = r"""
- name: List the published applications
  entra.app_proxy.application_info:
  register: published

- name: Show each external URL with its connector group
  ansible.builtin.debug:
    msg: "{{ item.name }}: {{ item.external_url }} ({{ item.connector_group.name | default('-') }})"
  loop: "{{ published.applications }}"
"""

RETURN = r"""
applications:
  description:
    - The applications, each as M(entra.app_proxy.application) returns it (C(connector_group) and C(assignments)
      only when read).
  returned: success
  type: list
  elements: dict
  sample:
    - id: 0f5d7c1e-2c4b-4bb6-9a0e-1d2c3b4a5f60
      app_id: 5a1e9b2c-7d3f-4e8a-b6c5-0d1e2f3a4b5c
      name: Intranet
      published: true
      external_url: https://intranet-contoso.msappproxy.net/
      internal_url: http://intranet.contoso.local/
      pre_authentication: aadPreAuthentication
      single_sign_on_mode: onPremisesKerberos
      kerberos_spn: HTTP/intranet.contoso.local
      connector_group:
        id: 2b7c2c7a-9a89-4a6b-9a0e-7f5e2f0c1a11
        name: Europe
"""

from ..module_utils._graph_client import EntraGraphError  # noqa: E402
from ..module_utils._graph_module import by_name, run_module  # noqa: E402
from ..module_utils._publishing import ON_PREMISES_TEMPLATE_ID, application_view  # noqa: E402


def list_applications(module):
    client = module.client
    params = module.params
    if params["object_id"]:
        try:
            found = [client.get_application(params["object_id"])]
        except EntraGraphError as exc:
            if exc.status != 404:
                raise
            found = []
    else:
        found = client.find_applications(ON_PREMISES_TEMPLATE_ID, params["name"])
    if params["name"]:
        found = [a for a in found if (a.get("displayName") or "").lower() == params["name"].lower()]
    views = []
    for application in found:
        group = None
        if params["connector_group"] and application.get("onPremisesPublishing"):
            group = client.application_connector_group(application["id"])
        assignments = client.app_role_assignments(application["appId"]) if params["assignments"] else None
        view = application_view(application, group, assignments)
        if not params["connector_group"]:
            view.pop("connector_group")
        views.append(view)
    module.exit_json(changed=False, applications=by_name(views))


OPTIONS = dict(
    name=dict(type="str"),
    object_id=dict(type="str"),
    connector_group=dict(type="bool", default=True),
    assignments=dict(type="bool", default=False),
)


def main():
    run_module(list_applications, OPTIONS)


if __name__ == "__main__":
    main()
