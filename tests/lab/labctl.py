#!/usr/bin/env python
"""Drive the lab by hand: simulated Windows hosts (lab.windows.simwin) and the fake tenant.

    labctl.py reset [--hosts ...]                 copy the seeds (states/*.json) to state/
    labctl.py run PLAYBOOK [--reset] [--no-tenant] [--toolchain newest|oldest] [-- ansible-playbook args...]
    labctl.py tenant start|stop|status            keep a fake tenant running (molecule prepare/cleanup)
    labctl.py scale N [--seed win2022-clean]      N identical hosts bench001..N and their inventory
    labctl.py show HOST                           print a host's state file

A thin command line over labkit.py (the lab harness). Output lives in tests/lab/state/ (git-ignored;
LAB_STATE_DIR moves it). No secret is written there: the fake tenant's users and app secret reach
ansible-playbook only as ENTRA_* environment variables.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import labkit  # noqa: E402


def cmd_reset(lab: labkit.Lab, args: argparse.Namespace, _extra: list[str]) -> int:
    done = lab.reset(*(args.hosts or ()))
    print("lab: reset %d host(s) in %s: %s" % (len(done), lab.state_dir, ", ".join(done)))
    return 0


def cmd_scale(lab: labkit.Lab, args: argparse.Namespace, _extra: list[str]) -> int:
    print(lab.scale(args.n, args.seed))
    return 0


def cmd_tenant(lab: labkit.Lab, args: argparse.Namespace, _extra: list[str]) -> int:
    if args.action == "start":
        print(json.dumps(lab.tenant_start()))
    elif args.action == "stop":
        print("lab: fake tenant %s" % ("stopped" if lab.tenant_stop() else "was not running"))
    else:
        print("lab: fake tenant %s" % ("running" if lab.tenant_running() else "not running"))
        return 0 if lab.tenant_running() else 1
    return 0


def cmd_run(lab: labkit.Lab, args: argparse.Namespace, extra: list[str]) -> int:
    """ansible-playbook on the lab inventory, output as it comes; starts the tenant for the run unless it runs."""
    if args.reset:
        lab.reset()
    else:
        lab.report_path.unlink(missing_ok=True)
    started = not args.no_tenant and not lab.tenant_running()
    try:
        if started:
            lab.tenant_start()
        playbook = os.path.abspath(args.playbook) if os.path.exists(args.playbook) else str(labkit.REPO / args.playbook)
        cmd = [str(labkit.venv_bin(lab.toolchain) / "ansible-playbook"), "-i", str(labkit.INVENTORY), playbook, *extra]
        t0 = time.monotonic()
        rc = subprocess.call(cmd, cwd=labkit.REPO, env=lab.env(tenant=not args.no_tenant))
        print("lab: ansible-playbook rc=%d in %.1fs; round trips: %s" % (rc, time.monotonic() - t0, lab.report_path))
        return rc
    finally:
        if started:
            lab.tenant_stop()


def cmd_show(lab: labkit.Lab, args: argparse.Namespace, _extra: list[str]) -> int:
    print(lab.raw(args.host).decode("utf-8"))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    p = argparse.ArgumentParser(prog="labctl.py", description=__doc__.splitlines()[0])
    p.add_argument("--toolchain", choices=["newest", "oldest"], help="default: LAB_TOOLCHAIN or newest")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("reset", help="copy the seeds to state/")
    r.add_argument("--hosts", nargs="*")
    ru = sub.add_parser("run", help="run a playbook against the lab")
    ru.add_argument("playbook")
    ru.add_argument("--reset", action="store_true", help="reset the hosts first")
    ru.add_argument("--no-tenant", action="store_true", help="do not start the fake tenant")
    t = sub.add_parser("tenant", help="start/stop the fake tenant")
    t.add_argument("action", choices=["start", "stop", "status"])
    s = sub.add_parser("scale", help="N identical clean hosts for benchmarks")
    s.add_argument("n", type=int)
    s.add_argument("--seed", default="win2022-clean")
    sh = sub.add_parser("show", help="print a host's state")
    sh.add_argument("host")
    args, unknown = p.parse_known_args(argv)
    extra = unknown + extra
    if extra and args.cmd != "run":
        p.error("unrecognised arguments: %s" % " ".join(extra))
    lab = labkit.Lab(toolchain_name=args.toolchain)
    return {"reset": cmd_reset, "run": cmd_run, "tenant": cmd_tenant, "scale": cmd_scale,
            "show": cmd_show}[args.cmd](lab, args, extra)


if __name__ == "__main__":
    sys.exit(main())
