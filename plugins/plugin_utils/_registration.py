# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Controller side of connector registration (internal use only).

The action plugin ``entra.app_proxy.connector_registration`` gets a delegated registration
token here, on the controller, and hands it in memory to the Windows module. Nothing in this
file may let the token reach a result, ``invocation``, the display or the Windows disk.
"""

from __future__ import annotations

import base64
import json
import os
import typing as t

from ansible.errors import AnsibleActionFail

MODULE_NAME = "entra.app_proxy.connector_registration"

# Options of the Windows module; everything else in the task belongs to authentication.
MODULE_OPTIONS: dict[str, dict[str, t.Any]] = {
    "force": {"type": "bool", "default": False},
    "install_path": {"type": "path"},
}

# Known failures of the registration service and the identity platform, and what fixes them.
# Matched case-insensitively against the failure text, first match wins.
FAILURE_HINTS: tuple[tuple[str, str], ...] = (
    ("AADSTS50059",
     "The account does not belong to the tenant (AADSTS50059): sign in with a work account of the tenant itself, not a Microsoft account."),
    ("AADSTS50020",
     "The account is a guest or from another tenant (AADSTS50020): a connector is always registered in the "
     "account's home tenant, so use a member account of this tenant."),
    ("AADSTS50076", "The tenant requires multifactor authentication (AADSTS50076): use auth_method device_code, which signs in through the browser."),
    ("AADSTS50079",
     "The account must register for multifactor authentication (AADSTS50079): finish the MFA set-up, then use auth_method device_code."),
    ("AADSTS50126", "The user name or password is wrong (AADSTS50126)."),
    ("AADSTS65001",
     "Consent is missing for the registration client (AADSTS65001): use the connector's client id 55747057-9b5d-4bd4-b387-abf52a8bd489 or grant consent."),
    ("AADSTS700016", "The client id is not known in the tenant (AADSTS700016): check the client_id setting."),
    ("AADSTS7000112", "The client application is disabled in the tenant (AADSTS7000112)."),
    ("guest",
     "Guest accounts cannot register a connector: the registration is always made in the account's home tenant. Sign in with a member of this tenant."),
    ("request was denied",
     "The registration request was denied: the account must hold the Application Administrator or Global Administrator role in this tenant."),
    ("application administrator", "The account must hold the Application Administrator or Global Administrator role in this tenant."),
    ("token is expired",
     "The registration token expired before it was used: rerun; tokens are fetched just before registration and live 60 to 90 minutes."),
    ("token has expired",
     "The registration token expired before it was used: rerun; tokens are fetched just before registration and live 60 to 90 minutes."),
    ("audience", "The token was issued for the wrong resource: app_proxy_registration_scope must be the registration service scope of the cloud."),
)


def failure_hint(text: str) -> str | None:
    """Return the advice for a registration failure text, or None when it is not a known failure."""
    low = text.lower()
    for needle, hint in FAILURE_HINTS:
        if needle.lower() in low:
            return hint
    return None


def tenant_guid_from_token(token: str) -> str | None:
    """Read the ``tid`` claim of a JWT without verifying it (the service verifies it).

    RegisterConnector.ps1 wants the tenant GUID, while users often configure a verified domain.
    """
    parts = token.split(".")
    if len(parts) < 2:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    tid = claims.get("tid") if isinstance(claims, dict) else None
    return tid if isinstance(tid, str) and tid else None


class Registration:
    """Runs the registration module for one host with a token got on the controller.

    Args:
        action: the ActionBase instance of the task.
        display: Ansible's display, used by the token broker for the device-code prompt.
    """

    def __init__(self, action: t.Any, display: t.Any) -> None:
        self._action = action
        self._display = display

    def run(self, task_vars: dict[str, t.Any]) -> dict[str, t.Any]:
        """Validate the task, get the token (not in check mode), run the module, scrub the result."""
        # Imported here so a missing msal fails the task with a clear message, not the plugin load.
        from ansible_collections.entra.app_proxy.plugins.module_utils._auth import (
            AUTH_ARGSPEC,
            EntraAuthError,
            resolve_settings,
        )
        from ansible_collections.entra.app_proxy.plugins.plugin_utils._graph_action import (
            SECRET_OPTIONS,
            scrub,
        )

        user_args = dict(self._action._task.args)
        secrets = [str(v) for k, v in user_args.items() if k in SECRET_OPTIONS and v]
        internal = sorted(k for k in user_args if k.startswith("_"))
        if internal:
            raise AnsibleActionFail(
                "%s is internal to connector_registration and cannot be set in a task; the token comes from the "
                "authentication options (auth_method, access_token, ...)" % ", ".join(internal))

        spec = dict(AUTH_ARGSPEC)
        spec.update(MODULE_OPTIONS)
        dummy, params = self._action.validate_argument_spec(argument_spec=spec)
        public = {k: params.get(k) for k in sorted(MODULE_OPTIONS)}
        auth_args = {k: v for k, v in user_args.items() if k in AUTH_ARGSPEC}
        try:
            settings = resolve_settings(auth_args, os.environ)
        except EntraAuthError as e:
            raise AnsibleActionFail(scrub("Failed to read the authentication settings for connector registration: %s"
                                          % e, secrets))
        tenant_id = settings.tenant_id
        if not tenant_id:
            raise AnsibleActionFail("tenant_id is required to register a connector: set the tenant_id option, "
                                    "app_proxy_tenant_id or ENTRA_TENANT_ID")

        module_args: dict[str, t.Any] = dict(public, tenant_id=tenant_id)
        if not self._action._play_context.check_mode:
            # Got just before use: registration tokens live 60-90 minutes and hosts may wait in line.
            from ansible_collections.entra.app_proxy.plugins.plugin_utils._token import TokenBroker

            try:
                token = TokenBroker(settings, self._display).get_token("registration")
            except EntraAuthError as e:
                hint = failure_hint(str(e))
                raise AnsibleActionFail(scrub("Failed to get a connector registration token: %s%s"
                                              % (e, " " + hint if hint else ""), secrets))
            secrets.append(token)
            module_args["tenant_id"] = tenant_guid_from_token(token) or tenant_id
            # The only secret that travels to Windows: the token, in the module's no_log access_token option.
            module_args["access_token"] = token

        result = self._action._execute_module(module_name=MODULE_NAME, module_args=module_args, task_vars=task_vars)
        result["invocation"] = {"module_args": dict(public, tenant_id=tenant_id)}
        if result.get("failed"):
            hint = failure_hint("%s %s" % (result.get("msg", ""), result.get("output", "")))
            if hint and hint not in result.get("msg", ""):
                result["msg"] = "%s %s" % (result.get("msg") or "Failed to register the connector.", hint)
        return scrub(result, secrets)
