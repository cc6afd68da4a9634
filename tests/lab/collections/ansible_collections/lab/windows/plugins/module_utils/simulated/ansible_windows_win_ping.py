# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_ping (ansible.windows 3.3.0 docs).
from __future__ import annotations


def simulate(host, args, check_mode, diff):
    if args["data"] == "crash":
        raise host.fail("boom", exception="Exception: boom")  # the real module throws on this value
    return {"changed": False, "ping": args["data"]}
