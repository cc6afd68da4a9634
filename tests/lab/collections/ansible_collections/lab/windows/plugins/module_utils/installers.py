# -*- coding: utf-8 -*-
# Test-only: simulated installers, chosen by the first line of the installer file's content
# (see "The installers model" in tests/lab/README.md). Paths, names and services: FACTS.md §1.4, §3.1, §7.
from __future__ import annotations

import re
import shlex
import typing as t

CONNECTOR_MARKER = "FAKE-MS-CONNECTOR-INSTALLER"
NEW_LAYOUT_FROM = (1, 5, 3829, 0)
DOTNET_CHECK_FROM = (1, 5, 3437, 0)
DOTNET_472 = 461808
NDP_KEY = r"HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full"
TLS12_CLIENT_KEY = r"HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2\Client"

LAYOUTS: dict[str, dict[str, t.Any]] = {
    "new": {
        "program": r"C:\Program Files\Microsoft Entra private network connector",
        "module": "MicrosoftEntraPrivateNetworkConnectorPSModule",
        "updater": r"C:\Program Files\Microsoft Entra private network connector Updater",
        "data": r"C:\ProgramData\Microsoft\Microsoft Entra private network connector",
        "service_exe": "MicrosoftEntraPrivateNetworkConnectorService.exe",
        "updater_exe": "MicrosoftEntraPrivateNetworkConnectorUpdaterService.exe",
        "trace": "MicrosoftEntraPrivateNetworkConnector.log",
        "registry": r"HKLM:\SOFTWARE\Microsoft\Microsoft Entra private network connector",
        "display": "Microsoft Entra private network connector",
        "display_updater": "Microsoft Entra private network connector updater",
        "product_id": "{A1E4D6D0-5E6B-4E8C-9A51-0C0FFEE00001}",
        "updater_product_id": "{A1E4D6D0-5E6B-4E8C-9A51-0C0FFEE00002}",
        "arp": "Microsoft Entra private network connector",
        "arp_updater": "Microsoft Entra private network connector updater",
    },
    "old": {
        "program": r"C:\Program Files\Microsoft AAD App Proxy Connector",
        "module": "AppProxyPSModule",
        "updater": r"C:\Program Files\Microsoft AAD App Proxy Connector Updater",
        "data": r"C:\ProgramData\Microsoft\Microsoft AAD Application Proxy Connector",
        "service_exe": "ApplicationProxyConnectorService.exe",
        "updater_exe": "ApplicationProxyConnectorUpdaterService.exe",
        "trace": "AadAppProxyConnector.log",
        "registry": r"HKLM:\SOFTWARE\Microsoft\Microsoft AAD App Proxy Connector",
        "display": "Microsoft AAD Application Proxy Connector",
        "display_updater": "Microsoft AAD Application Proxy Connector Updater",
        "product_id": "{A1E4D6D0-5E6B-4E8C-9A51-0C0FFEE00011}",
        "updater_product_id": "{A1E4D6D0-5E6B-4E8C-9A51-0C0FFEE00012}",
        "arp": "Microsoft AAD App Proxy Connector",
        "arp_updater": "Microsoft AAD App Proxy Connector Updater",
    },
}

EXE_CONFIG = """<?xml version="1.0" encoding="utf-8" ?>
<configuration>
  <runtime>
    <gcServer enabled="true"/>
  </runtime>
  <appSettings>
    <add key="TraceFilename" value="%s" />
  </appSettings>
</configuration>
"""


def parse_blob(data: bytes | None) -> dict[str, t.Any] | None:
    """{'marker': ..., 'version': ..., other key=value} from an installer file's content, or None."""
    if not data:
        return None
    text = data[:4096].decode("utf-8", "replace")
    lines = text.splitlines()
    if not lines:
        return None
    first = lines[0].split()
    if not first or first[0] not in INSTALLERS:
        return None
    info: dict[str, t.Any] = {"marker": first[0]}
    for tok in first[1:] + [ln.strip() for ln in lines[1:]]:
        if "=" in tok:
            k, v = tok.split("=", 1)
            info[k.strip()] = v.strip()
    return info


def vtuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v or "0"))


def layout_of(version: str) -> str:
    return "new" if vtuple(version) >= NEW_LAYOUT_FROM else "old"


def installed_layout(host: t.Any) -> tuple[str, str] | None:
    """(layout, version) of the connector installed on the host, or None."""
    for name, lay in LAYOUTS.items():
        e = host.file_get(lay["program"] + "\\" + lay["service_exe"])
        if e is not None:
            return name, e.get("version", "0.0.0.0")
    return None


def _args_list(arguments: t.Any) -> list[str]:
    if arguments is None:
        return []
    if isinstance(arguments, list):
        return [str(a) for a in arguments]
    try:
        return shlex.split(str(arguments), posix=True)
    except ValueError:
        return str(arguments).split()


def _props(args: list[str]) -> dict[str, str]:
    out = {}
    for a in args:
        m = re.match(r'^([A-Za-z_]+)=(.*)$', a)
        if m:
            out[m.group(1).upper()] = m.group(2).strip('"')
    return out


def remove_product(host: t.Any, name: str, product: str, keep_data: bool = False) -> None:
    """What one product's own uninstall removes: the connector or the updater of one layout."""
    lay = LAYOUTS[name]
    if product == "connector":
        host.file_delete(lay["program"])
        if not keep_data:
            host.file_delete(lay["data"])
        host.service_delete("WAPCSvc")
        host.reg_delete_key(lay["registry"])
        host.package_remove(lay["product_id"])
    else:
        host.file_delete(lay["updater"])
        host.service_delete("WAPCUpdaterSvc")
        host.package_remove(lay["updater_product_id"])


def remove_layout(host: t.Any, name: str, keep_data: bool = False) -> None:
    remove_product(host, name, "connector", keep_data)
    remove_product(host, name, "updater")


def install_layout(host: t.Any, name: str, version: str, environment: str = "AzureCloud") -> None:
    lay = LAYOUTS[name]
    prog, upd, data = lay["program"], lay["updater"], lay["data"]
    host.file_write(prog + "\\" + lay["service_exe"], "simulated connector service binary\n", version=version)
    host.file_write(prog + "\\" + lay["service_exe"] + ".config", EXE_CONFIG % lay["trace"])
    host.file_write(prog + "\\RegisterConnector.ps1", "# simulated RegisterConnector.ps1\n")
    host.file_write(prog + "\\Modules\\%s\\%s.psd1" % (lay["module"], lay["module"]), "@{ ModuleVersion = '%s' }\n" % version)
    host.file_write(upd + "\\" + lay["updater_exe"], "simulated updater service binary\n", version=version)
    host.file_write(upd + "\\" + lay["updater_exe"] + ".config", EXE_CONFIG % lay["trace"].replace(".log", "Updater.log"))
    host.mkdir(data + "\\Config")
    host.service_put({"name": "WAPCSvc", "display_name": lay["display"], "path": '"%s\\%s"' % (prog, lay["service_exe"]),
                      "state": "running", "start_mode": "auto", "username": "NT AUTHORITY\\NetworkService",
                      "description": lay["display"]})
    host.service_put({"name": "WAPCUpdaterSvc", "display_name": lay["display_updater"],
                      "path": '"%s\\%s"' % (upd, lay["updater_exe"]), "state": "running", "start_mode": "auto",
                      "username": "LocalSystem", "description": lay["display_updater"]})
    host.reg_create_key(lay["registry"])
    host.package_put({"product_id": lay["product_id"], "name": lay["arp"], "version": version, "publisher": "Microsoft Corporation",
                      "install_location": prog, "installer": CONNECTOR_MARKER, "environment": environment})
    host.package_put({"product_id": lay["updater_product_id"], "name": lay["arp_updater"], "version": version,
                      "publisher": "Microsoft Corporation", "install_location": upd, "installer": CONNECTOR_MARKER})


def connector_installer(host: t.Any, info: dict[str, t.Any], arguments: t.Any, check_mode: bool) -> dict[str, t.Any]:
    """Run the simulated connector installer; returns {'rc', 'stdout', 'stderr', 'changed'}."""
    args = _args_list(arguments)
    flags = {a.lower() for a in args if a.startswith("/")}
    props = _props(args)
    version = info.get("version", "1.5.4522.0")
    quiet = bool(flags & {"/q", "/quiet"})
    if "/uninstall" in flags:
        if not quiet:
            raise host.fail("the simulated connector installer would wait for input: pass /quiet with /uninstall", rc=1)
        # A bundle uninstalls its own registration only: another installed version or layout is left
        # as it is, with rc 0 (WiX Burn; review S2).
        cur = installed_layout(host)
        if cur is None or cur != (layout_of(version), version):
            return {"rc": 0, "stdout": "", "stderr": "", "changed": False}
        if not check_mode:
            remove_layout(host, cur[0])
            host.require_reboot("connector uninstalled")
        return {"rc": 3010, "stdout": "", "stderr": "", "changed": True}
    if not quiet:
        raise host.fail("the simulated connector installer would wait for input (license prompt): pass /q", rc=1)
    if props.get("REGISTERCONNECTOR", "").lower() != "false":
        raise host.fail('the simulated connector installer would start an interactive registration: pass REGISTERCONNECTOR="false"',
                        rc=1)
    env = props.get("ENVIRONMENTNAME", "AzureCloud")
    if env not in ("AzureCloud", "AzureUSGovernment"):
        return {"rc": 1603, "stdout": "", "stderr": "unknown ENVIRONMENTNAME %s" % env, "changed": False}
    if vtuple(version) >= DOTNET_CHECK_FROM:
        need = int(info.get("min_dotnet_release", DOTNET_472))
        rel = host.reg_get_value(NDP_KEY, "Release")
        if rel is None or int(rel["data"]) < need:
            return {"rc": 1603, "stdout": "", "stderr": ".NET Framework 4.7.2 or later is required", "changed": False}
    tls = host.reg_get_value(TLS12_CLIENT_KEY, "Enabled")
    if tls is not None and int(tls["data"]) == 0:
        return {"rc": 1603, "stdout": "", "stderr": "TLS 1.2 is disabled", "changed": False}
    rc = int(info.get("exit_code", host.state.get("installers", {}).get("exit_code", 0)))
    target = layout_of(version)
    cur = installed_layout(host)
    if cur == (target, version):
        return {"rc": 0, "stdout": "", "stderr": "", "changed": False}
    if not check_mode:
        trust = None
        if cur is not None:
            trust = host.file_read(LAYOUTS[cur[0]]["data"] + "\\Config\\TrustSettings.xml")
            remove_layout(host, cur[0])
        install_layout(host, target, version, env)
        if trust is not None:
            host.file_write(LAYOUTS[target]["data"] + "\\Config\\TrustSettings.xml", trust)
        host.record("install", product="connector", version=version, layout=target, environment=env)
        if rc == 3010:
            host.require_reboot("connector %s installed" % version)
    return {"rc": rc, "stdout": "", "stderr": "", "changed": True}


INSTALLERS: dict[str, t.Callable[..., dict[str, t.Any]]] = {
    CONNECTOR_MARKER: connector_installer,
}


def run(host: t.Any, data: bytes | None, arguments: t.Any, check_mode: bool, path: str) -> dict[str, t.Any]:
    info = parse_blob(data)
    if info is None:
        raise host.fail("simwin: %s is not an installer the lab knows (first line must be one of: %s)"
                        % (path, ", ".join(sorted(INSTALLERS))))
    return INSTALLERS[info["marker"]](host, info, arguments, check_mode)


def uninstall_package(host: t.Any, pkg: dict[str, t.Any], check_mode: bool) -> dict[str, t.Any]:
    """win_package state=absent by product id: the entry's own uninstall removes that product only."""
    for name, lay in LAYOUTS.items():
        for product, key in (("connector", "product_id"), ("updater", "updater_product_id")):
            if pkg["product_id"].lower() == lay[key].lower():
                if not check_mode:
                    remove_product(host, name, product)
                    host.require_reboot("%s %s uninstalled" % (product, pkg.get("version")))
                    host.record("uninstall", product=product, version=pkg.get("version"), layout=name)
                return {"rc": 3010, "stdout": "", "stderr": "", "changed": True}
    if not check_mode:
        host.package_remove(pkg["product_id"])
    return {"rc": 0, "stdout": "", "stderr": "", "changed": True}
