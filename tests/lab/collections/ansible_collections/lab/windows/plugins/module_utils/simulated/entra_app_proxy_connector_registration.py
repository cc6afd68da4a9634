# -*- coding: utf-8 -*-
# Simulation of entra.app_proxy.connector_registration (plugins/modules/connector_registration.ps1).
# The registration itself is a real HTTPS call to the lab's fake tenant with the token the action
# plugin got on the controller, so the tenant's rules (audience, scope, expiry, role, guest) apply.
from __future__ import annotations

import datetime
import json
import xml.etree.ElementTree as ET

# Same search order as the module: the 2024 rename changed every folder and module name.
LAYOUTS = (
    ("new", r"%ProgramFiles%\Microsoft Entra private network connector",
     "MicrosoftEntraPrivateNetworkConnectorPSModule",
     r"%ProgramData%\Microsoft\Microsoft Entra private network connector"),
    ("old", r"%ProgramFiles%\Microsoft AAD App Proxy Connector",
     "AppProxyPSModule",
     r"%ProgramData%\Microsoft\Microsoft AAD Application Proxy Connector"),
)
MACHINE_STORE = "LocalMachine\\My"
USER_STORE = "NetworkService\\My"
TRUST_XML = """<?xml version="1.0" encoding="utf-8"?>
<ConnectorTrustSettingsFile xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <CloudProxyTrust>
    <Thumbprint>{thumbprint}</Thumbprint>
    <IsInUserStore>false</IsInUserStore>
  </CloudProxyTrust>
</ConnectorTrustSettingsFile>
"""


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def _certificates(host) -> dict:
    return host.state.setdefault("certificates", {})


def _find_layout(host, install_path):
    tried = []
    for name, folder, module_name, data in LAYOUTS:
        folder = host.expand(install_path or folder)
        script = folder + "\\RegisterConnector.ps1"
        if script not in tried:
            tried.append(script)
        if host.file_exists(script) and host.is_dir(folder + "\\Modules\\" + module_name):
            return {"name": name, "folder": folder, "module_name": module_name, "data": host.expand(data)}, tried
    return None, tried


def _trust_state(host, trust_path):
    state = {"thumbprint": None, "expires": None, "valid": False, "reason": "trust_missing"}
    text = host.file_read_text(trust_path)
    if not text:
        return state
    try:
        root = ET.fromstring(text.strip().encode("utf-8"))
    except ET.ParseError as e:
        raise host.fail("Failed to read the connector trust settings '%s': %s" % (trust_path, e))
    thumbprint = (root.findtext("CloudProxyTrust/Thumbprint") or "").strip()
    in_user_store = (root.findtext("CloudProxyTrust/IsInUserStore") or "").strip().lower() == "true"
    if not thumbprint:
        return state
    state["thumbprint"] = thumbprint
    store = host.state.get("certificates", {}).get(USER_STORE if in_user_store else MACHINE_STORE, {})
    cert = store.get(thumbprint.upper())
    if cert is None:
        state["reason"] = "certificate_missing"
        return state
    if in_user_store:
        # The real module cannot read the Network Service store's expiry; it only checks presence.
        state.update(valid=True, reason=None)
        return state
    not_after = datetime.datetime.fromisoformat(cert["not_after"].replace("Z", "+00:00"))
    state["expires"] = cert["not_after"]
    if not_after <= _now():
        state["reason"] = "certificate_expired"
        return state
    state.update(valid=True, reason=None)
    return state


def _fqdn(host):
    """The machine name the connector reports, as ansible.windows.setup and server_info give it."""
    dom = host.domain()
    domain = dom.get("dns_domain_name") if dom.get("joined") else ""
    return "%s.%s" % (host.hostname.lower(), domain) if domain else host.hostname.lower()


def _connector_version(host, layout):
    exe = "MicrosoftEntraPrivateNetworkConnectorService.exe" if layout["name"] == "new" else "ApplicationProxyConnectorService.exe"
    entry = host.file_get(layout["folder"] + "\\" + exe) or {}
    return entry.get("version")


def _register(host, layout, token, tenant_id, script):
    lab = host.lab()
    if not lab:
        raise host.fail("simwin: connector_registration needs the fake tenant (the lab ran with --no-tenant)")
    url = lab.get("registration_url") or lab["base_url"].rstrip("/") + "/register"
    proxy = host.winhttp_proxy().get("proxy")
    body = {
        "machineName": _fqdn(host),
        "tenantId": tenant_id,
        "feature": "ApplicationProxy",
        "version": _connector_version(host, layout),
    }
    status, _headers, raw = host.http_request(
        url, method="POST", data=json.dumps(body).encode("utf-8"),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"},
        proxy=("http://" + proxy) if proxy and "://" not in proxy else proxy)
    try:
        reply = json.loads(raw.decode("utf-8") or "{}")
    except ValueError:
        reply = {"message": raw.decode("utf-8", "replace")}
    if status >= 400:
        err = reply.get("error") if isinstance(reply.get("error"), dict) else {}
        text = " ".join(str(err[k]) for k in ("code", "message", "detail") if err.get(k)) or raw.decode("utf-8", "replace")
        # RegisterConnector.ps1 prints the service's refusal in this shape (troubleshoot-connectors).
        output = "Connector registration failed: %s" % text
        raise host.fail("Failed to register the connector with '%s': %s" % (script, output), output=output)
    return reply


def simulate(host, args, check_mode, diff):
    result = {"changed": False, "layout": None, "reason": None, "registered": False, "script_path": None,
              "certificate_expires": None, "thumbprint": None, "previous_thumbprint": None}
    layout, tried = _find_layout(host, args.get("install_path"))
    if layout is None and check_mode:
        result.update(changed=True, reason="not_installed")
        return result
    if layout is None:
        raise host.fail("Failed to find RegisterConnector.ps1 with its PowerShell module; tried '%s'. "
                        "Install the connector first or set install_path." % "', '".join(tried))
    script = layout["folder"] + "\\RegisterConnector.ps1"
    trust_path = layout["data"] + "\\Config\\TrustSettings.xml"
    result.update(layout=layout["name"], script_path=script)

    before = _trust_state(host, trust_path)
    result.update(previous_thumbprint=before["thumbprint"], thumbprint=before["thumbprint"],
                  certificate_expires=before["expires"])
    diff_before = {"registered": before["valid"], "thumbprint": before["thumbprint"]}
    if before["valid"] and not args["force"]:
        result["registered"] = True
        if diff:
            result["diff"] = {"before": diff_before, "after": diff_before}
        return result

    result.update(changed=True, reason="forced" if args["force"] else before["reason"])
    if diff:
        result["diff"] = {"before": diff_before, "after": {"registered": True, "thumbprint": "(issued at registration)"}}
    if check_mode:
        return result
    if not args.get("tenant_id"):
        raise host.fail("Failed to register the connector: tenant_id is required")
    token = args.get("access_token")
    if not token:
        raise host.fail("Failed to register the connector: no registration token was supplied; run this module "
                        "through its action plugin, which gets one on the controller")

    reply = _register(host, layout, token, args["tenant_id"], script)
    connector_id = reply["connectorId"]
    thumbprint = reply["certificateThumbprint"].upper()
    not_after = reply["certificateNotAfter"]
    _certificates(host).setdefault(MACHINE_STORE, {})[thumbprint] = {
        "thumbprint": thumbprint,
        "subject": "CN=%s" % connector_id,
        "issuer": "CN=%s" % reply.get("issuer", "connectorregistrationca.msappproxy.net"),
        "not_after": not_after,
    }
    host.file_write(trust_path, TRUST_XML.format(thumbprint=thumbprint))
    host.record("connector_registered", connector_id=connector_id, thumbprint=thumbprint, layout=layout["name"])
    output = "Connector registration completed successfully."
    result.update(registered=True, thumbprint=thumbprint, certificate_expires=not_after, output=output)
    if diff:
        result["diff"]["after"] = {"registered": True, "thumbprint": thumbprint}
    return result
