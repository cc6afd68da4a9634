# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.collect on the lab: one recording per host, read-only, decodable like the host itself."""
from __future__ import annotations

import datetime
import json
import sys

import labkit

sys.path.append(str(labkit.REPO / ".cache" / "collections"))  # the built collection the lab runs (tools/setup.sh)
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _host_facts  # noqa: E402

HOSTS = ("win2022-oldconnector", "win2022-proxy")
KEYS = ("registry", "files", "services", "packages", "firewall_rules", "proxy", "domain", "certificates")


def test_collect_saves_a_decodable_recording_and_changes_nothing(make_lab, tmp_path):
    lab_ = make_lab(*HOSTS)
    before = {h: lab_.state(h) for h in HOSTS}
    run = lab_.lifecycle("playbooks/collect.yml", "-l", ",".join(HOSTS), "-e", "collect_dir=%s" % tmp_path)
    for host in HOSTS:
        # the one change is the recording written on the controller
        assert run.recap[host]["failed"] == 0 and run.recap[host]["changed"] == 1, run.output[-3000:]
        after = lab_.state(host)
        assert all(after.get(k) == before[host].get(k) for k in KEYS), host
        recording = json.loads((tmp_path / ("%s.json" % host)).read_text())
        assert recording["format"] == "entra.app_proxy server_info raw facts"
        decoded = _host_facts.decode(recording["raw"], datetime.datetime.now(datetime.timezone.utc))
        assert decoded["os"]["computer_name"] == before[host]["facts"]["hostname"]
    old = json.loads((tmp_path / "win2022-oldconnector.json").read_text())["raw"]
    decoded = _host_facts.decode(old, datetime.datetime.now(datetime.timezone.utc))
    assert decoded["connector"]["layout"] == "old" and decoded["registration"]["state"] == "registered"
    assert "layouts found old" in run.output
