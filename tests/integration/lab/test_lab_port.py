# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab off port 443, as an ordinary user gets it: the fake tenant listens on an unprivileged port and
the run signs in with a device code that the tenant approves itself (MSAL's password flow would ask
/common/userrealm on port 443 whatever the authority says). LAB_TENANT_PORT forces the port even as root."""
from __future__ import annotations

import json
import os
import socket
import subprocess

import labrun

PLAY = """
- hosts: localhost
  gather_facts: false
  tasks:
    - name: Read the connector groups with the lab's sign-in
      entra.app_proxy.connector_group_info:
      register: found
    - name: Show the sign-in method
      ansible.builtin.debug:
        msg: "method={{ lookup('ansible.builtin.env', 'ENTRA_AUTH_METHOD') }} groups={{ found.groups | length }}"
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_lab_signs_in_with_a_device_code_on_an_unprivileged_port(tmp_path):
    port = _free_port()
    env = dict(os.environ, LAB_STATE_DIR=str(tmp_path / "state"), LAB_TENANT_PORT=str(port))
    play = tmp_path / "play.yml"
    play.write_text(PLAY)
    labctl = [labrun.python(), str(labrun.LABCTL)]
    proc = subprocess.run(labctl + ["run", str(play), "--", "-i", str(labrun.LOCALHOST)], cwd=labrun.REPO, env=env,
                          text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "method=device_code groups=1" in proc.stdout, "the fresh tenant has its default group"
    assert ":%d/devicelogin" % port in proc.stdout, "one device-code prompt, on the unprivileged port"
    assert proc.stdout.count("/devicelogin") == 1
    log = (tmp_path / "state" / "fake_tenant" / "requests.log").read_text()
    assert "/common/userrealm" not in log
    info = json.loads((tmp_path / "state" / "fake_tenant" / "tenant.json").read_text())
    assert info["authority_host"].endswith(":%d" % port)
