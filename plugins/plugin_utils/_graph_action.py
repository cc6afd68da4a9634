# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Base of the Graph modules' action plugins: sign in on the controller, then run the module with the token.

Internal to the collection: its API may change without notice.

Signing in on the controller lets the device-code prompt go through Ansible's display, once per run
(plugin_utils/_token.py), and keeps passwords and client secrets away from the module: the module
gets a bearer token and nothing else secret. The token never comes back in the result or its
``invocation``.
"""

from __future__ import annotations

import importlib
import os

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.entra.app_proxy.plugins.module_utils._auth import (
    AUTH_ARGSPEC,
    EntraAuthError,
    resolve_settings,
)
from ansible_collections.entra.app_proxy.plugins.plugin_utils._token import TokenBroker

display = Display()

MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
SECRET_OPTIONS = frozenset(name for name, spec in AUTH_ARGSPEC.items() if spec.get("no_log"))
# The only auth options a module needs once it holds a token: where Graph is and how to reach it.
FORWARDED_OPTIONS = ("ca_bundle", "graph_endpoint", "tenant_id", "timeout")


def mask_secrets(args):
    return {k: (MASK if k in SECRET_OPTIONS and v not in (None, "") else v) for k, v in args.items()}


def scrub(value, secrets):
    """A copy of value with every secret string replaced by the mask, however deeply nested."""
    if isinstance(value, str):
        for secret in secrets:
            value = value.replace(secret, MASK)
        return value
    if isinstance(value, dict):
        return {k: scrub(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [scrub(v, secrets) for v in value]
    return value


def token_expired(result):
    error = result.get("graph_error") or {}
    return result.get("failed") and error.get("status") == 401 and "expired" in (result.get("msg") or "")


class GraphActionBase(ActionBase):
    """Run ``entra.app_proxy.<MODULE>`` on the controller with a Graph token. Subclasses set MODULE."""

    MODULE = ""
    TRANSFERS_FILES = False

    def _module_spec(self):
        module = importlib.import_module("ansible_collections.entra.app_proxy.plugins.modules.%s" % self.MODULE)
        spec = module.module_spec()
        spec.pop("supports_check_mode", None)
        return spec

    def _check_task(self):
        """Fail before any sign-in when the task's arguments or host cannot work."""
        internal = sorted(k for k in self._task.args if k.startswith("_"))
        if internal:
            raise AnsibleActionFail("%s %s internal and cannot be set in a task; remove %s."
                                    % (", ".join(internal), "is" if len(internal) == 1 else "are",
                                       "it" if len(internal) == 1 else "them"))
        if getattr(self._connection._shell, "SHELL_FAMILY", "") == "powershell":
            raise AnsibleActionFail(
                "entra.app_proxy.%s talks to Microsoft Graph from the Ansible controller and cannot run on the Windows "
                "host %s. Add delegate_to: localhost (and run_once: true when the task is the same for every host)."
                % (self.MODULE, self._task.get_name()))
        self.validate_argument_spec(**self._module_spec())

    def _get_token(self, settings, force_refresh=False):
        return TokenBroker(settings, display).get_token("graph", force_refresh=force_refresh)

    def _module_args(self, settings, token):
        args = {k: v for k, v in self._task.args.items() if k not in AUTH_ARGSPEC}
        for name in FORWARDED_OPTIONS:
            args[name] = getattr(settings, name)
        args["auth_method"] = "access_token"
        args["access_token"] = token
        return args

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super().run(tmp, task_vars)
        user_args = dict(self._task.args)
        secrets = [str(v) for k, v in user_args.items() if k in SECRET_OPTIONS and v]

        try:
            self._check_task()
            settings = resolve_settings(user_args, os.environ)
            secrets.extend(settings.secrets())  # ENTRA_* environment secrets too
            token = self._get_token(settings)
        except (AnsibleActionFail, EntraAuthError) as exc:
            result.update(failed=True, msg=scrub(str(exc), secrets))
            return result

        secrets.append(token)
        module_result = self._execute_module(module_name="entra.app_proxy.%s" % self.MODULE,
                                             module_args=self._module_args(settings, token), task_vars=task_vars)
        if token_expired(module_result) and settings.auth_method != "access_token":
            # Graph turned down a token MSAL still thought valid (revoked, or clocks apart): sign in
            # again silently with the refresh token and run the module once more. The modules are
            # idempotent and a rejected request changed nothing, so the second run finishes the job.
            display.vvv("entra.app_proxy: Graph rejected the access token as expired; getting a new one")
            try:
                token = self._get_token(settings, force_refresh=True)
            except EntraAuthError as exc:
                result.update(failed=True, msg=scrub(str(exc), secrets))
                return result
            secrets.append(token)
            module_result = self._execute_module(module_name="entra.app_proxy.%s" % self.MODULE,
                                                 module_args=self._module_args(settings, token),
                                                 task_vars=task_vars)

        result.update(module_result)
        if "invocation" in result:
            result["invocation"] = {"module_args": mask_secrets(user_args)}
        return scrub(result, secrets)
