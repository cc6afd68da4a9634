# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Readiness of a Windows Server for the private network connector, decided on the controller.

Input is what entra.app_proxy.server_info and entra.app_proxy.connectivity_test return; output is the
report the prerequisites role records as ``app_proxy_readiness``: one entry per check (name, severity,
ok, remediated, detail, fix), whether the host is ready, and what this run fixes. The filter plugins
``readiness``, ``fleet_readiness`` and ``readiness_lines`` are thin wrappers around this file.
"""

from __future__ import annotations

# Windows Server 2016 is build 14393; HTTP/2 must be off for KCD from Windows Server 2019 (build 17763).
MIN_BUILD = 14393
HTTP2_MIN_BUILD = 17763
# .NET Framework 4.7.2: the connector needs it from version 1.5.3437.0 on (Microsoft's connector prerequisites).
MIN_DOTNET_RELEASE = 461808
# Release value -> version, from Microsoft's "Determine which .NET Framework versions are installed".
DOTNET_NAMES = (
    (378389, "4.5"), (378675, "4.5.1"), (379893, "4.5.2"), (393295, "4.6"), (394254, "4.6.1"),
    (394802, "4.6.2"), (460798, "4.7"), (461308, "4.7.1"), (461808, "4.7.2"), (528040, "4.8"),
    (533320, "4.8.1"),
)

SCHANNEL = "HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols\\TLS 1.2"
NETFX = "HKLM:\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319"
HTTP2_KEY = "HKLM:\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings\\WinHttp"
# The TLS 1.2 values Microsoft documents for the connector, keyed like server_info's tls result.
TLS_SETTINGS = (
    {"key": "client_enabled", "label": "TLS 1.2\\Client Enabled", "path": SCHANNEL + "\\Client",
     "name": "Enabled", "data": 1},
    {"key": "client_disabled_by_default", "label": "TLS 1.2\\Client DisabledByDefault", "path": SCHANNEL + "\\Client",
     "name": "DisabledByDefault", "data": 0},
    {"key": "server_enabled", "label": "TLS 1.2\\Server Enabled", "path": SCHANNEL + "\\Server",
     "name": "Enabled", "data": 1},
    {"key": "server_disabled_by_default", "label": "TLS 1.2\\Server DisabledByDefault", "path": SCHANNEL + "\\Server",
     "name": "DisabledByDefault", "data": 0},
    {"key": "sch_use_strong_crypto", "label": ".NET v4.0.30319 SchUseStrongCrypto", "path": NETFX,
     "name": "SchUseStrongCrypto", "data": 1},
    {"key": "system_default_tls_versions", "label": ".NET v4.0.30319 SystemDefaultTlsVersions", "path": NETFX,
     "name": "SystemDefaultTlsVersions", "data": 1},
)
# Windows PowerShell 5.1, which runs the connector's registration script, offers TLS 1.2 only with these.
DOTNET_TLS_KEYS = ("sch_use_strong_crypto", "system_default_tls_versions")
LAYOUT_NAMES = {"new": "Microsoft Entra private network connector", "old": "Microsoft AAD App Proxy Connector"}
SEVERITIES = ("error", "warning", "info")


def _get(data, *path, default=None):
    for key in path:
        if not isinstance(data, dict) or data.get(key) is None:
            return default
        data = data[key]
    return data


def dotnet_name(release):
    """The .NET Framework version of a ``Release`` value."""
    names = [name for number, name in DOTNET_NAMES if number <= release]
    return names[-1] if names else "older than 4.5"


def _check(name, severity, ok, detail, fix="", remediated=False):
    return {"name": name, "severity": severity, "ok": bool(ok), "remediated": bool(remediated),
            "detail": detail, "fix": "" if ok else fix}


class _Host:
    """The facts of one host and the plan of this run, worked out once; each check reads them."""

    def __init__(self, server, net, kcd, outbound_proxy, remediate, reboot_allowed, check_endpoints):
        self.server, self.net = server or {}, net or {}
        self.kcd, self.proxy = bool(kcd), outbound_proxy or ""
        self.remediate, self.check_endpoints = bool(remediate), bool(check_endpoints)
        os_ = self.server.get("os") or {}
        self.build = int(os_.get("build") or 0)
        self.os_ok = os_.get("product_type") != 1 and self.build >= MIN_BUILD
        self.release = int(_get(self.server, "dotnet", "release", default=0))
        self.dotnet_ok = self.release >= MIN_DOTNET_RELEASE
        self.ppp = bool(_get(self.server, "password_protection_proxy", "installed"))
        # A host that can never run the connector is reported, never changed.
        self.host_ok = self.os_ok and self.dotnet_ok and not self.ppp
        self.not_fixed_because = (
            "The role fixes this once the host passes the os, dotnet and password_protection_proxy checks, "
            if self.remediate else "Run with prerequisites_remediate: true (the role fixes it), ")

        tls = self.server.get("tls") or {}
        self.tls = {s["key"]: tls.get(s["key"]) for s in TLS_SETTINGS}
        self.tls_wrong = [s for s in TLS_SETTINGS if self.tls[s["key"]] != s["data"]]
        # An absent SCHANNEL value already means TLS 1.2 on (Windows Server 2016 and later); an explicit
        # wrong value turns it off and needs a restart once corrected.
        self.tls_explicit_wrong = any(self.tls[s["key"]] is not None for s in self.tls_wrong)
        self.tls_will_fix = self.remediate and self.host_ok and bool(self.tls_wrong)
        self.tls_client_off = self.tls["client_enabled"] == 0 or self.tls["client_disabled_by_default"] == 1

        self.http2_applies = self.kcd and self.build >= HTTP2_MIN_BUILD
        self.http2_value = _get(self.server, "http2", "enable_default_http2")
        self.http2_ok = self.http2_value == 0
        self.http2_will_fix = self.remediate and self.host_ok and self.http2_applies and not self.http2_ok

        self.fix_needs_reboot = (self.tls_will_fix and self.tls_explicit_wrong) or self.http2_will_fix
        self.reboot_pending = bool(self.server.get("reboot_pending")) or self.fix_needs_reboot
        self.will_reboot = bool(reboot_allowed) and self.host_ok and self.reboot_pending

        endpoints = self.net.get("endpoints") or []
        self.proxy_used = self.net.get("proxy_used")
        self.proxy_text = ("through the proxy " + self.proxy_used) if self.proxy_used else "directly"
        self.https_tested = [e for e in endpoints if e.get("port") != 80]
        https_bad = [e for e in self.https_tested if not e.get("ok")]
        # With TLS 1.2 off on the client every handshake fails; this run's TLS fix is the cure, not a network change.
        self.https_failed = ([e for e in https_bad if not e.get("tcp_ok")]
                             if self.tls_client_off and self.tls_will_fix else https_bad)
        self.crl_tested = [e for e in endpoints if e.get("port") == 80]
        self.crl_failed = [e for e in self.crl_tested if not e.get("ok")]
        self.inspected = [e for e in endpoints if e.get("tls_inspection_suspected")]

    # ------------------------------------------------------------ checks, in report order

    def os(self):
        os_ = self.server.get("os") or {}
        core = os_.get("installation_type") == "Server Core"
        detail = "%s (build %s%s)" % (os_.get("caption"), os_.get("build"), ", Server Core" if core else "")
        if os_.get("product_type") == 1:
            detail += " is not a Windows Server."
        elif not self.os_ok:
            detail += (" is older than Windows Server 2016, the minimum in Microsoft's current connector documentation."
                       " Older pages of the same documentation still say Windows Server 2012 R2; this collection"
                       " follows the current requirement.")
        elif core:
            detail += ("; Microsoft does not document Server Core, but the token registration this collection uses"
                       " needs no browser on the server.")
        return _check("os", "error", self.os_ok, detail,
                      "Use Windows Server 2016 or later (2022 or 2025 recommended) for the connector.")

    def dotnet(self):
        detail = ".NET Framework %s (Release %s)" % (dotnet_name(self.release), self.release)
        detail += "." if self.dotnet_ok else (
            " is older than 4.7.2 (Release 461808), which the connector needs from version 1.5.3437.0 on.")
        return _check("dotnet", "error", self.dotnet_ok, detail,
                      "Install .NET Framework 4.8 (at least 4.7.2) and restart the host, then run again.")

    def tls12(self):
        ok = not self.tls_explicit_wrong or self.tls_will_fix
        if not self.tls_wrong:
            detail = "TLS 1.2 client and server enabled, .NET strong crypto and system default TLS versions on."
        elif self.tls_explicit_wrong:
            detail = "Not as Microsoft documents: %s." % ", ".join(
                "%s is %s (want %s)" % (s["label"], "absent" if self.tls[s["key"]] is None else self.tls[s["key"]],
                                        s["data"]) for s in self.tls_wrong)
            if self.tls_will_fix:
                detail += " Set by this run; they take effect after a restart."
        else:
            detail = "Windows defaults already enable TLS 1.2; %d of Microsoft's 6 explicit values are not set." % len(
                self.tls_wrong)
            if self.tls_will_fix:
                detail += " Set by this run; no restart is needed."
        return _check("tls12", "error", ok, detail,
                      self.not_fixed_because + "or set them as in Microsoft's TLS 1.2 .reg file (the SCHANNEL TLS 1.2 "
                      "Client and Server keys, and .NETFramework v4.0.30319), then restart the host.",
                      remediated=self.tls_will_fix)

    def strong_crypto(self):
        """Windows PowerShell 5.1 runs the registration on .NET 4.5 defaults (SSL 3 and TLS 1.0) without these."""
        missing = [s for s in TLS_SETTINGS if s["key"] in DOTNET_TLS_KEYS and self.tls[s["key"]] != s["data"]]
        fixed = self.tls_will_fix and bool(missing)
        if not missing:
            detail = ".NET strong crypto and system default TLS versions are on, so Windows PowerShell 5.1 offers TLS 1.2."
        else:
            detail = ("Not as Microsoft documents: %s. The connector service uses TLS 1.2 without them, but Windows "
                      "PowerShell 5.1, which runs the connector's registration script, then offers only SSL 3.0 and "
                      "TLS 1.0, which Microsoft's sign-in endpoints refuse." % ", ".join(
                          "%s is %s" % (s["label"], "absent" if self.tls[s["key"]] is None else self.tls[s["key"]])
                          for s in missing))
            if fixed:
                detail += " Set by this run."
        return _check("strong_crypto", "warning", not missing or fixed, detail,
                      self.not_fixed_because + "or set the DWORDs SchUseStrongCrypto = 1 and SystemDefaultTlsVersions "
                      "= 1 under " + NETFX + ".", remediated=fixed)

    def http2(self):
        ok = self.http2_ok or self.http2_will_fix
        if self.http2_ok:
            detail = "HTTP/2 is off (EnableDefaultHTTP2 = 0), as Kerberos delegation needs on Windows Server 2019 and later."
        else:
            detail = ("HTTP/2 is on (EnableDefaultHTTP2 is %s); Kerberos delegation (app_proxy_kcd_enabled) needs it off "
                      "on Windows Server 2019 and later." % ("absent" if self.http2_value is None else self.http2_value))
            if self.http2_will_fix:
                detail += " Turned off by this run; takes effect after a restart."
        return _check("http2", "error", ok, detail,
                      self.not_fixed_because + "or set the DWORD EnableDefaultHTTP2 = 0 under " + HTTP2_KEY
                      + " and restart.", remediated=self.http2_will_fix)

    def password_protection_proxy(self):
        if self.ppp:
            detail = ("The Microsoft Entra Password Protection Proxy service (AzureADPasswordProtectionProxy) is installed:"
                      " it and the connector install incompatible versions of the Microsoft Entra Connect Agent Updater"
                      " service.")
        else:
            detail = "No Password Protection Proxy on the host."
        return _check("password_protection_proxy", "error", not self.ppp, detail,
                      "Use another server for the connector (Microsoft: do not install both on one machine).")

    def existing_install(self):
        connector = self.server.get("connector") or {}
        if not connector.get("installed"):
            return _check("existing_install", "info", True, "No connector installed.")
        state = registration_state(self.server)
        detail = "%s %s (%s layout), WAPCSvc %s, WAPCUpdaterSvc %s, %s" % (
            connector.get("product_name"), connector.get("version"), connector.get("layout"),
            _get(self.server, "services", "connector", "state", default="absent"),
            _get(self.server, "services", "updater", "state", default="absent"),
            {"registered": "registered", "expired": "trust certificate expired",
             "missing": "trust certificate missing"}.get(state, "not registered"))
        if connector.get("layout") == "old":
            detail += "; installed before the 2024 rename, the connector role upgrades it in place"
        return _check("existing_install", "info", True, detail + ".")

    def layouts(self):
        """Leftovers of the other product name, or both installed at once: reported, never silently kept."""
        connector = self.server.get("connector") or {}
        found = list(connector.get("layouts_found") or [])
        current = connector.get("layout") if connector.get("installed") else None
        extra = [name for name in found if name != current]
        if not extra:
            return _check("layouts", "warning", True, ("Only the %s layout is on the host." % current)
                          if current else "No files of either connector layout are on the host.")
        entries = [e for e in connector.get("uninstall_entries") or [] if e.get("layout") in extra]
        detail = "%s %s on the host%s." % (
            " and ".join("the %s layout (%s)" % (n, LAYOUT_NAMES.get(n, n)) for n in extra),
            "is" if len(extra) == 1 else "are",
            (" besides the installed %s layout" % current) if current else ", with no connector installed")
        if entries:
            detail += " Add/Remove Programs lists: %s." % ", ".join(
                "%s %s (%s)" % (e.get("display_name"), e.get("display_version"), e.get("key")) for e in entries)
        if entries:
            fix = ("Remove the leftovers with their own uninstaller: ansible.windows.win_package with product_id %s and"
                   " state absent, then restart the host" % " and ".join("'%s'" % e.get("key") for e in entries))
        else:
            fix = "Delete the leftover folders of the %s layout" % " and ".join(extra)
        fix += ((", after the installed connector shows active in the tenant. Keep the %s layout's files." % current)
                if current else ", or let the connector role install the new layout and then remove them.")
        return _check("layouts", "warning", False, detail, fix)

    def domain(self):
        member = bool(_get(self.server, "domain", "member"))
        name = _get(self.server, "domain", "name")
        detail = ("Member of %s." % name) if member else (
            "Not joined to a domain (workgroup %s); Kerberos delegation needs a domain-joined connector." % name)
        return _check("domain", "warning", member, detail,
                      "The domain_join role (run by the site playbook when app_proxy_kcd_enabled is true) joins it;"
                      " or join it by hand.")

    def outbound_proxy(self):
        winhttp = _get(self.server, "proxy", "winhttp_proxy")
        detail = ("The connector is to use %s (app_proxy_outbound_proxy)." % self.proxy) if self.proxy else (
            "The connector is to connect directly.")
        detail += " WinHTTP proxy: %s." % (winhttp or "none (direct)")
        in_config = _get(self.server, "proxy", "connector_config", "proxy_address")
        if in_config:
            detail += " The installed connector's .exe.config names %s." % in_config
        return _check("outbound_proxy", "warning", bool(self.proxy) or not winhttp, detail,
                      "Set app_proxy_outbound_proxy: http://%s if the host reaches the internet only through that proxy;"
                      " the connector does not use the WinHTTP setting." % winhttp)

    def endpoints_https(self):
        tested, failed = self.https_tested, self.https_failed
        if not failed:
            detail = "%d service and sign-in endpoints reachable %s." % (len(tested), self.proxy_text)
        else:
            detail = "%d of %d service and sign-in endpoints unreachable %s: %s. First error: %s." % (
                len(failed), len(tested), self.proxy_text, ", ".join(e.get("host") for e in failed), failed[0].get("error"))
        fix = ("Allow outbound TCP 443 from the host (and the Network Service account) to *.msappproxy.net, "
               "*.servicebus.windows.net and the sign-in endpoints in Microsoft's list")
        fix += (", and let the proxy tunnel (CONNECT) to port 443 without authentication" if self.proxy_used else
                ", or set app_proxy_outbound_proxy if the host may only go through a proxy") + "."
        return _check("endpoints_https", "error", not failed, detail, fix)

    def endpoints_crl(self):
        tested, failed = self.crl_tested, self.crl_failed
        if not failed:
            detail = "%d certificate revocation (CRL/OCSP) endpoints reachable on port 80 %s." % (
                len(tested), self.proxy_text)
        else:
            detail = ("%d of %d certificate revocation (CRL/OCSP) endpoints unreachable on port 80 %s: %s. First error: "
                      "%s. The connector cannot check certificate revocation and fails its TLS connections." % (
                          len(failed), len(tested), self.proxy_text, ", ".join(e.get("host") for e in failed),
                          failed[0].get("error")))
        fix = "Allow outbound TCP 80 from the host (and the Network Service account) to %s%s." % (
            ", ".join(e.get("host") for e in failed), " and let the proxy tunnel to port 80" if self.proxy_used else "")
        return _check("endpoints_crl", "error", not failed, detail, fix)

    def tls_inspection(self):
        found = self.inspected
        if not found:
            detail = "Certificates come from Microsoft or DigiCert CAs: no sign of TLS inspection."
        else:
            issuers = []
            for e in found:
                if e.get("tls_issuer") not in issuers:
                    issuers.append(e.get("tls_issuer"))
            detail = ("TLS inspection suspected: %s present certificates issued by %s. Microsoft does not support TLS "
                      "inspection of connector traffic: it breaks the connector's certificate authentication." % (
                          ", ".join(e.get("host") for e in found), " and ".join(str(i) for i in issuers)))
        return _check("tls_inspection", "warning", not found, detail,
                      "Exempt the connector endpoints (*.msappproxy.net, *.servicebus.windows.net and the sign-in "
                      "endpoints) from TLS inspection on the proxy or firewall. If the issuer is in fact a Microsoft CA, "
                      "add its name to prerequisites_trusted_issuers.")

    def firewall(self):
        """A stopped firewall service is a fact server_info reports, not a failure of the read."""
        firewall = self.server.get("firewall") or {}
        if firewall.get("available", True):
            return _check("firewall", "info", True, "The Windows Firewall service runs; %d entra.app_proxy rules." % len(
                firewall.get("rules") or []))
        return _check("firewall", "warning", False,
                      "The Windows Firewall service is not running (%s): its rules and default outbound action cannot "
                      "be read, and the firewall role cannot add the connector's rules."
                      % (firewall.get("error") or "no reason given"),
                      "Start the Windows Defender Firewall service (Start-Service MpsSvc) where your policy uses it, or "
                      "set firewall_enabled: false when another firewall controls the host's outbound traffic.")

    def reboot(self):
        ok = not self.reboot_pending or self.will_reboot
        if not self.reboot_pending:
            detail = "No restart pending."
        else:
            reasons = list(self.server.get("reboot_pending_reasons") or [])
            if self.fix_needs_reboot:
                reasons.append("settings changed by this run")
            detail = "A restart is pending (%s)%s" % (
                ", ".join(reasons), "; the role restarts the host." if self.will_reboot else ".")
        return _check("reboot", "warning", ok, detail,
                      "Restart the host before installing the connector, or set prerequisites_reboot_allowed: true.",
                      remediated=self.will_reboot)

    def checks(self):
        out = [self.os(), self.dotnet(), self.tls12(), self.strong_crypto()]
        if self.http2_applies:
            out.append(self.http2())
        out += [self.password_protection_proxy(), self.existing_install()]
        # The keys below come from newer server_info results; without them there is nothing to report.
        if "layouts_found" in (self.server.get("connector") or {}):
            out.append(self.layouts())
        if self.kcd:
            out.append(self.domain())
        out.append(self.outbound_proxy())
        if self.check_endpoints:
            out += [self.endpoints_https(), self.endpoints_crl(), self.tls_inspection()]
        if "available" in (self.server.get("firewall") or {}):
            out.append(self.firewall())
        out.append(self.reboot())
        return out


def registration_state(server):
    """``registered``, ``expired``, ``missing`` or ``not_registered``, as server_info decided it.

    server_info's ``registration.state`` is the one place that decides; a result without it (an older
    server_info) is read from its ``registered``/``certificate_expired``/``trust_settings_exists`` keys.
    """
    registration = (server or {}).get("registration") or {}
    if registration.get("state"):
        return registration["state"]
    if registration.get("registered"):
        return "registered"
    if registration.get("certificate_expired"):
        return "expired"
    if registration.get("trust_settings_exists"):
        return "missing"
    return "not_registered"


def readiness(server, connectivity=None, host=None, kcd=False, outbound_proxy="", remediate=False,
              reboot_allowed=False, check_endpoints=True):
    """The readiness report of one host (see the ``readiness`` filter's documentation)."""
    facts = _Host(server, connectivity if check_endpoints else None, kcd, outbound_proxy, remediate, reboot_allowed,
                  check_endpoints)
    checks = facts.checks()
    connector = facts.server.get("connector") or {}
    return {
        "host": host,
        "ready": not any(c["severity"] == "error" and not c["ok"] for c in checks),
        "reboot_required": facts.reboot_pending and not facts.will_reboot,
        "connector": {
            "installed": bool(connector.get("installed")),
            "layout": connector.get("layout"),
            "version": connector.get("version"),
            "registered": bool(_get(facts.server, "registration", "registered")),
            "registration_state": registration_state(facts.server),
        },
        "checks": checks,
        "remediation": {
            "tls12": [{"path": s["path"], "name": s["name"], "data": s["data"]} for s in facts.tls_wrong]
            if facts.tls_will_fix else [],
            "tls12_needs_restart": facts.tls_will_fix and facts.tls_explicit_wrong,
            "http2": {"path": HTTP2_KEY, "name": "EnableDefaultHTTP2", "data": 0} if facts.http2_will_fix else {},
            "reboot": facts.will_reboot,
        },
    }


def fleet_readiness(reports, hosts):
    """The fleet summary of the per-host reports of ``hosts`` (see the ``fleet_readiness`` filter)."""
    reports = [r for r in reports or [] if isinstance(r, dict) and r.get("host") is not None]
    reported = {r["host"] for r in reports}
    failing = [c for r in reports for c in r.get("checks") or [] if not c.get("ok")]

    def count(severity):
        counts = {}
        for c in failing:
            if c.get("severity") == severity:
                counts[c["name"]] = counts.get(c["name"], 0) + 1
        return dict(sorted(counts.items()))

    return {
        "hosts": len(hosts),
        "ready": [r["host"] for r in reports if r.get("ready")],
        "not_ready": {r["host"]: [c["name"] for c in r.get("checks") or []
                                  if not c.get("ok") and c.get("severity") == "error"]
                      for r in reports if not r.get("ready")},
        "no_report": [h for h in hosts if h not in reported],
        "reboot_required": [r["host"] for r in reports if r.get("reboot_required")],
        "failed_checks": count("error"),
        "warnings": count("warning"),
    }


def _status(check, check_mode):
    if check.get("remediated"):
        return "WOULD FIX" if check_mode else "FIXED"
    if check.get("ok"):
        return "INFO" if check.get("severity") == "info" else "OK"
    return "FAIL" if check.get("severity") == "error" else "WARN"


def readiness_lines(data, check_mode=False, failures=False):
    """Readable lines of a host report or of the fleet summary (see the ``readiness_lines`` filter)."""
    if "checks" not in data:
        return _fleet_lines(data)
    if failures:
        return ["%s is not ready for the Microsoft Entra private network connector; nothing was changed." % data["host"]] + [
            "- %s: %s Fix: %s" % (c["name"], c["detail"], c["fix"]) for c in data["checks"]
            if not c["ok"] and c["severity"] == "error"] + [
            "(Set prerequisites_fail_mode: report to get the report without failing.)"]
    lines = ["%s: %s%s" % (data["host"], "READY" if data["ready"] else "NOT READY",
                           ", restart pending" if data["reboot_required"] else "")]
    for c in data["checks"]:
        lines.append("[%s] %s: %s" % (_status(c, check_mode), c["name"], c["detail"]))
        if c["fix"]:
            lines.append("    fix: " + c["fix"])
    return lines


def _fleet_lines(fleet):
    lines = ["Fleet: %d of %d host(s) ready for the connector." % (len(fleet["ready"]), fleet["hosts"])]
    lines += ["NOT READY %s: %s" % (host, ", ".join(checks)) for host, checks in fleet["not_ready"].items()]
    lines += ["NO REPORT %s: failed or unreachable before its checks ran" % host for host in fleet["no_report"]]
    if fleet["reboot_required"]:
        lines.append("Restart pending: " + ", ".join(fleet["reboot_required"]))
    lines += ["Failed check %s: %d host(s)" % item for item in fleet["failed_checks"].items()]
    lines += ["Warning %s: %d host(s)" % item for item in fleet["warnings"].items()]
    return lines
