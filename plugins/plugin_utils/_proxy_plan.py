# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""The proxy role's plan: bad input, what the role leaves alone, and each change its stage must make.

The filter plugin ``proxy_plan`` is a thin wrapper around this file. It compares the wanted settings with
server_info reads (decoded, as the action returns them), so a compliant host gets no write and, where
the role's own read is not needed, no task beyond the settings check.
"""

from __future__ import annotations

import re
import typing as t

from ansible.module_utils.parsing.convert_bool import boolean

from ._proxy_url import proxy_bypass_problem, proxy_url_problem

MODES = ("explicit", "bypass", "system", "unmanaged")
STATES = ("present", "absent")
STAGES = ("machine", "connector", "all")

TEXTS = {
    "bad_url": "proxy_url (default: app_proxy_outbound_proxy) is refused: %s. Leave it empty for a direct connection.",
    "explicit_without_url": (
        "proxy_mode is explicit but proxy_url (default: app_proxy_outbound_proxy) is empty. Set "
        "app_proxy_outbound_proxy to http://host:port, or choose proxy_mode bypass (direct connection) or system "
        "(the machine proxy)."),
    "bad_bypass": ("proxy_bypass is refused: %s. Give a list with one host pattern per item, for example "
                   "['<local>', '*.contoso.com']."),
    "disabled": "proxy_enabled is false, so no proxy setting is checked or changed.",
    "direct": ("proxy_url (app_proxy_outbound_proxy) is empty: the host connects directly and its WinHTTP and "
               "Internet Options proxy settings are left as they are."),
    "unmanaged": "proxy_mode resolved to unmanaged, so the .exe.config files are left as they are.",
    "nothing_to_remove": ("proxy_url (app_proxy_outbound_proxy) is empty, so there is no machine proxy of this role "
                          "to remove."),
}


def wanted_element(mode: str, url: str) -> dict[str, t.Any] | None:
    """The defaultProxy element a mode wants (Microsoft proxy doc), as server_info reads one back; None: no element."""
    if mode == "explicit":
        return {"attributes": {}, "children": [{"tag": "proxy", "attributes": {
            "proxyaddress": url, "bypassonlocal": "True", "usesystemdefault": "True"}}]}
    if mode == "bypass":
        return {"attributes": {"enabled": "false"}, "children": []}
    return None


def _fragment(element: dict[str, t.Any]) -> str:
    """The element as XML to write. The attribute order is the read's, because win_xml compares elements
    attribute by attribute."""
    def attrs(attributes):
        # The URL grammar (_proxy_url.py) leaves no character that XML would need escaped.
        return "".join(' %s="%s"' % item for item in attributes.items())
    inner = "".join("<%s%s />" % (c["tag"], attrs(c["attributes"])) for c in element["children"])
    return "<defaultProxy%s>%s</defaultProxy>" % (attrs(element["attributes"]), inner) if inner \
        else "<defaultProxy%s />" % attrs(element["attributes"])


def _proxy_part(read: t.Any) -> dict[str, t.Any] | None:
    """The ``proxy`` part of a server_info result; None for anything else (a skipped read, nothing)."""
    if isinstance(read, dict) and isinstance(read.get("proxy"), dict):
        return read["proxy"]
    return None


def _problems(url: t.Any, mode: str, bypass: t.Any) -> list[str]:
    problems = []
    if url:
        reason = proxy_url_problem(url)
        if reason:
            problems.append(TEXTS["bad_url"] % reason)
    if mode == "explicit" and not url:
        problems.append(TEXTS["explicit_without_url"])
    reason = proxy_bypass_problem(bypass)
    if reason:
        problems.append(TEXTS["bad_bypass"] % reason)
    return problems


def _notes(enabled: bool, state: str, stage: str, url: str, mode: str) -> list[str]:
    if not enabled:
        return [TEXTS["disabled"]]
    notes = []
    if state == "present" and stage in ("machine", "all") and not url:
        notes.append(TEXTS["direct"])
    if state == "present" and stage in ("connector", "all") and mode == "unmanaged":
        notes.append(TEXTS["unmanaged"])
    if state == "absent" and not url:
        notes.append(TEXTS["nothing_to_remove"])
    return notes


def _machine(info: dict[str, t.Any] | None, url: str, host_port: str, bypass: str, winhttp: bool, wininet: bool,
             per_machine: bool) -> dict[str, bool]:
    """Which machine settings to write: those proxy_server_info does not show met (or cannot tell)."""
    info = info or {}
    known = bool(info)
    return {
        "per_machine": per_machine and not (known and info.get("inet_per_machine") is True),
        "winhttp": bool(url) and winhttp and not (
            known and info.get("winhttp_proxy") == host_port and info.get("winhttp_bypass") == bypass),
        # The installer uses the connecting account's Internet Options; a proxy with automatic detection or a
        # setup script on top is not the proxy it uses, and a read that cannot tell (None) is not met.
        "wininet": bool(url) and wininet and not (
            known and info.get("inet_proxy") == host_port and info.get("inet_bypass") == bypass
            and info.get("inet_auto_detect") is False and "inet_auto_config_url" in info
            and info["inet_auto_config_url"] is None),
    }


def _file_change(entry: dict[str, t.Any], element: dict[str, t.Any] | None) -> dict[str, t.Any]:
    """One .exe.config to change: remove every defaultProxy it holds, then add the wanted one (if any) to
    system.net, or system.net with it where the file has none."""
    add = None
    if element is not None:
        fragment = _fragment(element)
        add = ({"xpath": "/configuration/system.net", "fragment": fragment} if entry.get("system_net_present")
               else {"xpath": "/configuration", "fragment": "<system.net>%s</system.net>" % fragment})
    return dict(entry, remove=bool(entry.get("default_proxies")), add=add)


def _connector(info: dict[str, t.Any] | None, layouts: dict[str, t.Any], mode: str, url: str,
               backend: bool) -> dict[str, t.Any]:
    """The .exe.config files and backend-proxy values that differ from what is wanted."""
    found = [f for f in (info or {}).get("config_files") or [] if f.get("exists")]
    element = wanted_element(mode, url)
    if mode == "unmanaged":
        files = []
    elif mode == "system":
        files = [f for f in found if f.get("default_proxies")]
    else:
        files = [f for f in found if f.get("default_proxies") != [element]]
    wanted_value = 1 if backend else None
    values = (info or {}).get("use_default_proxy_for_backend_requests") or {}
    backend_changes = [
        {"layout": f["layout"], "path": (layouts.get(f["layout"]) or {}).get("registry_key"),
         "state": "present" if backend else "absent"}
        for f in found if f.get("role") == "connector" and values.get(f["layout"]) != wanted_value]
    return {"found": len(found), "files_to_change": [_file_change(f, element) for f in files],
            "backend_changes": backend_changes}


def proxy_plan(server_info: t.Any, read: t.Any = None, enabled: t.Any = True, state: str = "present",
               stage: str = "all", url: t.Any = "", bypass: t.Any = ("<local>",), mode: str = "auto",
               winhttp: t.Any = True, wininet: t.Any = True, wininet_per_machine: t.Any = False,
               backend_use_default_proxy: t.Any = False) -> dict[str, t.Any]:
    """The plan of one host. ``server_info`` is proxy_server_info (may be empty); ``read`` the role's own
    server_info read (a skipped or missing read is ignored), used only where server_info cannot tell."""
    if state not in STATES or stage not in STAGES or mode not in MODES + ("auto",):
        raise ValueError("proxy_state, proxy_stage or proxy_mode is not one of %s, %s, %s"
                         % ("/".join(STATES), "/".join(STAGES), "/".join(MODES + ("auto",))))
    enabled = boolean(enabled, strict=False)
    url = url if url else ""
    problems = _problems(url, mode, bypass) if enabled else []
    # A refused URL is not carried into the plan (it may hold credentials); the settings check fails first.
    url = url.rstrip("/") if isinstance(url, str) and proxy_url_problem(url) is None else ""
    host_port = re.sub(r"^http://", "", url, flags=re.IGNORECASE)
    if mode == "auto":
        mode = "explicit" if url else "unmanaged"
    bypass_text = ";".join(bypass) if proxy_bypass_problem(bypass) is None else None

    given = _proxy_part(server_info)
    own = _proxy_part(read)
    connector_info = (server_info or {}).get("connector") if given else None
    # A read taken before an install would not list the files the install created, so proxy_server_info
    # counts for the files only when it shows a connector installed; else the connector stage reads the host.
    files_known = bool(given is not None and (connector_info or {}).get("installed")
                       and given.get("config_files") is not None)
    # A read taken as SYSTEM (KCD hosts) cannot tell the connecting account's Internet Options
    # (inet_auto_detect None), so proxy_state absent then reads the host itself.
    absent_known = given is not None and given.get("inet_auto_detect") is not None

    machine = _machine(given, url, host_port, bypass_text, boolean(winhttp, strict=False),
                       boolean(wininet, strict=False), boolean(wininet_per_machine, strict=False))
    files_info, files_layouts = (given, connector_info) if files_known else (own, (read or {}).get("connector"))
    connector = _connector(files_info, (files_layouts or {}).get("layouts") or {}, mode, url,
                           boolean(backend_use_default_proxy, strict=False))

    # proxy_state absent: each setting is cleared only while it still is proxy_url.
    current = given if absent_known else own
    absent = {key: bool(url) and current is not None and (current.get(key) or "") == host_port
              for key in ("winhttp_proxy", "inet_proxy")}

    # The stages with work: where no read can tell, they must look; with one, only drift counts.
    work = {
        "absent": state == "absent" and bool(url) and (not absent_known or any(absent.values())),
        "machine": state == "present" and stage in ("machine", "all") and any(machine.values()),
        "connector": state == "present" and stage in ("connector", "all") and (
            not files_known or bool(connector["files_to_change"] or connector["backend_changes"])),
    }
    # proxy_stage all: the machine proxy first, because the connector's installer and updater use it.
    stages = [name for name in ("absent", "machine", "connector") if enabled and work[name]]
    notes = _notes(enabled, state, stage, url, mode)
    return {
        "problems": problems,
        "notes": notes,
        # The role's task files to run, in order: the check where there is bad input (it fails before any
        # change) or a note to say, then each stage with work. A compliant host with nothing to say runs none.
        "include": ["check"] if problems else (["check"] if notes else []) + stages,
        "todo": bool(stages),
        "mode": mode,
        "host_port": host_port,
        "read_files": not files_known,
        "read_absent": not absent_known,
        "machine": machine,
        "connector_found": connector["found"],
        "files_to_change": connector["files_to_change"],
        "backend_changes": connector["backend_changes"],
        "absent": {"winhttp": absent["winhttp_proxy"], "wininet": absent["inet_proxy"]},
    }
