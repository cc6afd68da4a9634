# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Controller side of connector registration: the action behind entra.app_proxy.connector_registration.

Microsoft's RegisterConnector.ps1 runs on the host in a process of its own: ansible.windows.win_powershell
with ``executable: powershell.exe`` starts Windows PowerShell 5.1 and talks to it over a named pipe, so
the script inherits nothing of Ansible's module runspace (ErrorActionPreference=Stop, redirected host
output, the connection's execution policy) and every stream comes back separately. The registration
token goes as a sensitive parameter: a SecureString built in memory, never on a command line, never on
disk. The script this file sends decides nothing: whether to register comes from the host facts of
entra.app_proxy.server_info (the only place that decides the trust state), and whether it worked is
read here, in Python, from the streams and exit status.
"""

from __future__ import annotations

from ansible.errors import AnsibleActionFail

from ..module_utils._auth import jwt_claims
from ._token_action import TokenActionBase

# Windows PowerShell 5.1 offers TLS 1.2 only where SchUseStrongCrypto is set, and Entra accepts nothing
# older, so the TLS line is unconditional. $? and $LASTEXITCODE are read on the next line, before any
# other statement can reset them.
REGISTER_SCRIPT = r"""param(
    [Parameter(Mandatory = $true)][string]$ScriptPath,
    [Parameter(Mandatory = $true)][string]$ModulePath,
    [Parameter(Mandatory = $true)][string]$ModuleName,
    [Parameter(Mandatory = $true)][string]$TenantId,
    [Parameter(Mandatory = $true)][SecureString]$Token%(proxy_param)s
)
[Net.ServicePointManager]::SecurityProtocol = [Net.ServicePointManager]::SecurityProtocol -bor [Net.SecurityProtocolType]::Tls12
%(proxy_line)s$global:LASTEXITCODE = 0
& $ScriptPath -modulePath $ModulePath -moduleName $ModuleName -AuthenticationMode Token -Token $Token -TenantId $TenantId -Feature ApplicationProxy
$succeeded = $?
$Ansible.Result = @{ exit_code = $LASTEXITCODE; succeeded = $succeeded }
"""
# Only when a proxy is set: under become (SYSTEM) .NET would otherwise use SYSTEM's Internet Options.
PROXY_PARAM = ",\n    [Parameter(Mandatory = $true)][string]$Proxy"
PROXY_LINE = "[Net.WebRequest]::DefaultWebProxy = New-Object -TypeName Net.WebProxy -ArgumentList $Proxy, $true\n"

# The streams of the win_powershell result handed back to the user.
STREAMS = ("host_out", "host_err", "output", "error", "warning", "verbose", "debug", "information")

# Known failures of the registration service and the identity platform, and what fixes them.
# Matched case-insensitively against the failure text, first match wins.
FAILURE_HINTS = (
    ("AADSTS50059", "The account does not belong to the tenant (AADSTS50059): sign in with a work account of the "
                    "tenant itself, not a Microsoft account."),
    ("AADSTS50020", "The account is a guest or from another tenant (AADSTS50020): a connector is always registered "
                    "in the account's home tenant, so use a member account of this tenant."),
    ("guest", "Guest accounts cannot register a connector: the registration is always made in the account's home "
              "tenant. Sign in with a member of this tenant."),
    ("request was denied", "The registration request was denied: the account must hold the Application "
                           "Administrator or Global Administrator role in this tenant."),
    ("application administrator", "The account must hold the Application Administrator or Global Administrator "
                                  "role in this tenant."),
    ("expired", "The registration token expired before it was used: run again; tokens are fetched just before "
                "registration and live 60 to 90 minutes."),
    ("audience", "The token was issued for the wrong resource: registration_scope (app_proxy_registration_scope) "
                 "must be the registration service scope of the cloud."),
)


def failure_hint(text):
    """The advice for a registration failure text, or None when it is not a known failure."""
    low = (text or "").lower()
    return next((hint for needle, hint in FAILURE_HINTS if needle.lower() in low), None)


def tenant_guid_from_token(token):
    """The token's tenant GUID (``tid``): RegisterConnector.ps1 wants it, users often configure a domain."""
    tid = (jwt_claims(token) or {}).get("tid")
    return tid if isinstance(tid, str) and tid else None


# Microsoft Entra built-in role template ids
# (https://learn.microsoft.com/entra/identity/role-based-access-control/permissions-reference): the roles
# that may register a connector (https://learn.microsoft.com/entra/global-secure-access/how-to-configure-connectors).
REGISTERING_ROLES = {
    "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
    "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
}


def registration_token_problem(claims):
    """Why the registration service will refuse a token with these claims, or None when the token cannot tell.

    Only claims that are present count: ``acct`` (1 = guest) and ``wids`` (the user's directory roles) are
    optional in Entra tokens, and when they are absent the registration service decides.
    """
    who = claims.get("upn") or claims.get("preferred_username") or claims.get("unique_name") or "the signed-in account"
    if claims.get("acct") == 1:
        return ("%s is a guest in this tenant. A connector is always registered in the account's home tenant: sign in "
                "with a member account of this tenant." % who)
    wids = claims.get("wids")
    if isinstance(wids, list) and not set(wids) & set(REGISTERING_ROLES):
        return ("%s holds neither the %s role in this tenant, and the registration service will deny the request. "
                "Assign the Application Administrator role (or activate it in Privileged Identity Management), or "
                "sign in as an account that holds it." % (who, " nor the ".join(REGISTERING_ROLES.values())))
    return None


def _error_text(record):
    if isinstance(record, dict):
        return str(record.get("output") or (record.get("exception") or {}).get("message") or "").strip()
    return str(record).strip()


def registration_outcome(result):
    """The failure message for a win_powershell result of REGISTER_SCRIPT, or None when it succeeded.

    It failed when the script threw (win_powershell sets failed), wrote an error record, left a non-zero
    exit code, or ended with $? false. Whether the host is registered afterwards is server_info's to say.
    """
    status = result.get("result") if isinstance(result.get("result"), dict) else {}
    errors = [t for t in (_error_text(r) for r in result.get("error") or []) if t]
    exit_code = status.get("exit_code")
    if not (result.get("failed") or errors or exit_code not in (0, None) or status.get("succeeded") is False):
        return None
    detail = "; ".join(errors) or (result.get("host_err") or "").strip() or result.get("msg") or "no error text"
    return "RegisterConnector.ps1 failed (exit code %s): %s" % (exit_code, detail)


def plan(server_info, force):
    """What the registration task does on this host, from its server_info facts, before any sign-in.

    Returns (reason, failure): reason None means nothing to do; otherwise why a registration is due
    (the trust state server_info reported, 'forced' or 'not_installed'). failure is a message when the
    registration cannot run on this host.
    """
    connector = server_info.get("connector")
    registration = server_info.get("registration")
    if not isinstance(connector, dict) or not isinstance(registration, dict):
        return None, ("server_info must be the registered result of entra.app_proxy.server_info for this host "
                      "(it has no connector or registration facts).")
    if registration.get("registered") and not force:
        return None, None
    if not connector.get("installed"):
        return "not_installed", "The connector is not installed on this host: install it before registering."
    if not connector.get("register_script"):
        tried = connector.get("register_script_candidates") or []
        return "script_missing", ("RegisterConnector.ps1 was not found on this host; tried %s. Repair or reinstall "
                                  "the connector." % (", ".join("'%s'" % p for p in tried) or "no path"))
    if force:
        return "forced", None
    return registration.get("state") or "not_registered", None


class RegistrationAction(TokenActionBase):
    """Register the host's connector with a registration token got on the controller."""

    RESOURCE = "registration"
    _reason = None

    def _argument_spec(self):
        return {"argument_spec": {
            "force": {"type": "bool", "default": False},
            "proxy": {"type": "str"},
            "server_info": {"type": "dict", "required": True},
        }}

    def _facts_result(self, reason, params):
        connector = params["server_info"]["connector"]
        registration = params["server_info"]["registration"]
        result = {"changed": reason is not None, "registered": bool(registration.get("registered")),
                  "reason": reason, "layout": connector.get("layout"), "script_path": connector.get("register_script")}
        if self._task.diff:
            result["diff"] = {"before": {"registered": result["registered"]},
                              "after": {"registered": result["registered"] or reason is not None}}
        return result

    def _check_task(self, params, settings, task_vars):
        reason, failure = plan(params["server_info"], params["force"])
        self._reason = reason
        if reason == "not_installed" and self._task.check_mode:
            failure = None  # an install earlier in the play happened only virtually; registration would follow it
        if failure:
            raise AnsibleActionFail(failure)
        if reason is None or self._task.check_mode:
            return self._facts_result(reason, params)
        return None

    def _module_name(self):
        return "ansible.windows.win_powershell"

    def _module_args(self, settings, token, params):
        connector = params["server_info"]["connector"]
        tenant = tenant_guid_from_token(token) or settings.tenant_id
        if not tenant:
            raise AnsibleActionFail("tenant_id is required to register a connector: set tenant_id "
                                    "(app_proxy_tenant_id) or ENTRA_TENANT_ID.")
        parameters = {"ScriptPath": connector["register_script"], "ModulePath": connector["module_path"],
                      "ModuleName": connector["module_name"], "TenantId": tenant}
        proxy = params.get("proxy")
        if proxy:
            parameters["Proxy"] = proxy
        script = REGISTER_SCRIPT % {"proxy_param": PROXY_PARAM if proxy else "",
                                    "proxy_line": PROXY_LINE if proxy else ""}
        return {
            "executable": "powershell.exe",
            "arguments": ["-NoProfile", "-ExecutionPolicy", "Bypass"],
            "script": script,
            "parameters": parameters,
            "sensitive_parameters": [{"name": "Token", "value": token}],
            "error_action": "continue",
        }

    def _process_result(self, result, params, settings):
        out = self._facts_result(self._reason, params)
        # invocation stays where Ansible kept it; the base replaces win_powershell's (script, parameters) with the task's
        out.update((k, result.get(k)) for k in STREAMS + ("invocation",) if k in result)
        status = result.get("result") if isinstance(result.get("result"), dict) else {}
        out["exit_code"] = status.get("exit_code")
        failure = registration_outcome(result)
        if failure:
            hint = failure_hint("%s %s" % (failure, result.get("host_out") or ""))
            out.update(failed=True, msg="%s%s" % (failure, " " + hint if hint else ""))
        else:
            out["registered"] = True
        return out
