# -*- coding: utf-8 -*-
# Simulation of entra.app_proxy.server_info (plugins/modules/server_info.ps1): the same reads, from the
# host state. Not modelled: the Network Service store's registry/profile split (one "NetworkService\My"
# store), Server Core's missing IE keys unless the seed leaves them out, and the WinHTTP per-scheme syntax.
from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET

from ansible_collections.lab.windows.plugins.module_utils import installers

# Same table and search order as the module (FACTS §1.4, the 1.5.3829.0 rename table).
LAYOUTS = (
    {
        "layout": "new",
        "product_name": "Microsoft Entra private network connector",
        "install_dir": r"C:\Program Files\Microsoft Entra private network connector",
        "updater_dir": r"C:\Program Files\Microsoft Entra private network connector Updater",
        "data_dir": r"C:\ProgramData\Microsoft\Microsoft Entra private network connector",
        "service_exe_name": "MicrosoftEntraPrivateNetworkConnectorService.exe",
        "updater_exe_name": "MicrosoftEntraPrivateNetworkConnectorUpdaterService.exe",
        "module_name": "MicrosoftEntraPrivateNetworkConnectorPSModule",
        "registry_key": r"HKLM:\SOFTWARE\Microsoft\Microsoft Entra private network connector",
    },
    {
        "layout": "old",
        "product_name": "Microsoft AAD App Proxy Connector",
        "install_dir": r"C:\Program Files\Microsoft AAD App Proxy Connector",
        "updater_dir": r"C:\Program Files\Microsoft AAD App Proxy Connector Updater",
        "data_dir": r"C:\ProgramData\Microsoft\Microsoft AAD Application Proxy Connector",
        "service_exe_name": "ApplicationProxyConnectorService.exe",
        "updater_exe_name": "ApplicationProxyConnectorUpdaterService.exe",
        "module_name": "AppProxyPSModule",
        "registry_key": r"HKLM:\SOFTWARE\Microsoft\Microsoft AAD App Proxy Connector",
    },
)
SCHANNEL = r"HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2"
NETFX = r"HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319"
ACTIVE_SETUP = r"HKLM:\SOFTWARE\Microsoft\Active Setup\Installed Components"
CBS_KEY = r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending"
WU_KEY = r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired"
MARKER_KEY = r"HKLM:\SOFTWARE\Ansible\entra.app_proxy"
PPP_SERVICE = "AzureADPasswordProtectionProxy"
_PRODUCT_TYPES = {"workstation": 1, "domain_controller": 2, "server": 3}


def _value(host, path, name):
    v = host.reg_get_value(path, name)
    return None if v is None else v["data"]


def _version(host, path):
    entry = host.file_get(path)
    return None if entry is None or entry["type"] != "file" else entry.get("version")


def _service(host, name):
    info = {"name": name, "exists": False, "state": None, "start_mode": None, "display_name": None}
    svc = host.service_get(name)
    if svc is not None and svc["name"].lower() == name.lower():
        info.update(exists=True, state=svc["state"], start_mode=svc["start_mode"], display_name=svc["display_name"])
    return info


def _default_proxy(host, path):
    info = {"exists": False, "default_proxy_present": False, "enabled": None, "proxy_address": None,
            "bypass_on_local": None, "use_system_default": None}
    text = host.file_read_text(path)
    if text is None:
        return info
    info["exists"] = True
    try:
        root = ET.fromstring(text.strip().encode("utf-8"))
    except ET.ParseError as e:
        # [xml] fails the same way on Windows; the module does not catch it.
        raise host.fail("Cannot convert value to type System.Xml.XmlDocument: %s (%s)" % (e, path))
    node = root.find("system.net/defaultProxy")
    if node is None:
        return info
    info["default_proxy_present"] = True
    if node.get("enabled"):
        info["enabled"] = node.get("enabled") == "true"
    proxy = node.find("proxy")
    if proxy is not None:
        info["proxy_address"] = proxy.get("proxyaddress") or None
        info["bypass_on_local"] = proxy.get("bypassonlocal") or None
        info["use_system_default"] = proxy.get("usesystemdefault") or None
    return info


def _registration(host, trust_file):
    reg = {"registered": False, "trust_settings_exists": False, "thumbprint": None, "is_in_user_store": None,
           "certificate_found": False, "certificate_store": None, "certificate_not_after": None,
           "certificate_expired": None, "certificate_issuer": None}
    text = host.file_read_text(trust_file)
    if text is None:
        return reg
    reg["trust_settings_exists"] = True
    try:
        root = ET.fromstring(text.strip().encode("utf-8"))
    except ET.ParseError as e:
        raise host.fail("Failed to read the connector trust settings '%s': %s" % (trust_file, e))
    trust = root.find(".//CloudProxyTrust")
    if trust is not None:
        thumbprint = (trust.findtext("Thumbprint") or "").strip()
        if thumbprint:
            reg["thumbprint"] = thumbprint.upper()
        if trust.find("IsInUserStore") is not None:
            reg["is_in_user_store"] = (trust.findtext("IsInUserStore") or "").strip() == "true"
    if reg["thumbprint"] is None:
        return reg
    stores = host.state.get("certificates", {})
    for store in ("LocalMachine\\My", "NetworkService\\My"):
        cert = stores.get(store, {}).get(reg["thumbprint"])
        if cert is not None:
            not_after = datetime.datetime.fromisoformat(cert["not_after"].replace("Z", "+00:00"))
            expired = not_after < datetime.datetime.now(datetime.timezone.utc)
            reg.update(certificate_found=True, certificate_store=store, certificate_issuer=cert.get("issuer"),
                       certificate_not_after=not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
                       certificate_expired=expired, registered=not expired)
            break
    return reg


def _config_files(host):
    files, backend = [], {}
    for lay in LAYOUTS:
        for role, folder, exe in (("connector", lay["install_dir"], lay["service_exe_name"]),
                                  ("updater", lay["updater_dir"], lay["updater_exe_name"])):
            path = folder + "\\" + exe + ".config"
            entry = host.file_get(path)
            files.append({"layout": lay["layout"], "role": role, "path": path,
                          "exists": entry is not None and entry["type"] == "file"})
        backend[lay["layout"]] = _value(host, lay["registry_key"], "UseDefaultProxyForBackendRequests")
    return files, backend


_PROFILE_ORDER = ("domain", "private", "public")


def _firewall(host):
    """The collection's rules (names starting 'entra.app_proxy '), as the lab stores them (the shape
    community.windows.win_firewall_rule writes), and each profile's default outbound action as the
    lab's netsh reports it (state["firewall_policy"], default BlockInbound,AllowOutbound)."""
    rules = []
    for rule in host.firewall_rules():
        if not rule["name"].lower().startswith("entra.app_proxy "):
            continue
        profiles = rule.get("profiles") or list(_PROFILE_ORDER)
        profiles = profiles if isinstance(profiles, list) else str(profiles).split(",")
        rules.append({
            "name": rule["name"],
            "group": rule.get("group") or None,
            "description": rule.get("description") or None,
            "enabled": bool(rule.get("enabled", True)),
            "direction": str(rule.get("direction", "in")).lower(),
            "action": str(rule.get("action", "allow")).lower(),
            "protocol": str(rule.get("protocol", "any")).lower(),
            "remoteport": rule.get("remoteport") or "any",
            "program": rule.get("program") or "any",
            "profiles": [p for p in _PROFILE_ORDER if p in [str(x).lower() for x in profiles]],
        })
    policy = host.state.get("firewall_policy") or "BlockInbound,AllowOutbound"
    outbound = {}
    for profile in _PROFILE_ORDER:
        value = policy.get(profile, "BlockInbound,AllowOutbound") if isinstance(policy, dict) else policy
        outbound[profile] = "allow" if value.split(",")[-1].strip().lower() == "allowoutbound" else "block"
    return {"default_outbound_action": outbound, "rules": rules}


# The logs server_info reads (new and old Admin log names, and the Application log with the
# connector as source). The lab keeps events in host.state["event_log"], a list of
# {log, provider, id, level, time, message}; level 2 is Error, as in Windows.
ERROR_LOGS = ("Microsoft-Microsoft Entra private network-Connector/Admin", "Microsoft-AadApplicationProxy-Connector/Admin")
APP_SOURCE = "Microsoft Entra private network connector"


def _utc(text):
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def _connector_errors(host, since_text):
    if not since_text:
        return []
    try:
        since = _utc(since_text)
    except ValueError as exc:
        raise host.fail("Failed to read events_since '%s' as a date and time; give an ISO 8601 time such as "
                        "2026-01-31T08:00:00Z: %s" % (since_text, exc))
    found = []
    for log in ERROR_LOGS + ("Application",):
        matches = [e for e in host.state.get("event_log", [])
                   if e.get("log") == log and int(e.get("level", 4)) == 2 and _utc(e["time"]) >= since
                   and (log != "Application" or e.get("provider") == APP_SOURCE)]
        found += [{"log": e["log"], "provider": e.get("provider", APP_SOURCE), "id": int(e["id"]),
                   "time": _utc(e["time"]).strftime("%Y-%m-%dT%H:%M:%SZ"), "message": e.get("message", "")}
                  for e in matches[-20:]]
    return found


def _uninstall_entries(host):
    """The Add/Remove Programs entries of both layouts, in the shape the contract gives server_info."""
    entries = []
    for name, lay in installers.LAYOUTS.items():
        for product, key in (("connector", "product_id"), ("updater", "updater_product_id")):
            pkg = host.package_get(lay[key])
            if pkg is not None:
                entries.append({"key": lay[key], "display_name": pkg["name"], "display_version": pkg.get("version"),
                                "publisher": pkg.get("publisher"), "uninstall_string": "MsiExec.exe /X%s" % lay[key],
                                "quiet_uninstall_string": None, "product": product, "layout": name})
    return entries


def simulate(host, args, check_mode, diff):
    found = None
    for layout in LAYOUTS:
        if found is None and host.file_exists(layout["install_dir"] + "\\" + layout["service_exe_name"]):
            found = layout
    layout = found or LAYOUTS[0]
    service_exe = layout["install_dir"] + "\\" + layout["service_exe_name"]
    updater_exe = layout["updater_dir"] + "\\" + layout["updater_exe_name"]
    candidates = [lay["install_dir"] + "\\RegisterConnector.ps1" for lay in LAYOUTS]
    register_script = next((p for p in candidates if host.file_exists(p)), None)
    connector = {
        "installed": found is not None,
        "layout": found["layout"] if found else "none",
        "version": _version(host, service_exe),
        "updater_version": _version(host, updater_exe),
        "product_name": layout["product_name"],
        "install_dir": layout["install_dir"],
        "updater_dir": layout["updater_dir"],
        "data_dir": layout["data_dir"],
        "service_exe": service_exe,
        "updater_exe": updater_exe,
        "config_file": service_exe + ".config",
        "updater_config_file": updater_exe + ".config",
        "trust_settings_file": layout["data_dir"] + "\\Config\\TrustSettings.xml",
        "module_path": layout["install_dir"] + "\\Modules\\",
        "module_name": layout["module_name"],
        "registry_key": layout["registry_key"],
        "register_script": register_script,
        "register_script_candidates": candidates,
        "uninstall_entries": _uninstall_entries(host),
    }

    config_files, backend = _config_files(host)
    winhttp = host.winhttp_proxy()
    bypass = winhttp.get("bypass") or []
    # One Internet Options setting in the lab: the per-user/per-machine split is not modelled.
    inet = host.inet_proxy()
    inet_bypass = inet.get("bypass") or []
    facts = host.facts()
    version = str(facts.get("os_version", "10.0.20348"))
    build = int(facts.get("build") or (version.split(".")[2] if version.count(".") >= 2 else 0))
    last_boot = host.boot_time().astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    dom = host.domain()
    joined = bool(dom["joined"])
    hostname = host.hostname

    reasons = []
    if host.reg_key_exists(CBS_KEY):
        reasons.append("component_based_servicing")
    if host.reg_key_exists(WU_KEY):
        reasons.append("windows_update")
    if _value(host, r"HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager", "PendingFileRenameOperations"):
        reasons.append("pending_file_rename")
    if _value(host, MARKER_KEY, "RebootPendingBootTime") == last_boot:
        reasons.append("entra.app_proxy")

    return {
        "changed": False,
        "connector_errors": _connector_errors(host, args.get("events_since")),
        "connector": connector,
        "services": {"connector": _service(host, "WAPCSvc"), "updater": _service(host, "WAPCUpdaterSvc")},
        "registration": _registration(host, connector["trust_settings_file"]),
        "proxy": {
            "winhttp_proxy": winhttp.get("proxy") or None,
            "winhttp_bypass": (";".join(bypass) if isinstance(bypass, list) else bypass) or None,
            "inet_proxy": inet.get("proxy") or None,
            "inet_bypass": (";".join(inet_bypass) if isinstance(inet_bypass, list) else inet_bypass) or None,
            "inet_auto_detect": bool(inet.get("auto_detect")),
            "inet_auto_config_url": inet.get("auto_config_url") or None,
            "connector_config": _default_proxy(host, connector["config_file"]),
            "updater_config": _default_proxy(host, connector["updater_config_file"]),
            "config_files": config_files,
            "use_default_proxy_for_backend_requests": backend,
        },
        "firewall": _firewall(host),
        "tls": {
            "client_enabled": _value(host, SCHANNEL + "\\Client", "Enabled"),
            "client_disabled_by_default": _value(host, SCHANNEL + "\\Client", "DisabledByDefault"),
            "server_enabled": _value(host, SCHANNEL + "\\Server", "Enabled"),
            "server_disabled_by_default": _value(host, SCHANNEL + "\\Server", "DisabledByDefault"),
            "sch_use_strong_crypto": _value(host, NETFX, "SchUseStrongCrypto"),
            "system_default_tls_versions": _value(host, NETFX, "SystemDefaultTlsVersions"),
        },
        "dotnet": {"release": _value(host, r"HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full", "Release")},
        "ie_esc": {
            "admin_is_installed": _value(host, ACTIVE_SETUP + "\\{A509B1A7-37EF-4b3f-8CFC-4F3A74704073}", "IsInstalled"),
            "user_is_installed": _value(host, ACTIVE_SETUP + "\\{A509B1A8-37EF-4b3f-8CFC-4F3A74704073}", "IsInstalled"),
        },
        "http2": {"enable_default_http2": _value(
            host, r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp", "EnableDefaultHTTP2")},
        "os": {
            "caption": facts.get("os_name", "Microsoft Windows Server 2022 Datacenter"),
            "version": version,
            "build": build,
            "installation_type": _value(host, r"HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "InstallationType")
            or facts.get("installation_type", "Server"),
            "product_type": _PRODUCT_TYPES.get(str(facts.get("product_type", "server")), 3),
            "computer_name": hostname,
            "last_boot_time": last_boot,
        },
        "domain": {
            "member": joined,
            "name": dom["dns_domain_name"] if joined else dom.get("workgroup") or "WORKGROUP",
            "fqdn": ("%s.%s" % (hostname, dom["dns_domain_name"]) if joined else hostname).lower(),
        },
        "password_protection_proxy": {"installed": host.service_get(PPP_SERVICE) is not None, "service_name": PPP_SERVICE},
        "reboot_pending": bool(reasons),
        "reboot_pending_reasons": reasons,
    }
