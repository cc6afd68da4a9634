# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_package (ansible.windows 3.3.0): installed-checks by product_id
# and creates_*; the installer itself is chosen by file content (module_utils/installers.py).
from __future__ import annotations

from ansible_collections.lab.windows.plugins.module_utils import installers
from ansible_collections.lab.windows.plugins.module_utils.simulated import _web

REQUIRED_BY = {"creates_version": "creates_path"}
REQUIRED_IF = [["state", "present", ["path"]], ["state", "absent", ["path", "product_id"], True]]


def _installed(host, args):
    """None when no check is configured (the real module then always runs the installer)."""
    checks = []
    if args["product_id"]:
        checks.append(host.package_get(args["product_id"]) is not None)
    if args["creates_path"]:
        e = host.file_get(args["creates_path"])
        ok = e is not None
        if ok and args["creates_version"]:
            ok = e.get("version") == args["creates_version"]
        checks.append(ok)
    if args["creates_service"]:
        checks.append(host.service_get(args["creates_service"]) is not None)
    return all(checks) if checks else None


def _payload(host, args, check_mode=False):
    path = args["path"]
    if path.lower().startswith(("http://", "https://")):
        return _web.download(host, path, dict(args, dest=None), check_mode=check_mode), path
    local = host.expand(path)
    data = host.file_read(local)
    if data is None:
        raise host.fail("the file at the path '%s' cannot be reached" % path)
    return data, local


def simulate(host, args, check_mode, diff):
    result = {"changed": False, "reboot_required": False}
    expected = [int(x) for x in (args["expected_return_code"] or [0, 3010])]
    installed = _installed(host, args)
    if args["state"] == "present":
        if installed:
            return result
        data, where = _payload(host, args, check_mode)
        if check_mode:
            installers.parse_blob(data) or installers.run(host, data, args["arguments"], True, where)
            result["changed"] = True
            return result
        run = installers.run(host, data, args["arguments"], False, where)
    else:
        if installed is False or (installed is None and not args["path"]):
            return result
        pkg = host.package_get(args["product_id"]) if args["product_id"] else None
        if pkg is None:
            data, where = _payload(host, args)
            run = installers.run(host, data, ["/uninstall", "/quiet"] + installers._args_list(args["arguments"]),
                                 check_mode, where)
        else:
            run = installers.uninstall_package(host, pkg, check_mode)
        if check_mode:
            return dict(result, changed=run["changed"])
    result["rc"] = run["rc"]
    if run["rc"] not in expected:
        cmd = " ".join([host.expand(args["path"] or "")] + installers._args_list(args["arguments"]))
        result.update(stdout=run["stdout"], stderr=run["stderr"])
        raise host.fail("unexpected rc from '%s': see rc, stdout, and stderr for more details" % cmd, **result)
    # like the real module: an expected non-zero rc must not read as a failure
    result["failed"] = False
    result["changed"] = run["changed"]
    result["reboot_required"] = run["rc"] == 3010
    return result
