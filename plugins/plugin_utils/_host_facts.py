# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Decisions about a connector server, made on the controller from server_info's raw facts.

``decode(raw, now)`` turns what ``plugins/modules/server_info.ps1`` read (Windows' own formats) into
the documented result of ``entra.app_proxy.server_info``. ``trust_state`` is the only place of the
collection that decides whether the connector is registered.
"""

from __future__ import annotations

import base64
import copy
import datetime
import re
import typing as t
import xml.etree.ElementTree as ET

from . import _winblob, _x509

LAYOUT_ORDER = ("new", "old")
PATH_KEYS = ("install_dir", "updater_dir", "data_dir", "service_exe", "updater_exe", "config_file",
             "updater_config_file", "trust_settings_file", "module_path", "module_name", "registry_key")
MACHINE_STORE = "LocalMachine\\My"
USER_STORE = "NetworkService\\My"
_FILETIME_EPOCH = datetime.datetime(1601, 1, 1, tzinfo=datetime.timezone.utc)
_PROFILE_BITS = (("domain", 1), ("private", 2), ("public", 4))
_DIRECTIONS = {1: "in", 2: "out"}
_ACTIONS = {0: "block", 1: "allow"}
_PROTOCOLS = {6: "tcp", 17: "udp", 256: "any"}
# NET_FW_ACTION as Get-NetFirewallProfile names it. NotConfigured leaves Windows' own default, which
# for outbound traffic is Allow ("Outbound connections that do not match a rule are allowed").
_OUTBOUND = {"allow": "allow", "block": "block", "notconfigured": "allow", "2": "allow", "4": "block", "0": "allow"}
_START_MODES = {"auto": "auto", "manual": "manual", "disabled": "disabled", "boot": "boot", "system": "system"}


def iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 UTC with a Z, to the second: the one timestamp format of the collection."""
    if moment is None:
        return None
    return moment.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_filetime(value: int | None) -> datetime.datetime | None:
    if value is None:
        return None
    return _FILETIME_EPOCH + datetime.timedelta(microseconds=int(value) // 10)


def _content(read: dict[str, t.Any] | None) -> bytes | None:
    if not read or not read.get("exists") or read.get("content") is None:
        return None
    return base64.b64decode(read["content"])


def _xml(data: bytes | None, info: dict[str, t.Any], label: str) -> ET.Element | None:
    """The root element of a file's bytes; None when the file is absent or, with info["error"] set, not
    well-formed XML."""
    if data is None:
        return None
    try:
        # From bytes, so the parser honours the BOM and the XML declaration's encoding, as .NET does.
        return ET.fromstring(data)
    except ET.ParseError as e:
        info["error"] = "%snot well-formed XML: %s" % (label, e)
        return None


# ---------------------------------------------------------------------------------------- trust
def read_trust_settings(data: bytes | None) -> dict[str, t.Any]:
    """Thumbprint and IsInUserStore of a TrustSettings.xml (no default namespace, Microsoft's sample)."""
    info: dict[str, t.Any] = {"exists": data is not None, "thumbprint": None, "is_in_user_store": None, "error": None}
    root = _xml(data, info, "TrustSettings.xml is ")
    if root is None:
        return info
    node = root if root.tag == "CloudProxyTrust" else root.find(".//CloudProxyTrust")
    if node is None:
        return info
    thumbprint = (node.findtext("Thumbprint") or "").strip()
    info["thumbprint"] = thumbprint.upper() or None
    if node.find("IsInUserStore") is not None:
        info["is_in_user_store"] = (node.findtext("IsInUserStore") or "").strip().lower() == "true"
    return info


def certificate_candidates(certificates: dict[str, list[dict[str, str]]]) -> list[dict[str, t.Any]]:
    """Every certificate server_info read, parsed, in search order: machine store, then the Network
    Service store's registry copy, then its profile file. Unreadable entries carry an error."""
    out = []
    for source, store, serialized in (("machine", MACHINE_STORE, False),
                                      ("network_service_registry", USER_STORE, True),
                                      ("network_service_files", USER_STORE, True)):
        for entry in certificates.get(source) or []:
            item: dict[str, t.Any] = {"source": source, "store": store, "name": entry.get("name")}
            try:
                data = base64.b64decode(entry.get("content") or "")
                item.update(_x509.certificate_facts(_x509.der_from_store_element(data) if serialized else data))
                # The store indexes each certificate by its thumbprint (the Cert: item's Thumbprint, the key or
                # file name); Windows finds it by that name, and so does this lookup.
                item["thumbprint"] = str(entry.get("name") or item["thumbprint"]).upper()
            except (_x509.CertificateError, ValueError) as e:
                item["error"] = str(e)
            out.append(item)
    return out


def trust_state(trust: dict[str, t.Any], candidates: list[dict[str, t.Any]], now: datetime.datetime) -> dict[str, t.Any]:
    """The registration state: registered, expired, missing or not_registered (see the module docs)."""
    reg: dict[str, t.Any] = {
        "state": "not_registered", "registered": False, "trust_settings_exists": trust["exists"],
        "thumbprint": trust["thumbprint"], "is_in_user_store": trust["is_in_user_store"],
        "certificate_found": False, "certificate_store": None, "certificate_source": None,
        "certificate_not_after": None, "certificate_expired": None, "certificate_issuer": None,
        "trust_settings_error": trust["error"],
    }
    if not trust["exists"]:
        return reg
    reg["state"] = "missing"
    matches = [c for c in candidates if trust["thumbprint"] and c.get("thumbprint") == trust["thumbprint"]]
    if not matches:
        return reg
    # A valid copy wins over an expired one wherever it is kept.
    best = next((c for c in matches if c["not_after"] > now), matches[0])
    expired = best["not_after"] <= now
    reg.update(state="expired" if expired else "registered", registered=not expired, certificate_found=True,
               certificate_store=best["store"], certificate_source=best["source"],
               certificate_not_after=iso(best["not_after"]), certificate_expired=expired,
               certificate_issuer=best["issuer"])
    return reg


# ---------------------------------------------------------------------------------------- files
def default_proxy_config(data: bytes | None) -> dict[str, t.Any]:
    """The system.net/defaultProxy element of an .exe.config, as the module documents it."""
    info: dict[str, t.Any] = {"exists": data is not None, "default_proxy_present": False, "enabled": None,
                              "proxy_address": None, "bypass_on_local": None, "use_system_default": None,
                              "system_net_present": False, "default_proxies": [], "error": None}
    root = _xml(data, info, "")
    if root is None:
        return info
    system_net = root.find("system.net") if root.tag == "configuration" else None
    info["system_net_present"] = system_net is not None
    nodes = [] if system_net is None else system_net.findall("defaultProxy")
    info["default_proxies"] = [{"attributes": dict(n.attrib),
                                "children": [{"tag": c.tag, "attributes": dict(c.attrib)} for c in n]} for n in nodes]
    if not nodes:
        return info
    node = nodes[0]
    info["default_proxy_present"] = True
    if node.get("enabled"):
        info["enabled"] = node.get("enabled").strip().lower() == "true"
    proxy = node.find("proxy")
    if proxy is not None:
        info["proxy_address"] = proxy.get("proxyaddress") or None
        info["bypass_on_local"] = proxy.get("bypassonlocal") or None
        info["use_system_default"] = proxy.get("usesystemdefault") or None
    return info


def _exists(files: dict[str, dict[str, t.Any]], path: str, directory: bool | None = None) -> bool:
    read = files.get(path) or {}
    if not read.get("exists"):
        return False
    return directory is None or bool(read.get("directory")) == directory


def _version(files: dict[str, dict[str, t.Any]], path: str) -> str | None:
    read = files.get(path) or {}
    return read.get("version") if read.get("exists") and not read.get("directory") else None


# ---------------------------------------------------------------------------------------- connector
def uninstall_entries(raw_entries: list[dict[str, t.Any]], layouts: dict[str, dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """Add/Remove Programs entries of either layout, each with its product and layout."""
    known = {}
    for layout in LAYOUT_ORDER:
        for product, names in (layouts[layout].get("uninstall_names") or {}).items():
            for name in names:
                known[name.casefold()] = (product, layout)
    out = []
    for entry in raw_entries or []:
        match = known.get(str(entry.get("display_name") or "").casefold())
        if match is None:
            continue
        out.append({
            "key": entry.get("key"), "display_name": entry.get("display_name"),
            "display_version": entry.get("display_version"), "publisher": entry.get("publisher"),
            "uninstall_string": entry.get("uninstall_string"),
            "quiet_uninstall_string": entry.get("quiet_uninstall_string"),
            "product": match[0], "layout": match[1],
        })
    return out


def connector_facts(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    layouts, files = raw["layouts"], raw["files"]
    installed = [name for name in LAYOUT_ORDER if _exists(files, layouts[name]["service_exe"], directory=False)]
    chosen = layouts[installed[0] if installed else "new"]  # nothing installed: where an install puts it
    entries = uninstall_entries(raw.get("uninstall_entries") or [], layouts)
    found = []
    for name in LAYOUT_ORDER:
        lay = layouts[name]
        if any(_exists(files, lay[k]) for k in ("install_dir", "updater_dir", "data_dir", "service_exe", "updater_exe")) \
                or any(e["layout"] == name for e in entries):
            found.append(name)
    candidates = [p for name in LAYOUT_ORDER for p in layouts[name]["register_script_candidates"]]
    out = {k: chosen[k] for k in PATH_KEYS}
    out.update(
        installed=bool(installed),
        layout=installed[0] if installed else "none",
        version=_version(files, chosen["service_exe"]),
        updater_version=_version(files, chosen["updater_exe"]),
        product_name=chosen["product_name"],
        register_script=next((p for p in candidates if _exists(files, p, directory=False)), None),
        register_script_candidates=candidates,
        uninstall_entries=entries,
        layouts_found=found,
        layouts={name: dict(layouts[name]) for name in LAYOUT_ORDER},
    )
    return out


# ---------------------------------------------------------------------------------------- services
def service_facts(read: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """A Win32_Service read, in the words of ansible.windows.win_service."""
    read = read or {}
    info = {"name": read.get("name"), "exists": bool(read.get("exists")), "state": None, "start_mode": None,
            "display_name": None}
    if not info["exists"]:
        return info
    info["display_name"] = read.get("display_name")
    info["state"] = str(read.get("state") or "").strip().lower().replace(" ", "_") or None
    mode = _START_MODES.get(str(read.get("start_mode") or "").strip().lower())
    if mode == "auto" and read.get("delayed_autostart") == 1:
        mode = "delayed"
    info["start_mode"] = mode
    return info


# ---------------------------------------------------------------------------------------- firewall
def firewall_facts(raw_firewall: dict[str, t.Any], service: dict[str, t.Any]) -> dict[str, t.Any]:
    error = raw_firewall.get("error")
    if error is None and service["exists"] and service["state"] != "running":
        error = "The Windows Defender Firewall service (MpsSvc) is %s." % service["state"]
    if error is not None:
        return {"available": False, "error": error, "rules": [],
                "default_outbound_action": {name: None for name, _bit in _PROFILE_BITS}}
    rules = []
    for rule in raw_firewall.get("rules") or []:
        protocol = int(rule.get("protocol") or 256)
        remote = rule.get("remote_ports") or "*"
        rules.append({
            "name": rule.get("name"),
            "group": rule.get("grouping") or None,
            "description": rule.get("description") or None,
            "enabled": bool(rule.get("enabled")),
            "direction": _DIRECTIONS.get(int(rule.get("direction") or 0)),
            "action": _ACTIONS.get(int(rule.get("action") or 0)),
            "protocol": _PROTOCOLS.get(protocol, str(protocol)),
            "remoteport": "any" if remote == "*" else remote,
            "program": rule.get("application_name") or "any",
            "profiles": [name for name, bit in _PROFILE_BITS if int(rule.get("profiles") or 0) & bit],
        })
    outbound: dict[str, str | None] = {name: None for name, _bit in _PROFILE_BITS}
    for profile in raw_firewall.get("profiles") or []:
        name = str(profile.get("name") or "").lower()
        if name in outbound:
            outbound[name] = _OUTBOUND.get(str(profile.get("default_outbound_action") or "").replace(" ", "").lower())
    return {"available": True, "error": None, "rules": rules, "default_outbound_action": outbound}


# ---------------------------------------------------------------------------------------- AD
LOCAL_SYSTEM_SID = "S-1-5-18"


def sid_string(data: bytes) -> str:
    """A binary SID (MS-DTYP 2.4.2.2: revision, sub-authority count, 48-bit big-endian authority,
    little-endian 32-bit sub-authorities) in its S-R-I-S... form."""
    if len(data) < 8 or len(data) != 8 + 4 * data[1]:
        raise ValueError("not a binary SID: %d bytes" % len(data))
    authority = int.from_bytes(data[2:8], "big")
    subs = [int.from_bytes(data[8 + 4 * i:12 + 4 * i], "little") for i in range(data[1])]
    return "-".join(["S", str(data[0]), str(authority)] + [str(s) for s in subs])


def ad_account_facts(read: dict[str, t.Any] | None) -> dict[str, t.Any] | None:
    """The host's own computer object as server_info read it over LDAP (None when it was not asked)."""
    if read is None:
        return None
    attributes = read.get("attributes") or {}

    def values(name: str) -> list[t.Any]:
        return list(attributes.get(name) or [])

    def one(name: str) -> t.Any:
        return next(iter(values(name)), None)

    info: dict[str, t.Any] = {"found": False, "error": read.get("error"), "distinguished_name": None,
                              "sam_account_name": None, "sid": None, "user_account_control": None,
                              "allowed_to_delegate_to": [], "token_groups": []}
    if info["error"] is not None or not read.get("found"):
        return info
    try:
        info.update(
            found=True,
            distinguished_name=one("distinguishedName"),
            sam_account_name=one("sAMAccountName"),
            sid=sid_string(base64.b64decode(one("objectSid") or "")),
            user_account_control=None if one("userAccountControl") is None else int(one("userAccountControl")) & 0xFFFFFFFF,
            allowed_to_delegate_to=[str(v) for v in values("msDS-AllowedToDelegateTo")],
            token_groups=[sid_string(base64.b64decode(v)) for v in values("tokenGroups")],
        )
    except ValueError as e:
        info.update(found=False, error="the AD read of the computer account is malformed: %s" % e)
    return info


# ---------------------------------------------------------------------------------------- host
def domain_facts(computer: dict[str, t.Any]) -> dict[str, t.Any]:
    """Domain membership, and the FQDN as ansible.windows.setup builds ansible_fqdn (primary DNS suffix)."""
    host = str(computer.get("host_name") or computer.get("computer_name") or "").lower()
    suffix = str(computer.get("primary_dns_suffix") or "").lower()
    return {
        "member": bool(computer.get("part_of_domain")),
        "name": computer.get("domain"),
        "fqdn": "%s.%s" % (host, suffix) if suffix else host,
        "host_name": host,
    }


# The registry reads server_info makes, slot -> where Windows keeps it. The action plugin hands both tables
# to the module, which reads each place and returns it under its slot; the decoders below read the slots.
_SCHANNEL = r"HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2"
_NET_FRAMEWORK = r"HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319"
_ACTIVE_SETUP = r"HKLM:\SOFTWARE\Microsoft\Active Setup\Installed Components"
_CONNECTIONS = r"%s:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"
_COMPUTER_NAME = r"HKLM:\SYSTEM\CurrentControlSet\Control\ComputerName"
# Values: slot -> (key path, value name).
REGISTRY_VALUES: dict[str, tuple[str, str]] = {
    "tls_client_enabled": (_SCHANNEL + r"\Client", "Enabled"),
    "tls_client_disabled_by_default": (_SCHANNEL + r"\Client", "DisabledByDefault"),
    "tls_server_enabled": (_SCHANNEL + r"\Server", "Enabled"),
    "tls_server_disabled_by_default": (_SCHANNEL + r"\Server", "DisabledByDefault"),
    "sch_use_strong_crypto": (_NET_FRAMEWORK, "SchUseStrongCrypto"),
    "system_default_tls_versions": (_NET_FRAMEWORK, "SystemDefaultTlsVersions"),
    "dotnet_release": (r"HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full", "Release"),
    # Internet Explorer Enhanced Security Configuration: the component for administrators, then for users.
    "ie_esc_admin": (_ACTIVE_SETUP + r"\{A509B1A7-37EF-4b3f-8CFC-4F3A74704073}", "IsInstalled"),
    "ie_esc_user": (_ACTIVE_SETUP + r"\{A509B1A8-37EF-4b3f-8CFC-4F3A74704073}", "IsInstalled"),
    "enable_default_http2": (r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp",
                             "EnableDefaultHTTP2"),
    "winhttp_settings": (_CONNECTIONS % "HKLM", "WinHttpSettings"),
    "inet_settings_machine": (_CONNECTIONS % "HKLM", "DefaultConnectionSettings"),
    "inet_settings_user": (_CONNECTIONS % "HKCU", "DefaultConnectionSettings"),
    "proxy_settings_per_user": (r"HKLM:\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings",
                                "ProxySettingsPerUser"),
    "installation_type": (r"HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion", "InstallationType"),
    "pending_file_rename": (r"HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager", "PendingFileRenameOperations"),
    "server_manager_restart": (r"HKLM:\SOFTWARE\Microsoft\ServerManager\ServicingStorage\ServerComponentCache",
                               "RestartRequired"),
    "active_computer_name": (_COMPUTER_NAME + r"\ActiveComputerName", "ComputerName"),
    "computer_name": (_COMPUTER_NAME + r"\ComputerName", "ComputerName"),
}
# Keys whose existence is the fact: slot -> key path. The module adds the slot "entra_app_proxy", the volatile
# key of entra.app_proxy.reboot_marker, whose one home is Get-RebootMarkerKey in _ConnectorHost.psm1.
REGISTRY_KEYS: dict[str, str] = {
    "component_based_servicing": r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending",
    "windows_update": r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired",
    "domain_join": r"HKLM:\SYSTEM\CurrentControlSet\Services\Netlogon\JoinDomain",
    "domain_join_spn": r"HKLM:\SYSTEM\CurrentControlSet\Services\Netlogon\AvoidSpnSet",
}


def registry_reads() -> dict[str, dict[str, t.Any]]:
    """The module arguments that name the registry reads, as the action plugin passes them."""
    return {"registry_values": {slot: list(read) for slot, read in REGISTRY_VALUES.items()},
            "registry_keys": dict(REGISTRY_KEYS)}


def reboot_reasons(registry: dict[str, t.Any], keys: dict[str, bool]) -> list[str]:
    """The pending-restart indicators that are set (ansible.windows.setup's, plus join, rename and ours)."""
    reasons = []
    if keys.get("component_based_servicing"):
        reasons.append("component_based_servicing")
    if keys.get("windows_update"):
        reasons.append("windows_update")
    renames = _winblob.reg_value(registry.get("pending_file_rename"))
    if renames and any(str(r).strip() for r in (renames if isinstance(renames, list) else [renames])):
        reasons.append("pending_file_rename")
    if _winblob.reg_value(registry.get("server_manager_restart")):
        reasons.append("server_manager")
    if keys.get("domain_join") or keys.get("domain_join_spn"):
        reasons.append("domain_join")
    active = _winblob.reg_value(registry.get("active_computer_name"))
    pending = _winblob.reg_value(registry.get("computer_name"))
    if active and pending and str(active).casefold() != str(pending).casefold():
        reasons.append("computer_rename")
    if keys.get("entra_app_proxy"):
        reasons.append("entra.app_proxy")
    return reasons


def proxy_facts(raw: dict[str, t.Any], connector: dict[str, t.Any]) -> dict[str, t.Any]:
    registry, files, layouts = raw["registry"], raw["files"], raw["layouts"]
    winhttp = _winblob.winhttp_settings(_winblob.reg_value(registry.get("winhttp_settings")))
    # With the "Make proxy settings per-machine" policy WinINet keeps them under HKLM, else per user.
    per_machine = _winblob.reg_dword(registry.get("proxy_settings_per_user")) == 0
    inet_read = registry.get("inet_settings_machine" if per_machine else "inet_settings_user")
    inet = _winblob.inet_settings(_winblob.reg_value(inet_read))
    if not per_machine and raw.get("identity") == LOCAL_SYSTEM_SID:
        # Read under become: HKCU was SYSTEM's hive, not the connecting user's, so the per-user settings are unknown.
        inet = {"proxy": None, "bypass": None, "auto_detect": None, "auto_config_url": None}
    config_files = []
    for name in LAYOUT_ORDER:
        for role, key in (("connector", "config_file"), ("updater", "updater_config_file")):
            path = layouts[name][key]
            parsed = default_proxy_config(_content(files.get(path)))
            config_files.append({"layout": name, "role": role, "path": path, "exists": _exists(files, path, directory=False),
                                 "system_net_present": parsed["system_net_present"],
                                 "default_proxies": parsed["default_proxies"], "error": parsed["error"]})
    return {
        "winhttp_proxy": winhttp["proxy"], "winhttp_bypass": winhttp["bypass"],
        "inet_proxy": inet["proxy"], "inet_bypass": inet["bypass"],
        "inet_auto_detect": inet["auto_detect"], "inet_auto_config_url": inet["auto_config_url"],
        "inet_per_machine": per_machine,
        "connector_config": default_proxy_config(_content(files.get(connector["config_file"]))),
        "updater_config": default_proxy_config(_content(files.get(connector["updater_config_file"]))),
        "config_files": config_files,
        "use_default_proxy_for_backend_requests": {
            name: _winblob.reg_dword((raw.get("backend_proxy") or {}).get(name)) for name in LAYOUT_ORDER},
    }


def decode(raw: dict[str, t.Any], now: datetime.datetime) -> dict[str, t.Any]:
    """The documented server_info result from the module's raw facts."""
    registry, keys = raw["registry"], raw.get("keys") or {}
    dword = _winblob.reg_dword
    connector = connector_facts(raw)
    trust = read_trust_settings(_content(raw["files"].get(connector["trust_settings_file"])))
    services = {slot: service_facts((raw.get("services") or {}).get(slot))
                for slot in ("connector", "updater", "password_protection_proxy", "firewall")}
    os_read, computer = raw["os"], raw["computer"]
    reasons = reboot_reasons(registry, keys)
    return {
        "connector": connector,
        "services": {"connector": services["connector"], "updater": services["updater"]},
        "registration": trust_state(trust, certificate_candidates(raw.get("certificates") or {}), now),
        "proxy": proxy_facts(raw, connector),
        "firewall": firewall_facts(raw.get("firewall") or {}, services["firewall"]),
        "tls": {
            "client_enabled": dword(registry.get("tls_client_enabled")),
            "client_disabled_by_default": dword(registry.get("tls_client_disabled_by_default")),
            "server_enabled": dword(registry.get("tls_server_enabled")),
            "server_disabled_by_default": dword(registry.get("tls_server_disabled_by_default")),
            "sch_use_strong_crypto": dword(registry.get("sch_use_strong_crypto")),
            "system_default_tls_versions": dword(registry.get("system_default_tls_versions")),
        },
        "dotnet": {"release": dword(registry.get("dotnet_release"))},
        "ie_esc": {"admin_is_installed": dword(registry.get("ie_esc_admin")),
                   "user_is_installed": dword(registry.get("ie_esc_user")),
                   # Server Core (or a host without Internet Explorer) has no component keys at all.
                   "admin_present": bool((registry.get("ie_esc_admin") or {}).get("key_exists")),
                   "user_present": bool((registry.get("ie_esc_user") or {}).get("key_exists"))},
        "http2": {"enable_default_http2": dword(registry.get("enable_default_http2"))},
        "os": {
            "caption": str(os_read.get("caption") or "").strip(),
            "version": os_read.get("version"),
            "build": int(os_read.get("build_number") or 0),
            "installation_type": _winblob.reg_value(registry.get("installation_type")),
            "product_type": int(os_read.get("product_type") or 0),
            "computer_name": computer.get("computer_name"),
            "last_boot_time": iso(from_filetime(os_read.get("last_boot_filetime"))),
        },
        "domain": domain_facts(computer),
        "password_protection_proxy": {"installed": services["password_protection_proxy"]["exists"],
                                      "service_name": services["password_protection_proxy"]["name"]},
        "reboot_pending": bool(reasons),
        "reboot_pending_reasons": reasons,
        "connector_errors": [
            {"log": e.get("log"), "provider": e.get("provider"), "id": int(e.get("id") or 0),
             "time": iso(from_filetime(e.get("time_filetime"))), "message": e.get("message") or ""}
            for e in raw.get("events") or []],
        "ad_account": ad_account_facts(raw.get("ad_account")),
    }


# ---------------------------------------------------------------------------------------- recordings
_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s\"'<>]+@")


def _scrub(text: str) -> str:
    return _URL_CREDENTIALS.sub(r"\1REDACTED@", text)


def recording(raw: dict[str, t.Any]) -> dict[str, t.Any]:
    """server_info's raw facts to save and share: credentials written into URLs (a proxy address in an
    .exe.config, an event message) are replaced; nothing else in the raw facts is secret (public
    certificates, paths, registry values, service and firewall properties)."""
    out = copy.deepcopy(raw)
    for read in (out.get("files") or {}).values():
        if read.get("content"):
            data = base64.b64decode(read["content"])
            try:
                text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = None
            if text is not None and _scrub(text) != text:
                read["content"] = base64.b64encode(_scrub(text).encode("utf-8")).decode()
    for event in out.get("events") or []:
        event["message"] = _scrub(str(event.get("message") or ""))
    for entry in out.get("uninstall_entries") or []:
        for key in ("uninstall_string", "quiet_uninstall_string"):
            if entry.get(key):
                entry[key] = _scrub(entry[key])
    return {"format": "entra.app_proxy server_info raw facts", "raw": out}
