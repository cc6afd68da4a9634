# -*- coding: utf-8 -*-
# Shared by win_command and win_shell: the small allow-list of fixed commands the lab answers,
# plus running a known installer file. Anything else fails loudly.
from __future__ import annotations

import datetime
import re

from ansible_collections.lab.windows.plugins.module_utils import installers


def _winhttp_show(host):
    p = host.winhttp_proxy()
    if not p.get("proxy"):
        return "\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Direct access (no proxy server).\r\n"
    return ("\r\nCurrent WinHTTP proxy settings:\r\n\r\n    Proxy Server(s) :  %s\r\n    Bypass List     :  %s\r\n"
            % (p["proxy"], ";".join(p.get("bypass") or []) or "(none)"))


_GPUPDATE = ("Updating policy...\r\n\r\nComputer Policy update has completed successfully.\r\n"
             "User Policy update has completed successfully.\r\n")


def _firewall_policy(host):
    """netsh's English output; state["firewall_policy"] is one policy for all profiles or
    {"domain": ..., "private": ..., "public": ...} (default BlockInbound,AllowOutbound, the Windows default)."""
    policy = host.state.get("firewall_policy") or "BlockInbound,AllowOutbound"
    out = ""
    for profile in ("Domain", "Private", "Public"):
        value = policy.get(profile.lower(), "BlockInbound,AllowOutbound") if isinstance(policy, dict) else policy
        out += "\r\n%s Profile Settings: \r\n%s\r\n%-38s%s\r\n" % (profile, "-" * 70, "Firewall Policy", value)
    return 0, out + "Ok.\r\n\r\n", "", False


def _taskkill_explorer(host):
    if host.facts().get("installation_type", "Server") == "Server Core":
        return 128, "", 'ERROR: The process "explorer.exe" not found.\r\n', False
    return 0, 'SUCCESS: The process "explorer.exe" with PID 4242 has been terminated.\r\n', "", True


# (regex on the whole command line, case-insensitive) -> function(host) -> (rc, stdout, stderr, changed)
ALLOWED = [
    (r"^netsh(\.exe)? advfirewall show allprofiles firewallpolicy$", _firewall_policy),
    (r"^taskkill(\.exe)? /F /IM explorer\.exe$", _taskkill_explorer),
    (r"^whoami(\.exe)?$", lambda h: (0, "%s\\administrator\r\n" % h.hostname.lower(), "", False)),
    (r"^hostname(\.exe)?$", lambda h: (0, h.hostname + "\r\n", "", False)),
    (r"^netsh(\.exe)? winhttp show proxy$", lambda h: (0, _winhttp_show(h), "", False)),
    (r"^gpupdate(\.exe)? /force$", lambda h: (0, _GPUPDATE, "", True)),
    (r"^ipconfig(\.exe)? /flushdns$", lambda h: (0, "Successfully flushed the DNS Resolver Cache.\r\n", "", True)),
]


def split(cmdline):
    """Split like Windows' CommandLineToArgvW in its common cases: whitespace outside double quotes
    separates arguments and the quotes themselves are dropped, but backslashes stay (C:\\Program Files)."""
    argv, current, quoted, started = [], [], False, False
    for char in cmdline:
        if char == '"':
            quoted, started = not quoted, True
        elif char.isspace() and not quoted:
            if started:
                argv.append("".join(current))
            current, started = [], False
        else:
            current.append(char)
            started = True
    if started:
        argv.append("".join(current))
    return argv


def run(host, cmdline, args, check_mode):
    """Returns the module result dict."""
    now = datetime.datetime.now()
    result = {"cmd": cmdline, "rc": 0, "stdout": "", "stderr": "", "changed": False,
              "start": now.strftime("%Y-%m-%d %H:%M:%S.%f"), "end": now.strftime("%Y-%m-%d %H:%M:%S.%f"),
              "delta": "0:00:00.010000"}
    if args.get("creates") and host.file_exists(args["creates"]):
        return dict(result, msg="skipped, since %s exists" % args["creates"], skipped=True)
    if args.get("removes") and not host.file_exists(args["removes"]):
        return dict(result, msg="skipped, since %s does not exist" % args["removes"], skipped=True)
    line = re.sub(r"\s+", " ", cmdline.strip())
    for pattern, fn in ALLOWED:
        if re.match(pattern, line, re.I):
            rc, out, err, _changed = fn(host)
            # win_command/win_shell report changed whenever they run; a non-zero rc fails like upstream
            result.update(rc=rc, stdout=out, stderr=err, changed=True)
            if rc != 0:
                raise host.fail("non-zero return code", **result)
            return result
    argv = split(cmdline)
    if argv:
        exe = host.expand(argv[0])
        data = host.file_read(exe)
        if data is not None and installers.parse_blob(data):
            run = installers.run(host, data, argv[1:], check_mode, exe)
            result.update(rc=run["rc"], stdout=run["stdout"], stderr=run["stderr"], changed=True)
            if run["rc"] != 0:
                raise host.fail("non-zero return code", **result)
            return result
    raise host.fail("simwin: command not on the lab's allow-list (add it to module_utils/simulated/_commands.py "
                    "if a role really needs it): %s" % cmdline, rc=1)
