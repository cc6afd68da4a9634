# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for entra.app_proxy.application: signs in on the controller, then runs the module.

Beyond the shared base: pfx_path is found like any controller file (the role's or playbook's
files/ folder), and the PFX password is masked in the invocation as the auth secrets are.
"""

from __future__ import annotations

from ansible.errors import AnsibleError

from ..plugin_utils._graph_action import GraphActionBase
from ..plugin_utils._token_action import MASK


class ActionModule(GraphActionBase):
    MODULE = "application"

    def _module_args(self, settings, token, params):
        args = super()._module_args(settings, token, params)
        if args.get("pfx_path"):
            try:
                args["pfx_path"] = self._find_needle("files", args["pfx_path"])
            except AnsibleError:
                pass  # the module names the path it could not read
        return args

    def run(self, tmp=None, task_vars=None):
        # The module masks its no_log options itself; the base rebuilds the invocation from the task's
        # arguments and masks only the auth secrets there.
        result = super().run(tmp, task_vars)
        args = (result.get("invocation") or {}).get("module_args") or {}
        if args.get("pfx_password"):
            args["pfx_password"] = MASK
        return result
