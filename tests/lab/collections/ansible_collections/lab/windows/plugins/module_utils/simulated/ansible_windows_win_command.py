# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_command (ansible.windows 3.3.0): only the allow-list in _commands.py.
from __future__ import annotations

from ansible_collections.lab.windows.plugins.module_utils.simulated import _commands

SUPPORTS_CHECK_MODE = False
EXTRA_OPTIONS = {"_raw_params": {"type": "str"}}
REQUIRED_ONE_OF = [["_raw_params", "argv", "cmd"]]
MUTUALLY_EXCLUSIVE = [["_raw_params", "argv", "cmd"]]


def simulate(host, args, check_mode, diff):
    if args["argv"]:
        line = " ".join('"%s"' % a if " " in a else a for a in args["argv"])
    else:
        line = args["cmd"] or args["_raw_params"]
    return _commands.run(host, line, args, check_mode)
