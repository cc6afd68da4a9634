# -*- coding: utf-8 -*-
# Test-only callback plugin: loads the simulated Windows connection once per run. Never shipped.
from __future__ import annotations

DOCUMENTATION = r"""
name: preload
type: aggregate
short_description: Load the lab's simulated Windows connection once, before ansible forks its workers
description:
  - ansible-core runs each task of each host in a forked worker. The simulated connection and its module
    simulations are collection code, which ansible's collection loader compiles from source, without a
    bytecode cache, in every worker that imports it (about 30 ms of controller CPU per task execution).
  - Imported once in the main process, they are inherited by every worker, so the lab's controller CPU
    figures (tests/benchmarks) count ansible-core and entra.app_proxy, not the compiling of the simulator.
    A real WinRM or PSRP connection plugin is loaded by each worker from its own bytecode cache.
  - Enabled by tests/lab/ansible.cfg. It changes no result; without it the lab runs the same, slower.
    C(LAB_PRELOAD=0) turns it off, to measure what the compiling costs.
author: entra.app_proxy maintainers
version_added: 0.1.0
"""

import importlib
import os

from ansible.plugins.callback import CallbackBase
from ansible.plugins.loader import connection_loader


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "lab.windows.preload"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if os.environ.get("LAB_PRELOAD", "1") == "0":
            return
        connection_loader.get("lab.windows.simwin", class_only=True)
        runner = importlib.import_module("ansible_collections.lab.windows.plugins.module_utils.runner")
        for name in runner.available():
            importlib.import_module("%s.%s" % (runner.SIM_PACKAGE, name))
