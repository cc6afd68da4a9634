# -*- coding: utf-8 -*-
# Simulation of entra.app_proxy.reboot_marker (plugins/modules/reboot_marker.ps1): a volatile registry key,
# which the lab's restart drops as Windows does.
from __future__ import annotations

KEY = r"HKLM:\SOFTWARE\Ansible\entra.app_proxy\RebootPending"


def simulate(host, args, check_mode, diff):
    changed = not host.reg_key_exists(KEY)
    if changed and not check_mode:
        host.reg_create_key(KEY, volatile=True)
    return {"changed": changed, "key": KEY}
