# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_powershell, for the one script the collection runs with it:
# Microsoft's RegisterConnector.ps1 in token mode (plugins/plugin_utils/_registration.py). No PowerShell
# engine exists here, so any other script is refused rather than pretended.
#
# What it models is the product and Windows, never our decisions: the named-pipe child process
# (executable), the SecureString a sensitive parameter becomes, .NET's default TLS protocols in
# Windows PowerShell 5.1, what RegisterConnector.ps1 does (calls the registration service, then writes
# the certificate and TrustSettings.xml where the product keeps them), and how PowerShell reports a
# failing command (an error record and $? false, not a terminating exception, under error_action=continue).
from __future__ import annotations

import json
import re

from ansible_collections.lab.windows.plugins.module_utils.host_state import SimulatedFailure
from ansible_collections.lab.windows.plugins.module_utils.installers import LAYOUTS

MACHINE_STORE = "LocalMachine\\My"
TRUST_XML = """<?xml version="1.0" encoding="utf-8"?>
<ConnectorTrustSettingsFile xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <CloudProxyTrust>
    <Thumbprint>{thumbprint}</Thumbprint>
    <IsInUserStore>false</IsInUserStore>
  </CloudProxyTrust>
</ConnectorTrustSettingsFile>
"""
_REGISTER_CALL = re.compile(r"&\s*\$ScriptPath\b[^\r\n]*-AuthenticationMode\s+Token\b[^\r\n]*-Token\s+\$Token\b", re.I)
# Windows PowerShell 5.1 on .NET 4.x offers TLS 1.2 only when the script ORs it in (or SchUseStrongCrypto is
# set, which this simulation deliberately does not count: tests/lab/FIDELITY.md).
_TLS12 = re.compile(r"\[Net\.ServicePointManager\]::SecurityProtocol\s*=\s*\[Net\.ServicePointManager\]::"
                    r"SecurityProtocol\s+-bor\s+\[Net\.SecurityProtocolType\]::Tls12", re.I)
_SECURE_TOKEN = re.compile(r"\[SecureString\]\s*\$Token\b", re.I)
_JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
_DEFAULT_PROXY = re.compile(r"\[Net\.WebRequest\]::DefaultWebProxy\s*=\s*New-Object\s+-TypeName\s+Net\.WebProxy\s+"
                            r"-ArgumentList\s+\$Proxy,\s*\$true", re.I)


def _streams(**values):
    out = {"result": {}, "host_out": "", "host_err": "", "output": [], "error": [], "warning": [], "verbose": [],
           "debug": [], "information": []}
    out.update(values)
    return out


def _error_record(message, category="NotSpecified", fqid="RegisterConnector"):
    return {"output": message, "error_details": None, "exception": {"message": message, "type": "System.Exception"},
            "target_object": None, "category_info": {"category": category}, "fully_qualified_error_id": fqid,
            "script_stack_trace": "at <ScriptBlock>, <No file>: line 1"}


def _failed_command(message, **kw):
    """What PowerShell reports under ErrorActionPreference=Continue: an error record, $? false, no exception."""
    return _streams(changed=True, error=[_error_record(message, **kw)], result={"exit_code": 0, "succeeded": False})


def _layout_of(host, script_path):
    for name, lay in LAYOUTS.items():
        if script_path.lower() == (lay["program"] + "\\RegisterConnector.ps1").lower():
            return name, lay
    return None, None


def _refuse(host, why):
    raise host.fail("simwin: %s" % why)


def _register(host, lay, params, token, proxy):
    lab = host.lab()
    if not lab:
        _refuse(host, "RegisterConnector.ps1 needs the fake tenant (the lab ran with --no-tenant)")
    url = lab.get("registration_url") or lab["base_url"].rstrip("/") + "/register"
    exe = host.file_get(lay["program"] + "\\" + lay["service_exe"]) or {}
    body = {"machineName": _fqdn(host), "tenantId": params["TenantId"],
            "feature": "ApplicationProxy", "version": exe.get("version")}
    status, _headers, raw = host.http_request(
        url, method="POST", data=json.dumps(body).encode("utf-8"),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"}, proxy=proxy)
    try:
        reply = json.loads(raw.decode("utf-8") or "{}")
    except ValueError:
        reply = {"message": raw.decode("utf-8", "replace")}
    return status, reply, raw


def _fqdn(host):
    """The machine name the connector reports: host name plus the primary DNS suffix (the joined domain here)."""
    dom = host.domain()
    suffix = dom.get("dns_domain_name") if dom.get("joined") else ""
    return "%s.%s" % (host.hostname.lower(), suffix) if suffix else host.hostname.lower()


def simulate(host, args, check_mode, diff):
    script = args.get("script") or ""
    if not _REGISTER_CALL.search(script):
        _refuse(host, "win_powershell is simulated only for RegisterConnector.ps1 in token mode (no PowerShell "
                      "engine here); this script is not that call")
    if check_mode:
        # the module skips a script without SupportsShouldProcess in check mode
        return _streams(changed=True, msg="skipped, running in check mode")
    if (args.get("executable") or "").lower() not in ("powershell.exe", "powershell"):
        _refuse(host, "RegisterConnector.ps1 must run in its own Windows PowerShell 5.1 process (executable: "
                      "powershell.exe), not in the module's runspace (ErrorActionPreference=Stop, redirected host)")
    params = args.get("parameters") or {}
    sensitive = {p["name"]: p for p in args.get("sensitive_parameters") or []}
    exposed = [name for name, value in [("script", script), ("arguments", " ".join(args.get("arguments") or []))]
               + [("parameters." + k, str(v)) for k, v in params.items()] if _JWT.search(value)]
    if exposed:
        _refuse(host, "a token reached win_powershell in %s, which is logged and echoed; pass it only in "
                      "sensitive_parameters" % ", ".join(exposed))
    token = (sensitive.get("Token") or {}).get("value")
    if not token or not _SECURE_TOKEN.search(script):
        _refuse(host, "RegisterConnector.ps1 -Token wants a SecureString: pass the token as sensitive_parameters "
                      "name=Token value=... to a [SecureString]$Token parameter")
    missing = [k for k in ("ScriptPath", "ModulePath", "ModuleName", "TenantId") if not params.get(k)]
    if missing:
        _refuse(host, "the script's mandatory parameter(s) %s have no value (PowerShell would prompt and hang)"
                % ", ".join(missing))

    script_path = host.expand(params["ScriptPath"])
    if not host.file_exists(script_path):
        return _failed_command("The term '%s' is not recognized as the name of a cmdlet, function, script file, or "
                               "operable program." % script_path, category="ObjectNotFound",
                               fqid="CommandNotFoundException")
    name, lay = _layout_of(host, script_path)
    module_dir = host.expand(params["ModulePath"]).rstrip("\\") + "\\" + params["ModuleName"]
    if lay is None or not host.is_dir(module_dir):
        return _failed_command("The specified module '%s' was not loaded because no valid module file was found in "
                               "any module directory." % module_dir, category="ResourceUnavailable",
                               fqid="Modules_ModuleNotFound,Microsoft.PowerShell.Commands.ImportModuleCommand")
    if not _TLS12.search(script):
        return _failed_command("The underlying connection was closed: An unexpected error occurred on a send. "
                               "(Windows PowerShell 5.1 offered no TLS 1.2)")
    proxy = params.get("Proxy") if _DEFAULT_PROXY.search(script) else host.inet_proxy().get("proxy")
    try:
        status, reply, raw = _register(host, lay, params, token, proxy)
    except SimulatedFailure as e:  # an unreachable service is a failing command too
        return _failed_command(e.msg)
    if status >= 400:
        err = reply.get("error") if isinstance(reply.get("error"), dict) else {}
        text = " ".join(str(err[k]) for k in ("code", "message", "detail") if err.get(k)) or raw.decode("utf-8", "replace")
        # RegisterConnector.ps1 reports the service's refusal in this shape (troubleshoot-connectors)
        return _failed_command("Connector registration failed: %s" % text)

    thumbprint = reply["certificateThumbprint"].upper()
    host.state.setdefault("certificates", {}).setdefault(MACHINE_STORE, {})[thumbprint] = {
        "thumbprint": thumbprint, "subject": "CN=%s" % reply["connectorId"],
        "issuer": "CN=%s" % reply.get("issuer", "connectorregistrationca.msappproxy.net"),
        "not_after": reply["certificateNotAfter"],
    }
    host.file_write(lay["data"] + "\\Config\\TrustSettings.xml", TRUST_XML.format(thumbprint=thumbprint))
    host.record("connector_registered", connector_id=reply["connectorId"], thumbprint=thumbprint, layout=name)
    return _streams(changed=True, host_out="Connector registration completed successfully.\n",
                    result={"exit_code": 0, "succeeded": True})
