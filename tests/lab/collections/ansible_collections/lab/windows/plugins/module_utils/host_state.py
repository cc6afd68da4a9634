# -*- coding: utf-8 -*-
# Test-only: the model of one simulated Windows host, over its JSON state file.
# Simulations use this API instead of touching the raw dict, so the state layout can evolve.
from __future__ import annotations

import base64
import contextlib
import copy
import datetime
import fnmatch
import fcntl
import hashlib
import json
import os
import re
import ssl
import struct
import time
import typing as t
import urllib.error
import urllib.parse
import urllib.request

# The public TLS issuer a host sees when nothing intercepts its traffic.
PUBLIC_TLS_ISSUER = "CN=DigiCert Global Root G2, OU=www.digicert.com, O=DigiCert Inc, C=US"

_HIVES = {
    "hkey_local_machine": "HKLM", "hklm": "HKLM",
    "hkey_current_user": "HKCU", "hkcu": "HKCU",
    "hkey_classes_root": "HKCR", "hkcr": "HKCR",
    "hkey_users": "HKU", "hku": "HKU",
    "hkey_current_config": "HKCC", "hkcc": "HKCC",
}

REBOOT_PENDING_KEY = r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending"
LOGON_UI_KEY = r"HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon\AutoLogonChecked"
UNINSTALL_KEY = r"HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall"
# Where the Network Service user keeps its My store: its registry hive and its roaming profile.
NETWORK_SERVICE_CERT_KEY = r"HKU:\S-1-5-20\Software\Microsoft\SystemCertificates\My\Certificates"
NETWORK_SERVICE_CERT_DIR = r"C:\Windows\ServiceProfiles\NetworkService\AppData\Roaming\Microsoft\SystemCertificates\My\Certificates"

DEFAULT_ENV = {
    "systemroot": r"C:\Windows",
    "windir": r"C:\Windows",
    "systemdrive": "C:",
    "programfiles": r"C:\Program Files",
    "programfiles(x86)": r"C:\Program Files (x86)",
    "programdata": r"C:\ProgramData",
    "allusersprofile": r"C:\ProgramData",
    "userprofile": r"C:\Users\Administrator",
    "temp": r"C:\Users\Administrator\AppData\Local\Temp",
    "tmp": r"C:\Users\Administrator\AppData\Local\Temp",
    "appdata": r"C:\Users\Administrator\AppData\Roaming",
    "localappdata": r"C:\Users\Administrator\AppData\Local",
}


class SimulatedFailure(Exception):
    """Raised by a simulation: the module result is failed=true with msg and extra keys."""

    def __init__(self, msg: str, **result: t.Any) -> None:
        super().__init__(msg)
        self.msg = msg
        self.result = result


def norm_reg_path(path: str) -> str:
    """Canonical display form 'HKLM:\\SOFTWARE\\X' of any registry path spelling."""
    p = path.strip().replace("/", "\\")
    if p.lower().startswith("registry::"):
        p = p[len("registry::"):]
    m = re.match(r"^([A-Za-z_]+):?(\\.*)?$", p)
    if not m or m.group(1).lower() not in _HIVES:
        raise SimulatedFailure("path: %s is not a valid registry path" % path)
    rest = (m.group(2) or "").strip("\\")
    rest = re.sub(r"\\+", r"\\", rest)
    return "%s:\\%s" % (_HIVES[m.group(1).lower()], rest) if rest else "%s:" % _HIVES[m.group(1).lower()]


def _rkey(path: str) -> str:
    return norm_reg_path(path).lower()


def url_host_port(url: str) -> tuple[str, int]:
    u = urllib.parse.urlsplit(url)
    port = u.port or (443 if u.scheme == "https" else 80)
    return (u.hostname or "").lower(), port


def _proxy_norm(proxy: str | None) -> str | None:
    if not proxy:
        return None
    p = proxy.strip().lower()
    if "://" not in p:
        p = "http://" + p
    return p.rstrip("/")


class HostState:
    """API over the per-host state dict (see tests/lab/README.md for the reference table)."""

    def __init__(self, name: str, state: dict[str, t.Any], state_dir: str, lab: dict[str, t.Any] | None = None) -> None:
        self.name = name
        self.state = state
        self.state_dir = state_dir
        self._lab = lab or {}
        self.warnings: list[str] = []
        self.downloads: int = 0
        # run_module sets it from the payload; direct users (lab set-up, unit tests) act with it
        self.become = True
        for k, v in (("registry", {}), ("files", {}), ("services", {}), ("packages", {}), ("features", {}),
                     ("firewall_rules", {}), ("proxy", {}), ("network", {}), ("domain", {}), ("boot", {}),
                     ("facts", {}), ("history", []), ("downloads", {"count": 0, "urls": {}})):
            self.state.setdefault(k, copy.deepcopy(v))

    # ------------------------------------------------------------------ basics
    @property
    def hostname(self) -> str:
        return str(self.state["facts"].get("hostname") or self.name.split(".")[0]).upper()[:15]

    def fail(self, msg: str, **result: t.Any) -> SimulatedFailure:
        return SimulatedFailure(msg, **result)

    def warn(self, msg: str) -> None:
        self.warnings.append(msg)

    def record(self, event: str, **data: t.Any) -> None:
        self.state["history"].append(dict(event=event, boot=self.state["boot"].get("boot_count", 0), **data))

    def facts(self) -> dict[str, t.Any]:
        return self.state["facts"]

    def lab(self) -> dict[str, t.Any]:
        return self._lab

    def expand(self, path: str) -> str:
        env = dict(DEFAULT_ENV)
        env.update({k.lower(): v for k, v in self.state.get("env", {}).items()})

        def sub(m: re.Match) -> str:
            return env.get(m.group(1).lower(), m.group(0))

        p = re.sub(r"%([^%]+)%", sub, path)
        p = re.sub(r"\$env:([A-Za-z0-9_()]+)", sub, p)
        if p == "~" or p.startswith(("~\\", "~/")):
            p = env["userprofile"] + p[1:]
        p = p.replace("/", "\\")
        if len(p) > 3:
            p = p.rstrip("\\")
        return p

    # ------------------------------------------------------------------ registry
    def reg_get_key(self, path: str) -> dict[str, t.Any] | None:
        return self.state["registry"].get(_rkey(path))

    def reg_key_exists(self, path: str) -> bool:
        return self.reg_get_key(path) is not None

    def reg_create_key(self, path: str, volatile: bool = False) -> dict[str, t.Any]:
        canon = norm_reg_path(path)
        parts = canon.split("\\")
        for i in range(2, len(parts) + 1):  # parents exist implicitly on Windows, keep them explicit here
            sub = "\\".join(parts[:i])
            self.state["registry"].setdefault(sub.lower(), {"path": sub, "values": {}})
        key = self.state["registry"][canon.lower()]
        if volatile:  # RegistryOptions.Volatile: kept in memory only, gone after the next restart
            key["volatile"] = True
        return key

    def reg_delete_key(self, path: str) -> bool:
        k = _rkey(path)
        doomed = [x for x in self.state["registry"] if x == k or x.startswith(k + "\\")]
        for x in doomed:
            del self.state["registry"][x]
        return bool(doomed)

    def reg_subkeys(self, path: str) -> list[str]:
        k = _rkey(path)
        out = []
        for x, v in self.state["registry"].items():
            if x.startswith(k + "\\") and "\\" not in x[len(k) + 1:]:
                out.append(v["path"].rsplit("\\", 1)[-1])
        return sorted(out)

    def reg_get_value(self, path: str, name: str) -> dict[str, t.Any] | None:
        key = self.reg_get_key(path)
        if key is None:
            return None
        return key["values"].get((name or "").lower())

    def reg_set_value(self, path: str, name: str, data: t.Any, vtype: str = "string") -> None:
        key = self.reg_create_key(path)
        key["values"][(name or "").lower()] = {"name": name or "", "type": vtype, "data": data}

    def reg_delete_value(self, path: str, name: str) -> bool:
        key = self.reg_get_key(path)
        if key is None or (name or "").lower() not in key["values"]:
            return False
        del key["values"][(name or "").lower()]
        return True

    # ------------------------------------------------------------------ files
    def _fkey(self, path: str) -> str:
        return self.expand(path).lower()

    def file_get(self, path: str) -> dict[str, t.Any] | None:
        key = self._fkey(path)
        if key.startswith("\\\\") and not self.become:
            return None  # a UNC path over WinRM without become: no credential delegation (double hop)
        return self.state["files"].get(key)

    def file_exists(self, path: str) -> bool:
        return self.file_get(path) is not None

    def is_dir(self, path: str) -> bool:
        e = self.file_get(path)
        return bool(e and e["type"] == "directory")

    def file_read(self, path: str) -> bytes | None:
        e = self.file_get(path)
        if e is None or e["type"] != "file":
            return None
        if "text" in e:
            return e["text"].encode("utf-8")
        return base64.b64decode(e.get("b64", ""))

    def file_read_text(self, path: str) -> str | None:
        data = self.file_read(path)
        return None if data is None else data.decode("utf-8-sig", "replace")

    def mkdir(self, path: str) -> bool:
        p = self.expand(path)
        parts = p.split("\\")
        created = False
        for i in range(1, len(parts) + 1):
            sub = "\\".join(parts[:i])
            if len(sub) == 2 and sub.endswith(":"):
                continue
            e = self.state["files"].get(sub.lower())
            if e is None:
                self.state["files"][sub.lower()] = {"path": sub, "type": "directory"}
                created = True
            elif e["type"] != "directory":
                raise SimulatedFailure("Cannot create directory %s: %s is a file" % (p, sub))
        return created

    def file_write(self, path: str, data: bytes | str, version: str | None = None) -> None:
        p = self.expand(path)
        if self.is_dir(p):
            raise SimulatedFailure("Cannot write file %s: it is a directory" % p)
        parent = p.rsplit("\\", 1)[0]
        if parent and parent != p:
            self.mkdir(parent)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        entry: dict[str, t.Any] = {"path": p, "type": "file", "size": len(raw), "sha1": hashlib.sha1(raw).hexdigest()}
        try:
            entry["text"] = raw.decode("utf-8")
        except UnicodeDecodeError:
            entry["b64"] = base64.b64encode(raw).decode()
        if version:
            entry["version"] = version
        self.state["files"][p.lower()] = entry

    def file_delete(self, path: str) -> bool:
        k = self._fkey(path)
        doomed = [x for x in self.state["files"] if x == k or x.startswith(k + "\\")]
        for x in doomed:
            del self.state["files"][x]
        return bool(doomed)

    def listdir(self, path: str) -> list[str]:
        k = self._fkey(path)
        return sorted(v["path"].rsplit("\\", 1)[-1] for x, v in self.state["files"].items()
                      if x.startswith(k + "\\") and "\\" not in x[len(k) + 1:])

    # ------------------------------------------------------------------ services
    def services(self) -> list[dict[str, t.Any]]:
        return list(self.state["services"].values())

    def service_get(self, name: str) -> dict[str, t.Any] | None:
        s = self.state["services"].get(name.lower())
        if s is None:  # Get-Service also matches display names
            s = next((v for v in self.state["services"].values()
                      if v.get("display_name", "").lower() == name.lower()), None)
        return s

    def service_put(self, svc: dict[str, t.Any]) -> None:
        base = {"display_name": svc["name"], "path": None, "state": "stopped", "start_mode": "manual",
                "username": "LocalSystem", "description": "", "dependencies": []}
        base.update(svc)
        self.state["services"][svc["name"].lower()] = base

    def service_delete(self, name: str) -> bool:
        return self.state["services"].pop(name.lower(), None) is not None

    # ------------------------------------------------------------------ packages
    def package_get(self, product_id: str) -> dict[str, t.Any] | None:
        return self.state["packages"].get(product_id.lower())

    def package_find(self, name: str) -> dict[str, t.Any] | None:
        return next((p for p in self.state["packages"].values() if p["name"].lower() == name.lower()), None)

    def package_put(self, pkg: dict[str, t.Any]) -> None:
        self.state["packages"][pkg["product_id"].lower()] = dict(pkg)
        key = UNINSTALL_KEY + "\\" + pkg["product_id"]
        self.reg_set_value(key, "DisplayName", pkg["name"], "string")
        self.reg_set_value(key, "DisplayVersion", pkg.get("version", ""), "string")
        if pkg.get("publisher"):
            self.reg_set_value(key, "Publisher", pkg["publisher"], "string")
        if pkg.get("install_location"):
            self.reg_set_value(key, "InstallLocation", pkg["install_location"], "string")
        if pkg.get("uninstall_string"):
            self.reg_set_value(key, "UninstallString", pkg["uninstall_string"], "string")

    def package_remove(self, product_id: str) -> bool:
        self.reg_delete_key(UNINSTALL_KEY + "\\" + product_id)
        return self.state["packages"].pop(product_id.lower(), None) is not None

    # ------------------------------------------------------------------ features
    def feature_get(self, name: str) -> dict[str, t.Any] | None:
        return self.state["features"].get(name.lower())

    def feature_set(self, name: str, installed: bool) -> None:
        f = self.state["features"].setdefault(name.lower(), {"name": name, "installed": False})
        f["installed"] = installed

    # ------------------------------------------------------------------ firewall
    def firewall_rules(self) -> list[dict[str, t.Any]]:
        return list(self.state["firewall_rules"].values())

    def firewall_rule_get(self, name: str) -> dict[str, t.Any] | None:
        return self.state["firewall_rules"].get(name.lower())

    def firewall_rule_put(self, rule: dict[str, t.Any]) -> None:
        self.state["firewall_rules"][rule["name"].lower()] = dict(rule)

    def firewall_rule_delete(self, name: str) -> bool:
        return self.state["firewall_rules"].pop(name.lower(), None) is not None

    def _firewall_blocks_out(self, port: int) -> dict[str, t.Any] | None:
        """An enabled outbound block rule matching TCP port (block wins over allow, as on Windows)."""
        for r in self.firewall_rules():
            if not r.get("enabled", True) or str(r.get("action", "")).lower() != "block":
                continue
            if str(r.get("direction", "")).lower() != "out":
                continue
            if str(r.get("protocol", "any")).lower() not in ("tcp", "any", "6"):
                continue
            if _port_match(str(r.get("remoteport", "any")), port):
                return r
        return None

    # ------------------------------------------------------------------ proxy
    def winhttp_proxy(self) -> dict[str, t.Any]:
        return dict({"proxy": None, "bypass": []}, **self.state["proxy"].get("winhttp", {}))

    def set_winhttp_proxy(self, value: dict[str, t.Any]) -> None:
        self.state["proxy"]["winhttp"] = dict(value)

    def inet_proxy(self) -> dict[str, t.Any]:
        base = {"auto_detect": True, "auto_config_url": None, "proxy": None, "bypass": []}
        base.update(self.state["proxy"].get("inet", {}))
        return base

    def set_inet_proxy(self, value: dict[str, t.Any]) -> None:
        self.state["proxy"]["inet"] = dict(value)

    def winhttp_settings_blob(self) -> bytes:
        """The WinHttpSettings value netsh winhttp writes: version, counter, flags (1 direct, 2 named
        proxy), then the proxy and the bypass list, each a DWORD length and ANSI text."""
        w = self.winhttp_proxy()
        bypass = w.get("bypass") or []
        proxy = (w.get("proxy") or "").encode("latin-1")
        by = (";".join(bypass) if isinstance(bypass, list) else str(bypass)).encode("latin-1")
        return (struct.pack("<III", 0x18, 1, 2 if proxy else 1) + struct.pack("<I", len(proxy)) + proxy
                + struct.pack("<I", len(by)) + by)

    def inet_settings_blob(self) -> bytes:
        """The DefaultConnectionSettings value of the Internet Options LAN dialog: version, counter, flags
        (1 direct, 2 named proxy, 4 setup script, 8 detect), proxy, bypass and script URL as DWORD length +
        ANSI text, then the fields Windows appends (detection state), zeroed here."""
        i = self.inet_proxy()
        bypass = i.get("bypass") or []
        texts = [(i.get("proxy") or "").encode("latin-1"),
                 (";".join(bypass) if isinstance(bypass, list) else str(bypass)).encode("latin-1"),
                 (i.get("auto_config_url") or "").encode("latin-1")]
        flags = 1 | (2 if texts[0] else 0) | (4 if texts[2] else 0) | (8 if i.get("auto_detect") else 0)
        out = struct.pack("<III", 0x46, 1, flags)
        for text in texts:
            out += struct.pack("<I", len(text)) + text
        return out + b"\x00" * 32

    # ------------------------------------------------------------------ certificates
    def certificate_der(self, entry: dict[str, t.Any]) -> bytes:
        """The DER bytes of a certificate the lab keeps as {subject, issuer, not_after[, der]}; one without
        DER (written by another simulation) gets a certificate made with those names and expiry."""
        if entry.get("der"):
            return base64.b64decode(entry["der"])
        return make_certificate(entry.get("subject") or "CN=lab", entry.get("issuer") or entry.get("subject") or "CN=lab",
                                entry["not_after"])

    def network_service_certificate_put(self, thumbprint: str, der: bytes, where: str) -> None:
        """Keep a certificate in the Network Service user's My store, as Windows does after the connector
        renews it: a serialized store element in its registry hive (where='registry') or its roaming
        profile (where='file')."""
        blob = serialize_store_element(der)
        if where == "registry":
            self.reg_set_value(NETWORK_SERVICE_CERT_KEY + "\\" + thumbprint.upper(), "Blob", list(blob), "binary")
        else:
            self.file_write(NETWORK_SERVICE_CERT_DIR + "\\" + thumbprint.upper(), blob)

    # ------------------------------------------------------------------ network
    def _lab_hosts(self) -> set[str]:
        """Host names of the lab's own services (fake tenant): reachable like the internet."""
        out = set()
        for k in ("base_url", "installer_url", "registration_url", "admin_url"):
            if self._lab.get(k):
                out.add(url_host_port(self._lab[k])[0])
        return out

    def reach(self, hostname: str, port: int, proxy: str | None = None) -> dict[str, t.Any]:
        net = self.state["network"]
        hostname = hostname.lower()
        via = "direct"
        if proxy:
            want = _proxy_norm(proxy)
            have = _proxy_norm(net.get("proxy"))
            if want != have:
                return {"ok": False, "error": "proxy %s: the remote name could not be resolved" % proxy,
                        "tls_issuer": None, "via": want}
            tcp_host, tcp_port = url_host_port(want)
            via = want
        else:
            tcp_host, tcp_port = hostname, port
            if net.get("proxy_only"):
                return {"ok": False, "error": "connection to %s:%s timed out (only the proxy can reach the internet)"
                        % (hostname, port), "tls_issuer": None, "via": via}
        for pattern in net.get("blocked_hosts", []):
            if fnmatch.fnmatch(hostname, pattern.lower()):
                return {"ok": False, "error": "connection to %s:%s was refused" % (hostname, port),
                        "tls_issuer": None, "via": via}
        if tcp_port in net.get("blocked_ports", []):
            return {"ok": False, "error": "connection to %s:%s timed out" % (tcp_host, tcp_port),
                    "tls_issuer": None, "via": via}
        rule = self._firewall_blocks_out(tcp_port)
        if rule:
            return {"ok": False, "error": "connection to %s:%s blocked by firewall rule '%s'" % (tcp_host, tcp_port, rule["name"]),
                    "tls_issuer": None, "via": via}
        issuer = None
        if port != 80:  # plain-HTTP CRL/OCSP traffic has no TLS issuer
            issuer = PUBLIC_TLS_ISSUER
            for pattern, value in net.get("tls_issuers", {}).items():
                if fnmatch.fnmatch(hostname, pattern.lower()):
                    issuer = value
                    break
        return {"ok": True, "error": None, "tls_issuer": issuer, "via": via}

    def reach_url(self, url: str, proxy: str | None = None) -> dict[str, t.Any]:
        h, p = url_host_port(url)
        return self.reach(h, p, proxy)

    def http_request(self, url: str, method: str = "GET", data: bytes | None = None,
                     headers: dict[str, str] | None = None, proxy: str | None = None) -> tuple[int, dict[str, str], bytes]:
        r = self.reach_url(url, proxy)
        if not r["ok"]:
            raise SimulatedFailure("Error requesting '%s'. %s" % (url, r["error"]))
        host = url_host_port(url)[0]
        if host not in self._lab_hosts():
            raise SimulatedFailure("simwin: %s is not served by the lab (only the fake tenant's URLs are)" % url)
        ctx = ssl.create_default_context(cafile=self._lab.get("ca_bundle")) if url.startswith("https") else None
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(req, context=ctx, timeout=30) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers or {}), e.read()
        except (urllib.error.URLError, OSError) as e:
            raise SimulatedFailure("Error requesting '%s'. %s" % (url, e))

    def count_download(self, url: str, persist: bool = True) -> None:
        """Count a download in the round-trip report, and in the host state unless persist is False (check mode)."""
        self.downloads += 1
        if not persist:
            return
        d = self.state["downloads"]
        d["count"] = d.get("count", 0) + 1
        d.setdefault("urls", {})[url] = d["urls"].get(url, 0) + 1

    # ------------------------------------------------------------------ domain / AD
    def domain(self) -> dict[str, t.Any]:
        return dict({"joined": False, "dns_domain_name": None, "workgroup": "WORKGROUP", "ou": None}, **self.state["domain"])

    def set_domain(self, value: dict[str, t.Any]) -> None:
        self.state["domain"] = dict(value)

    def domain_reachable(self, dns_name: str) -> bool:
        return dns_name.lower() in [d.lower() for d in self.state["network"].get("domains", [])]

    @contextlib.contextmanager
    def ad(self, dns_name: str) -> t.Iterator[dict[str, t.Any]]:
        """Locked read-modify-write of one domain in the shared _domains.json."""
        if not self.domain_reachable(dns_name):
            raise SimulatedFailure("Unable to contact the domain %s: no domain controller could be reached" % dns_name)
        path = os.path.join(self.state_dir, "_domains.json")
        with open(path + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            db = {}
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    db = json.load(f)
            dom = db.setdefault(dns_name.lower(), {"dns_name": dns_name, "computers": {}, "groups": {}, "users": {}})
            before = copy.deepcopy(dom)
            yield dom
            if dom != before and not getattr(self, "_check_mode", False):
                tmp = path + ".tmp"
                with open(tmp, "w", encoding="utf-8") as f:
                    json.dump(db, f, indent=1, sort_keys=True)
                os.replace(tmp, path)
            elif dom != before:
                raise SimulatedFailure("simwin: AD changed in check mode")

    # ------------------------------------------------------------------ reboot
    def require_reboot(self, reason: str) -> None:
        pend = self.state["boot"].setdefault("pending", [])
        if reason not in pend:
            pend.append(reason)
        self.reg_create_key(REBOOT_PENDING_KEY)

    def reboot_pending(self) -> list[str]:
        return list(self.state["boot"].get("pending", []))

    def boot_time(self) -> datetime.datetime:
        raw = self.state["boot"].get("last_boot_time") or "2026-01-01T00:00:00+00:00"
        return datetime.datetime.fromisoformat(raw)

    def boot_time_reported(self) -> datetime.datetime:
        """LastBootUpTime as Win32_OperatingSystem reports it: derived from the wall clock, so it moves by
        seconds without a restart (time-service steps, VM clock sync); modelled as a drift of 0-4 s."""
        return self.boot_time() + datetime.timedelta(seconds=int(time.time()) % 5)

    def reboot(self) -> None:
        boot = self.state["boot"]
        for k in [k for k, v in self.state["registry"].items() if v.get("volatile")]:
            self.state["registry"].pop(k, None)
        new = max(self.boot_time() + datetime.timedelta(minutes=1),
                  datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0))
        boot["last_boot_time"] = new.isoformat()
        boot["boot_count"] = boot.get("boot_count", 0) + 1
        boot["pending"] = []
        self.reg_delete_key(REBOOT_PENDING_KEY)
        self.reg_create_key(LOGON_UI_KEY)  # LogonUI creates it when the logon screen shows (win_reboot waits for it)
        for action in self.state.pop("on_reboot", []):
            if action.get("set_domain"):
                self.state["domain"] = action["set_domain"]
        for svc in self.services():
            svc["state"] = "running" if svc.get("start_mode") in ("auto", "delayed") else "stopped"
        self.record("reboot")


def _port_match(spec: str, port: int) -> bool:
    spec = spec.strip().lower()
    if spec in ("any", "", "*"):
        return True
    for part in spec.split(","):
        part = part.strip()
        if "-" in part:
            lo, hi = part.split("-", 1)
            if lo.isdigit() and hi.isdigit() and int(lo) <= port <= int(hi):
                return True
        elif part.isdigit() and int(part) == port:
            return True
    return False


def serialize_store_element(der: bytes) -> bytes:
    """CertSerializeCertificateStoreElement's layout: properties of {id u32, reserved u32 = 1, length u32,
    value}, the SHA-1 hash (id 3) first and the DER certificate (id 32) last ([MS-GPEF] 2.2.1.1.1)."""
    out = b""
    for prop_id, value in ((3, hashlib.sha1(der).digest()), (32, der)):  # noqa: S324 - Windows' thumbprint
        out += struct.pack("<III", prop_id, 1, len(value)) + value
    return out


def make_certificate(subject: str, issuer: str, not_after: str) -> bytes:
    """A DER certificate with these names ("CN=x, O=y") and expiry (ISO 8601), signed by a throwaway key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    oids = {"CN": NameOID.COMMON_NAME, "O": NameOID.ORGANIZATION_NAME, "OU": NameOID.ORGANIZATIONAL_UNIT_NAME,
            "C": NameOID.COUNTRY_NAME}

    def name(text: str) -> x509.Name:
        parts = [p.strip().split("=", 1) for p in text.split(",") if "=" in p]
        return x509.Name([x509.NameAttribute(oids.get(k.strip().upper(), NameOID.COMMON_NAME), v.strip())
                          for k, v in reversed(parts)])

    end = datetime.datetime.fromisoformat(not_after.replace("Z", "+00:00"))
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(end - datetime.timedelta(days=180)).not_valid_after(end)
            .sign(key, hashes.SHA256()))
    from cryptography.hazmat.primitives.serialization import Encoding
    return cert.public_bytes(Encoding.DER)
