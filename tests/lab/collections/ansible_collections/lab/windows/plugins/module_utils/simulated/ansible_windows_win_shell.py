# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_shell (ansible.windows 3.3.0): only the allow-list in _commands.py.
from __future__ import annotations

from ansible_collections.lab.windows.plugins.module_utils.simulated import _commands

SUPPORTS_CHECK_MODE = False
EXTRA_OPTIONS = {"_raw_params": {"type": "str", "required": True}}


def simulate(host, args, check_mode, diff):
    if args["executable"] and args["executable"].lower() not in ("powershell", "powershell.exe", "cmd", "cmd.exe"):
        raise host.fail("simwin: win_shell executable=%s is not simulated" % args["executable"])
    return _commands.run(host, args["_raw_params"], args, check_mode)
