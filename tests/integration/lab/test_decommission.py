# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.decommission on a lab host that site never ran on. The decommission of a host that site
installed is in test_site.py, on the host site installed there (one site run instead of two)."""
from __future__ import annotations

import labkit

OLD_HOST = "win2022-oldconnector"


def test_decommission_removes_a_version_the_current_installer_does_not_own(make_lab):
    """S2: the lab's current installer is a newer version than the old-layout connector installed here, and
    a bundle's /uninstall removes only its own version; the Add/Remove Programs entries remove both products."""
    lab = make_lab(OLD_HOST)
    installed = lab.state(OLD_HOST)
    assert {"wapcsvc", "wapcupdatersvc"} <= labkit.service_names(installed)
    with lab.tenant_up():
        run = lab.lifecycle("playbooks/decommission.yml", "--limit", "%s,localhost" % OLD_HOST)
    assert run.recap[OLD_HOST]["failed"] == 0, run.output[-4000:]
    after = lab.state(OLD_HOST)
    assert not {"wapcsvc", "wapcupdatersvc"} & labkit.service_names(after)
    assert not [p for p in after["packages"].values() if "connector" in p["name"].lower()], after["packages"]
    uninstalled = [e for e in after["history"] if e["event"] == "uninstall"]
    assert sorted((e["product"], e["layout"]) for e in uninstalled) == [("connector", "old"), ("updater", "old")]
    assert after["downloads"]["count"] == installed["downloads"]["count"], "no installer is fetched to uninstall"
