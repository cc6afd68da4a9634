# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab off port 443, as an ordinary user gets it: the fake tenant listens on an unprivileged port and
the run signs in with a device code that the tenant approves itself (MSAL's password flow would ask
/common/userrealm on port 443 whatever the authority says). LAB_TENANT_PORT forces the port even as root."""
from __future__ import annotations

import socket

import labkit

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


def test_lab_signs_in_with_a_device_code_on_an_unprivileged_port(make_lab, monkeypatch):
    port = _free_port()
    monkeypatch.setenv("LAB_TENANT_PORT", str(port))
    lab = make_lab("win2022-clean")
    play = lab.path("play.yml")
    play.write_text(PLAY)
    with lab.tenant_up():
        run = lab.playbook(play, "-i", str(labkit.LOCALHOST), tenant=True)
    assert run.rc == 0, run.output[-4000:]
    assert "method=device_code groups=1" in run.stdout, "the fresh tenant has its default group"
    assert ":%d/devicelogin" % port in run.output, "one device-code prompt, on the unprivileged port"
    assert run.output.count("/devicelogin") == 1
    log = lab.path("fake_tenant/requests.log").read_text()
    assert "/common/userrealm" not in log
    assert lab.tenant_secrets()["authority_host"].endswith(":%d" % port)
