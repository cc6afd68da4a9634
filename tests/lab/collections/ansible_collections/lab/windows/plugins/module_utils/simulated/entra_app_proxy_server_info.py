# -*- coding: utf-8 -*-
# Simulation of entra.app_proxy.server_info (plugins/modules/server_info.ps1 with its util
# plugins/module_utils/_ConnectorHost.psm1): the module's raw reads, answered from the host state in
# Windows' own formats (registry kinds, binary blobs, file bytes, serialized certificate store elements,
# Win32_Service words, COM firewall numbers, FILETIMEs). It decides nothing: the collection's action
# plugin decodes this on the controller, unchanged from a real host.
from __future__ import annotations

import base64
import datetime

from ansible_collections.lab.windows.plugins.module_utils.host_state import (
    NETWORK_SERVICE_CERT_DIR, NETWORK_SERVICE_CERT_KEY, UNINSTALL_KEY)
from ansible_collections.lab.windows.plugins.module_utils.simulated import _ad
from ansible_collections.lab.windows.plugins.module_utils.simulated import entra_app_proxy_reboot_marker as marker

# Get-ConnectorLayout's table (FACTS §1.4, the 1.5.3829.0 rename table), as the util builds it.
_PRODUCTS = {
    "new": {
        "product_name": "Microsoft Entra private network connector",
        "data_name": "Microsoft Entra private network connector",
        "service_exe_name": "MicrosoftEntraPrivateNetworkConnectorService.exe",
        "updater_exe_name": "MicrosoftEntraPrivateNetworkConnectorUpdaterService.exe",
        "module_name": "MicrosoftEntraPrivateNetworkConnectorPSModule",
        "connector_event_channel": "Microsoft-Microsoft Entra private network-Connector/Admin",
        "updater_event_channel": "Microsoft-Microsoft Entra private network-Updater/Admin",
        "application_source": "Microsoft Entra private network connector",
        "uninstall_names": {"connector": ["Microsoft Entra private network connector"],
                            "updater": ["Microsoft Entra private network connector updater"]},
    },
    "old": {
        "product_name": "Microsoft AAD App Proxy Connector",
        "data_name": "Microsoft AAD Application Proxy Connector",
        "service_exe_name": "ApplicationProxyConnectorService.exe",
        "updater_exe_name": "ApplicationProxyConnectorUpdaterService.exe",
        "module_name": "AppProxyPSModule",
        "connector_event_channel": "Microsoft-AadApplicationProxy-Connector/Admin",
        "updater_event_channel": "Microsoft-AadApplicationProxy-Updater/Admin",
        "application_source": "Microsoft AAD Application Proxy Connector",
        "uninstall_names": {"connector": ["Microsoft AAD App Proxy Connector", "Microsoft AAD Application Proxy Connector"],
                            "updater": ["Microsoft AAD App Proxy Connector Updater",
                                        "Microsoft AAD Application Proxy Connector Updater"]},
    },
}
# The lab keeps some of what Windows stores in the registry in models of its own: the proxy simulations write
# the proxy model, the seed names the host and its installation type. Read where Windows keeps them (key path and
# value name, in lower case). The proxy model is the truth; the others yield to a value seeded in the registry.
_CONNECTIONS = r"\software\microsoft\windows\currentversion\internet settings\connections"
_PROXY_BLOBS = {
    ("hklm:" + _CONNECTIONS, "winhttpsettings"): "winhttp_settings_blob",
    ("hklm:" + _CONNECTIONS, "defaultconnectionsettings"): "inet_settings_blob",  # one setting fills both places
    ("hkcu:" + _CONNECTIONS, "defaultconnectionsettings"): "inet_settings_blob",
}
_COMPUTER_NAMES = {r"hklm:\system\currentcontrolset\control\computername\activecomputername",
                   r"hklm:\system\currentcontrolset\control\computername\computername"}
_WINDOWS_NT = r"hklm:\software\microsoft\windows nt\currentversion"
_KINDS = {"dword": "DWord", "qword": "QWord", "string": "String", "expandstring": "ExpandString",
          "multistring": "MultiString", "binary": "Binary", "none": "None"}
_STATES = {"running": "Running", "stopped": "Stopped", "paused": "Paused", "start_pending": "Start Pending",
           "stop_pending": "Stop Pending", "continue_pending": "Continue Pending", "pause_pending": "Pause Pending"}
_START_MODES = {"auto": "Auto", "delayed": "Auto", "manual": "Manual", "disabled": "Disabled"}
_PROFILE_BITS = {"domain": 1, "private": 2, "public": 4}
_FILETIME_EPOCH = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)


def layouts(host):
    out = {}
    program_files, program_data = host.expand("%ProgramFiles%"), host.expand("%ProgramData%")
    for name, p in _PRODUCTS.items():
        install = program_files + "\\" + p["product_name"]
        updater = install + " Updater"
        data = program_data + "\\Microsoft\\" + p["data_name"]
        service_exe, updater_exe = install + "\\" + p["service_exe_name"], updater + "\\" + p["updater_exe_name"]
        script = install + "\\RegisterConnector.ps1"
        out[name] = {
            "product_name": p["product_name"], "install_dir": install, "updater_dir": updater, "data_dir": data,
            "service_exe": service_exe, "updater_exe": updater_exe, "config_file": service_exe + ".config",
            "updater_config_file": updater_exe + ".config", "trust_settings_file": data + "\\Config\\TrustSettings.xml",
            "module_path": install + "\\Modules\\", "module_name": p["module_name"],
            "module_dir": install + "\\Modules\\" + p["module_name"],
            "registry_key": "HKLM:\\SOFTWARE\\Microsoft\\" + p["product_name"], "register_script": script,
            "register_script_candidates": [script], "connector_event_channel": p["connector_event_channel"],
            "updater_event_channel": p["updater_event_channel"], "application_source": p["application_source"],
            "service_name": "WAPCSvc", "updater_service_name": "WAPCUpdaterSvc", "uninstall_names": p["uninstall_names"],
        }
    return out


def filetime(moment: datetime.datetime) -> int:
    delta = moment.astimezone(datetime.timezone.utc) - _FILETIME_EPOCH
    return (delta.days * 86400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _file(host, path, content=False):
    entry = host.file_get(path)
    info = {"path": path, "exists": entry is not None, "directory": False, "version": None, "content": None}
    if entry is None:
        return info
    if entry["type"] == "directory":
        info["directory"] = True
        return info
    info["version"] = entry.get("version")
    if content:
        info["content"] = _b64(host.file_read(path))
    return info


def _modelled(host, path, name):
    """A value the lab keeps in a model of its own, as the registry holds it; None where it keeps none."""
    place = (path.lower(), name.lower())
    if place in _PROXY_BLOBS:
        return {"type": "binary", "data": list(getattr(host, _PROXY_BLOBS[place])())}
    if host.reg_get_value(path, name) is not None:
        return None
    if place[0] in _COMPUTER_NAMES and place[1] == "computername":  # both are the host name unless a rename waits
        return {"type": "string", "data": host.hostname}
    if place == (_WINDOWS_NT, "installationtype"):
        return {"type": "string", "data": host.facts().get("installation_type", "Server")}
    return None


def _value(host, path, name):
    v = _modelled(host, path, name) or host.reg_get_value(path, name)
    exists = v is not None or host.reg_key_exists(path)
    info = {"path": path, "name": name, "key_exists": exists, "kind": None, "value": None}
    if v is None:
        return info
    info["kind"] = _KINDS.get(v["type"], "String")
    data = v["data"]
    if v["type"] in ("binary", "none"):
        data = _b64(bytes(data or []))
    info["value"] = data
    return info


def _certificates(host):
    machine = []
    stores = host.state.get("certificates", {})
    for thumbprint, entry in stores.get("LocalMachine\\My", {}).items():
        machine.append({"name": thumbprint.upper(), "content": _b64(host.certificate_der(entry))})
    registry = []
    for name in host.reg_subkeys(NETWORK_SERVICE_CERT_KEY):
        blob = host.reg_get_value(NETWORK_SERVICE_CERT_KEY + "\\" + name, "Blob")
        if blob is not None and blob["type"] == "binary":
            registry.append({"name": name, "content": _b64(bytes(blob["data"]))})
    files = [{"name": name, "content": _b64(host.file_read(NETWORK_SERVICE_CERT_DIR + "\\" + name))}
             for name in host.listdir(NETWORK_SERVICE_CERT_DIR)
             if not host.is_dir(NETWORK_SERVICE_CERT_DIR + "\\" + name)]
    return {"machine": machine, "network_service_registry": registry, "network_service_files": files}


def _service(host, name):
    info = {"name": name, "exists": False, "state": None, "start_mode": None, "display_name": None, "delayed_autostart": None}
    svc = host.service_get(name)
    if svc is None or svc["name"].lower() != name.lower():
        return info
    mode = svc.get("start_mode")
    info.update(exists=True, state=_STATES.get(svc["state"], str(svc["state"]).title()),
                start_mode=_START_MODES.get(mode, str(mode).title()), display_name=svc.get("display_name"),
                delayed_autostart=1 if mode == "delayed" else None)
    return info


def _firewall(host):
    svc = host.service_get("MpsSvc")
    if svc is not None and svc["state"] != "running":
        # HNetCfg.FwPolicy2 and Get-NetFirewallProfile fail this way while MpsSvc is stopped.
        return {"error": "There are no more endpoints available from the endpoint mapper. (Exception from HRESULT: 0x800706D9)",
                "rules": [], "profiles": []}
    rules = []
    for rule in host.firewall_rules():
        if not rule["name"].lower().startswith("entra.app_proxy "):
            continue
        profiles = rule.get("profiles") or []
        profiles = profiles if isinstance(profiles, list) else str(profiles).split(",")
        bits = sum(_PROFILE_BITS.get(str(p).strip().lower(), 0) for p in profiles) if profiles else 0x7FFFFFFF
        protocol = str(rule.get("protocol", "any")).lower()
        rules.append({
            "name": rule["name"], "grouping": rule.get("group") or None, "description": rule.get("description") or None,
            "enabled": bool(rule.get("enabled", True)),
            "direction": 2 if str(rule.get("direction", "in")).lower() == "out" else 1,
            "action": 0 if str(rule.get("action", "allow")).lower() == "block" else 1,
            "protocol": {"tcp": 6, "udp": 17, "any": 256}.get(protocol, int(protocol) if protocol.isdigit() else 256),
            "remote_ports": "*" if str(rule.get("remoteport") or "any").lower() == "any" else rule["remoteport"],
            "application_name": None if str(rule.get("program") or "any").lower() == "any" else host.expand(rule["program"]),
            "profiles": bits,
        })
    policy = host.state.get("firewall_policy") or "BlockInbound,AllowOutbound"
    out = []
    for profile in ("Domain", "Private", "Public"):
        value = policy.get(profile.lower(), "BlockInbound,AllowOutbound") if isinstance(policy, dict) else policy
        action = value.split(",")[-1].strip().lower()
        out.append({"name": profile, "default_outbound_action": {"allowoutbound": "Allow", "blockoutbound": "Block"}
                    .get(action, "NotConfigured")})
    return {"error": None, "rules": rules, "profiles": out}


def _uninstall_entries(host, lays):
    names = {n.lower() for lay in lays.values() for group in lay["uninstall_names"].values() for n in group}
    out = []
    for key in host.reg_subkeys(UNINSTALL_KEY):
        path = UNINSTALL_KEY + "\\" + key

        def get(value, path=path):
            v = host.reg_get_value(path, value)
            return None if v is None else v["data"]

        if str(get("DisplayName") or "").lower() in names:
            out.append({"key": key, "display_name": get("DisplayName"), "display_version": get("DisplayVersion"),
                        "publisher": get("Publisher"), "uninstall_string": get("UninstallString"),
                        "quiet_uninstall_string": get("QuietUninstallString")})
    return out


def _utc(text):
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc)


def _events(host, since_text, lays):
    if not since_text:
        return []
    try:
        since = datetime.datetime.strptime(since_text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError as exc:
        raise host.fail("events_since must be a UTC time such as 2026-01-31T08:00:00Z: %s" % exc)
    found = []
    for lay in lays.values():
        for log, source in ((lay["connector_event_channel"], None), ("Application", lay["application_source"])):
            matches = [e for e in host.state.get("event_log", [])
                       if e.get("log") == log and int(e.get("level", 4)) == 2 and _utc(e["time"]) >= since
                       and (source is None or e.get("provider") == source)]
            matches.reverse()  # Get-WinEvent returns the newest first
            found += [{"log": e["log"], "provider": e.get("provider", source or lay["application_source"]),
                       "id": int(e["id"]), "time_filetime": filetime(_utc(e["time"])), "message": e.get("message", "")}
                      for e in matches[:20]]
    return found


# The account the module runs as: the lab's connection account (a local administrator), or SYSTEM under become.
CONNECTION_USER_SID = "S-1-5-21-3623811015-3361044348-30300820-500"
SYSTEM_SID = "S-1-5-18"
# What DirectorySearcher.FindOne throws, through PowerShell's method call, on Windows.
_FIND_ONE = 'Exception calling "FindOne" with "0" argument(s): "%s"'
# ERROR_NO_SUCH_DOMAIN (0x8007054B): a workgroup host has no domain to search.
NO_DOMAIN = _FIND_ONE % "The specified domain either does not exist or could not be contacted.\r\n"
# LDAP_SERVER_DOWN (0x8007203A): no domain controller answers.
SERVER_DOWN = _FIND_ONE % "The server is not operational.\r\n"
# A WinRM logon has no credentials to pass on (double hop): the bind is anonymous and the DC refuses the search
# with LDAP operationsError (0x80072020).
DOUBLE_HOP = _FIND_ONE % "An operations error occurred.\r\n"


def sid_bytes(sid):
    """A SID string in its binary form (MS-DTYP 2.4.2.2), as objectSid and tokenGroups hold it."""
    parts = sid.split("-")
    subs = [int(p) for p in parts[3:]]
    return (bytes([int(parts[1]), len(subs)]) + int(parts[2]).to_bytes(6, "big")
            + b"".join(x.to_bytes(4, "little") for x in subs))


def _token_groups(ad, obj):
    """tokenGroups as a DC computes it: the primary group (Domain Computers, RID 515) and every group the
    account is a member of, transitively."""
    sids = [obj["sid"].rsplit("-", 1)[0] + "-515"] if obj.get("sid") else []
    members = {obj["dn"].lower()}
    while True:
        more = {g["dn"].lower() for g in ad.get("groups", {}).values()
                if members & {m.lower() for m in g.get("members", [])}} - members
        if not more:
            break
        members |= more
    sids += [g["sid"] for g in ad.get("groups", {}).values() if g["dn"].lower() in members and g.get("sid")]
    return sids


def _ad_account(host):
    """The module's ADSI read of the host's own computer object, failing where Windows fails."""
    out = {"error": None, "found": False, "attributes": {}}
    dom = host.domain()
    if not dom["joined"]:
        out["error"] = NO_DOMAIN
    elif not host.domain_reachable(dom["dns_domain_name"]):
        out["error"] = SERVER_DOWN
    elif not host.become:
        out["error"] = DOUBLE_HOP
    if out["error"]:
        return out
    sam = host.hostname.upper()[:15] + "$"
    with host.ad(dom["dns_domain_name"]) as ad:
        obj = next((c for c in ad.get("computers", {}).values()
                    if c.get("sam_account_name", c["name"] + "$").lower() == sam.lower()), None)
        if obj is None:
            return out
        out["found"] = True
        out["attributes"] = {
            "distinguishedName": [obj["dn"]],
            "sAMAccountName": [obj.get("sam_account_name", obj["name"] + "$")],
            "objectSid": [_b64(sid_bytes(obj["sid"]))] if obj.get("sid") else [],
            # ADSI hands the INTEGER syntax over as a signed Int32
            "userAccountControl": [int.from_bytes(_ad.uac_of(obj).to_bytes(4, "little"), "little", signed=True)],
            "msDS-AllowedToDelegateTo": list((obj.get("attributes") or {}).get("msds-allowedtodelegateto") or []),
            "tokenGroups": [_b64(sid_bytes(sid)) for sid in _token_groups(ad, obj)],
        }
    return out


def simulate(host, args, check_mode, diff):
    lays = layouts(host)
    files, backend = {}, {}
    for name, lay in lays.items():
        for key in ("install_dir", "updater_dir", "data_dir", "service_exe", "updater_exe", "register_script", "module_dir"):
            files[lay[key]] = _file(host, lay[key])
        for key in ("config_file", "updater_config_file", "trust_settings_file"):
            files[lay[key]] = _file(host, lay[key], content=True)
        backend[name] = _value(host, lay["registry_key"], "UseDefaultProxyForBackendRequests")
    # Whatever the module is given to read (the collection's table), read as Windows reads it: a missing value or
    # key reads as absent. Without the tables the module's loop enumerates $null.
    if args.get("registry_values") is None or args.get("registry_keys") is None:
        raise host.fail("You cannot call a method on a null-valued expression.")
    registry = {slot: _value(host, path, name) for slot, (path, name) in args["registry_values"].items()}
    keys = {slot: host.reg_key_exists(path) for slot, path in args["registry_keys"].items()}
    keys["entra_app_proxy"] = host.reg_key_exists(marker.KEY)  # Get-RebootMarkerKey

    facts = host.facts()
    version = str(facts.get("os_version", "10.0.20348"))
    dom = host.domain()
    joined = bool(dom["joined"])
    suffix = facts.get("primary_dns_suffix", dom["dns_domain_name"] if joined else "") or ""
    return {
        "changed": False,
        "raw": {
            "schema": 1,
            "layouts": lays,
            "files": files,
            "backend_proxy": backend,
            "registry": registry,
            "keys": keys,
            "certificates": _certificates(host),
            "services": {slot: _service(host, name) for slot, name in (
                ("connector", "WAPCSvc"), ("updater", "WAPCUpdaterSvc"),
                ("password_protection_proxy", "AzureADPasswordProtectionProxy"), ("firewall", "MpsSvc"))},
            "firewall": _firewall(host),
            "os": {
                "caption": facts.get("os_name", "Microsoft Windows Server 2022 Datacenter") + " ",
                "version": version,
                "build_number": str(facts.get("build") or (version.split(".")[2] if version.count(".") >= 2 else 0)),
                "product_type": {"workstation": 1, "domain_controller": 2, "server": 3}.get(
                    str(facts.get("product_type", "server")), 3),
                "last_boot_filetime": filetime(host.boot_time_reported()),
            },
            "computer": {
                "computer_name": host.hostname,
                "part_of_domain": joined,
                "domain": dom["dns_domain_name"] if joined else dom.get("workgroup") or "WORKGROUP",
                "dns_host_name": host.hostname,
                "host_name": host.hostname,
                "primary_dns_suffix": suffix,
            },
            "uninstall_entries": _uninstall_entries(host, lays),
            "events": _events(host, args.get("events_since"), lays),
            "identity": SYSTEM_SID if host.become else CONNECTION_USER_SID,
            "ad_account": _ad_account(host) if args.get("ad_account") else None,
        },
    }
