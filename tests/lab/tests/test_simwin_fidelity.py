"""Behaviours copied from the real modules: win_firewall_rule selecting by group, win_copy remote_src
with force=false, and the fixed commands the roles run (netsh firewall policy, taskkill explorer)."""
from __future__ import annotations

import json
import os
import re


HOST = "win2022-clean"

FIREWALL = """
- hosts: %(host)s
  gather_facts: false
  tasks:
    - name: Two rules in the group, one outside it
      community.windows.win_firewall_rule:
        name: "{{ item.name }}"
        group: "{{ item.group }}"
        direction: out
        action: allow
        protocol: tcp
        remoteport: "443"
      loop:
        - {name: Lab A, group: Lab Group}
        - {name: Lab B, group: Lab Group}
        - {name: Lab C, group: Other Group}
    - name: Group only, present - updates every rule of the group
      community.windows.win_firewall_rule:
        group: lab group
        enabled: false
      register: r_update
    - name: Group only, present, unknown group - creates nothing
      community.windows.win_firewall_rule:
        group: Empty Group
        enabled: false
      register: r_empty
    - name: Neither name nor group
      community.windows.win_firewall_rule:
        enabled: false
      register: r_neither
      ignore_errors: true
    - name: Group only, absent - removes every rule of the group
      community.windows.win_firewall_rule:
        group: Lab Group
        state: absent
      register: r_absent
      diff: true
    - name: Group only, absent again
      community.windows.win_firewall_rule:
        group: Lab Group
        state: absent
      register: r_absent2
    - name: Keep the results
      ansible.builtin.copy:
        content: "{{ {'update': r_update, 'empty': r_empty, 'neither': r_neither, 'absent': r_absent, 'absent2': r_absent2} | to_json }}"
        dest: "%(out)s"
      delegate_to: localhost
"""

COPY = """
- hosts: %(host)s
  gather_facts: false
  tasks:
    - name: The folder
      ansible.windows.win_file:
        path: C:\\Lab
        state: directory
    - name: Source and an existing destination
      ansible.windows.win_copy:
        content: "{{ item.text }}"
        dest: "{{ item.dest }}"
      loop:
        - {text: new content, dest: 'C:\\Lab\\src.txt'}
        - {text: old content, dest: 'C:\\Lab\\dest.txt'}
    - name: In order, force=false keeps an existing dest, still creates a missing one; force=true (default) overwrites
      ansible.windows.win_copy:
        src: C:\\Lab\\src.txt
        dest: "{{ item.dest }}"
        remote_src: true
        force: "{{ item.force | default(omit) }}"
      loop:
        - {case: keep, dest: 'C:\\Lab\\dest.txt', force: false}
        - {case: fresh, dest: 'C:\\Lab\\fresh.txt', force: false}
        - {case: force, dest: 'C:\\Lab\\dest.txt'}
      register: r_copy
    - name: Keep the results
      ansible.builtin.copy:
        content: "{{ dict(r_copy.results | map(attribute='item.case') | zip(r_copy.results)) | to_json }}"
        dest: "%(out)s"
      delegate_to: localhost
"""


def _run(simlab, tmp_path, text):
    out = tmp_path / "results.json"
    book = tmp_path / "book.yml"
    book.write_text(text % {"host": HOST, "out": str(out)})
    proc = simlab.playbook(str(book))
    r = proc.host(HOST)
    assert r["failed"] == 0, proc.stdout[-4000:]
    return json.loads(out.read_text())


def test_firewall_rule_group_without_name(simlab, tmp_path):
    res = _run(simlab, tmp_path, FIREWALL)
    assert res["update"]["changed"] is True
    assert res["update"]["msg"] == "Firewall rule(s) changed 'Lab A', 'Lab B' - unchanged ''"
    assert res["empty"]["changed"] is False
    assert res["neither"]["failed"] is True and res["neither"]["msg"] == "Either name or group must be specified"
    assert res["absent"]["changed"] is True and res["absent"]["msg"] == "Firewall rule(s) 'Lab A', 'Lab B' removed."
    assert "-[Lab A]" in res["absent"]["diff"]["prepared"]
    assert res["absent2"]["changed"] is False
    assert res["absent2"]["msg"] == "No firewall rules in group 'Lab Group' exist."
    rules = simlab.state(HOST)["firewall_rules"]
    assert "lab a" not in rules and "lab b" not in rules
    assert rules["lab c"]["group"] == "Other Group" and rules["lab c"]["enabled"] is True
    assert not [r for r in rules.values() if r.get("group") == "Empty Group"]


def test_copy_remote_src_force_false(simlab, tmp_path):
    res = _run(simlab, tmp_path, COPY)
    files = simlab.state(HOST)["files"]
    assert res["keep"]["changed"] is False and res["keep"]["checksum"] is None
    assert res["fresh"]["changed"] is True and files["c:\\lab\\fresh.txt"]["text"] == "new content"
    assert res["force"]["changed"] is True and res["force"]["checksum"] == files["c:\\lab\\src.txt"]["sha1"]
    assert files["c:\\lab\\dest.txt"]["text"] == "new content"


COMMAND = """
- hosts: %(host)s
  gather_facts: false
  tasks:
    - name: The command
      ansible.windows.win_command: %(cmd)s
      register: r_cmd
      ignore_errors: true
    - name: Keep the result
      ansible.builtin.copy:
        content: "{{ r_cmd | to_json }}"
        dest: "%(out)s"
      delegate_to: localhost
"""


def _command(simlab, tmp_path, cmd):
    return _run(simlab, tmp_path, COMMAND.replace("%(cmd)s", cmd))


def _edit_state(simlab, fn):
    path = os.path.join(simlab.state_dir, HOST + ".json")
    state = simlab.state(HOST)
    fn(state)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(state, f)


def test_netsh_firewall_policy_per_profile(simlab, tmp_path):
    _edit_state(simlab, lambda s: s.update(firewall_policy={"public": "BlockInbound,BlockOutbound"}))
    res = _command(simlab, tmp_path, "netsh advfirewall show allprofiles firewallpolicy")
    assert res["rc"] == 0 and res["stdout"].rstrip().endswith("Ok.")
    # the firewall role's own pattern (roles/firewall/tasks/report.yml)
    pattern = r"^(Domain|Private|Public) Profile Settings:\s*\r?\n-+\s*\r?\n\s*Firewall Policy\s+\w+,(\w+)"
    found = dict(re.findall(pattern, res["stdout"], re.M))
    assert found == {"Domain": "AllowOutbound", "Private": "AllowOutbound", "Public": "BlockOutbound"}
    assert "\r\nFirewall Policy                       BlockInbound,AllowOutbound\r\n" in res["stdout"]


def test_taskkill_explorer(simlab, tmp_path):
    res = _command(simlab, tmp_path, "taskkill.exe /F /IM explorer.exe")
    assert res["rc"] == 0 and "SUCCESS" in res["stdout"]
    _edit_state(simlab, lambda s: s["facts"].update(installation_type="Server Core"))
    res = _command(simlab, tmp_path, "taskkill.exe /F /IM explorer.exe")
    assert res["rc"] == 128 and res["failed"] is True and "not found" in res["stderr"]
