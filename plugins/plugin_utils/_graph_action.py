# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Base of the Graph modules' action plugins: sign in on the controller, then run the module with the token.

An action plugin for a Graph module ``entra.app_proxy.NAME`` is::

    class ActionModule(GraphActionBase):
        MODULE = "NAME"

The module file must offer ``OPTIONS`` (its own options) and, where it has any, ``RULES`` (required_one_of,
...), so the task is validated here, before any sign-in, against the spec the module itself is built with.
Signing in on the controller lets the device-code prompt go through Ansible's display, once per run
(plugin_utils/_token.py), and keeps passwords and client secrets away from the module: it gets a bearer
token and nothing else secret. The token never comes back in the result or its ``invocation``. The walk is in plugin_utils/_token_action.py.
"""

from __future__ import annotations

import importlib

from ansible.errors import AnsibleActionFail

from ..module_utils._auth import AUTH_ARGSPEC
from ..module_utils._graph_module import graph_module_spec
from ._token_action import TokenActionBase

# The only auth options a module needs once it holds a token: where Graph is and how to reach it.
FORWARDED_OPTIONS = ("ca_bundle", "graph_endpoint", "tenant_id", "timeout")


def token_expired(result):
    error = result.get("graph_error") or {}
    return bool(result.get("failed") and error.get("status") == 401 and "expired" in (result.get("msg") or ""))


class GraphActionBase(TokenActionBase):
    """Run ``entra.app_proxy.<MODULE>`` on the controller with a Graph token. Subclasses set MODULE."""

    MODULE = ""
    RESOURCE = "graph"

    def _argument_spec(self):
        module = importlib.import_module("..modules.%s" % self.MODULE, __package__)
        spec = graph_module_spec(module.OPTIONS, getattr(module, "RULES", None))
        spec.pop("supports_check_mode", None)
        return spec

    def _check_task(self, params, settings, task_vars):
        if getattr(self._connection._shell, "SHELL_FAMILY", "") == "powershell":
            raise AnsibleActionFail(
                "entra.app_proxy.%s talks to Microsoft Graph from the Ansible controller and cannot run on the Windows "
                "host %s. Add delegate_to: localhost (and run_once: true when the task is the same for every host)."
                % (self.MODULE, self._task.get_name()))
        return None

    def _module_name(self):
        return "entra.app_proxy.%s" % self.MODULE

    def _module_args(self, settings, token, params):
        args = {k: v for k, v in self._task.args.items() if k not in AUTH_ARGSPEC}
        for name in FORWARDED_OPTIONS:
            args[name] = getattr(settings, name)
        args["auth_method"] = "access_token"
        args["access_token"] = token
        return args

    def _token_expired(self, result):
        return token_expired(result)
