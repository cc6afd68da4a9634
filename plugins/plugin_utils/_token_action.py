# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""One controller-side shape for every action of the collection that needs a token: sign in, then run a module.

The walk, in :meth:`TokenActionBase.run`:

1. refuse ``_internal`` options; validate the task against the auth options plus :meth:`_argument_spec`;
2. resolve the auth settings once, from the validated params;
3. :meth:`_check_task` fails the task before any sign-in, or returns a finished result when no token is
   needed (nothing to do, check mode);
4. get the token for :attr:`RESOURCE` (``graph`` or ``registration``) through the token broker;
5. run :meth:`_module_name` with :meth:`_module_args`; when :meth:`_token_expired` says the service
   refused the token as expired, get a fresh one once and run the module again;
6. :meth:`_process_result`; where the result keeps an ``invocation``, it shows the task's own options (secrets
   masked), and every secret (options, environment, tokens) is scrubbed from the whole result.

A subclass sets RESOURCE and overrides the hooks it needs; an action plugin file is then three lines.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ..module_utils._auth import (
    AUTH_ARGSPEC,
    SECRET_OPTIONS,
    EntraAuthError,
    resolve_settings,
)
from ._token import TokenBroker

display = Display()

MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


def mask_secrets(args):
    """The task's options with the value of every secret auth option masked, as Ansible masks no_log options."""
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


def refuse_internal(args):
    """Fail for options starting with ``_``: they are the collection's own, never the user's."""
    internal = sorted(k for k in args if k.startswith("_"))
    if internal:
        raise AnsibleActionFail("%s %s internal and cannot be set in a task; remove %s."
                                % (", ".join(internal), "is" if len(internal) == 1 else "are",
                                   "it" if len(internal) == 1 else "them"))


class TokenActionBase(ActionBase):
    """Sign in on the controller, then run a module with the token. Subclasses set RESOURCE and the hooks."""

    RESOURCE = "graph"
    TRANSFERS_FILES = False

    def _argument_spec(self):
        """validate_argument_spec() keyword arguments for the task's own options; AUTH_ARGSPEC is added."""
        return {"argument_spec": {}}

    def _check_task(self, params, settings, task_vars):
        """Raise AnsibleActionFail before any sign-in, or return a finished result when no token is needed."""
        return None

    def _module_name(self):
        raise NotImplementedError

    def _module_args(self, settings, token, params):
        raise NotImplementedError

    def _token_expired(self, result):
        """Whether the service refused the token as expired, so one retry with a fresh token is worth it."""
        return False

    def _process_result(self, result, params, settings):
        """Shape the module's result into the task's result."""
        return result

    def _get_token(self, settings, force_refresh=False):
        return TokenBroker(settings, display).get_token(self.RESOURCE, force_refresh=force_refresh)

    def _run_module(self, settings, token, params, task_vars):
        return self._execute_module(module_name=self._module_name(),
                                    module_args=self._module_args(settings, token, params), task_vars=task_vars)

    def run(self, tmp=None, task_vars=None):
        self._supports_check_mode = True
        self._supports_async = False
        result = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        user_args = dict(self._task.args)
        secrets = [str(v) for k, v in user_args.items() if k in SECRET_OPTIONS and v]

        try:
            refuse_internal(user_args)
            spec = dict(self._argument_spec())
            spec["argument_spec"] = dict(AUTH_ARGSPEC, **spec["argument_spec"])
            dummy, params = self.validate_argument_spec(**spec)
            settings = resolve_settings(params)
            secrets.extend(settings.secrets())  # ENTRA_* environment secrets too
            finished = self._check_task(params, settings, task_vars)
            if finished is None:
                token = self._get_token(settings)
                secrets.append(token)
                finished = self._run_module(settings, token, params, task_vars)
                if self._token_expired(finished) and settings.auth_method != "access_token":
                    # The service turned down a token MSAL still thought valid (revoked, or clocks apart): get a
                    # new one silently and run the module once more. A refused request changed nothing.
                    display.vvv("entra.app_proxy: the %s token was rejected as expired; getting a new one"
                                % self.RESOURCE)
                    token = self._get_token(settings, force_refresh=True)
                    secrets.append(token)
                    finished = self._run_module(settings, token, params, task_vars)
                finished = self._process_result(finished, params, settings)
        except (AnsibleActionFail, EntraAuthError) as exc:
            result.update(failed=True, msg=scrub(getattr(exc, "message", None) or str(exc), secrets))
            return result

        result.update(finished)
        if "invocation" in result:
            # Where Ansible keeps the module's invocation, it shows the task's own options, secrets masked,
            # never the arguments this plugin built (the token).
            result["invocation"] = {"module_args": mask_secrets(user_args)}
        return scrub(result, secrets)
