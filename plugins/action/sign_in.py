# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for entra.app_proxy.sign_in: every token a run will need, before it changes anything."""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ..module_utils._auth import RESOURCES, jwt_claims
from ..plugin_utils._registration import registration_token_problem
from ..plugin_utils._token_action import TokenActionBase, display


class ActionModule(TokenActionBase):
    """Signs in for each resource in turn (the token cache makes it one prompt) and runs no module."""

    def _argument_spec(self):
        return {"argument_spec": {"resources": {"type": "list", "elements": "str", "choices": list(RESOURCES),
                                                "default": ["graph"]}}}

    def _check_task(self, params, settings, task_vars):
        # The whole job is signing in, so it is done here and no module runs; tokens stay in this process.
        signed_in = {}
        for resource in params["resources"]:
            self.RESOURCE = resource
            claims = jwt_claims(self._get_token(settings)) or {}
            problem = registration_token_problem(claims) if resource == "registration" else None
            if problem:
                raise AnsibleActionFail("The sign-in for connector registration worked, but %s" % problem)
            signed_in[resource] = {"account": claims.get("upn") or claims.get("preferred_username"),
                                   "tenant_id": claims.get("tid"), "expires_on": claims.get("exp")}
            display.vvv("entra.app_proxy: signed in for %s" % resource)
        return {"changed": False, "signed_in": signed_in}
