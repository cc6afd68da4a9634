"""tests/lab/playbooks/simulated_modules.yml: every simulated upstream module, run twice on the lab,
effects read back from the host state files, the shared AD and the round-trip report."""
from __future__ import annotations

import os

import pytest
import yaml

import labkit  # noqa: E402

from ansible_collections.lab.windows.plugins.module_utils import installers, runner  # noqa: E402

PLAYBOOK = os.path.join(str(labkit.LAB), "playbooks", "simulated_modules.yml")
HOST = "win2019-kcd"
# Action-only modules: nothing to simulate on the host, but the playbook must drive them too.
ACTION_ONLY = {"ansible.windows.win_template", "ansible.windows.win_reboot"}


def _fqcn(sim_name: str) -> str:
    for prefix in ("ansible_windows_", "community_windows_", "microsoft_ad_"):
        if sim_name.startswith(prefix):
            return prefix[:-1].replace("_", ".", 1) + "." + sim_name[len(prefix):]
    return ""


def _tasks_modules() -> set[str]:
    with open(PLAYBOOK, encoding="utf-8") as f:
        plays = yaml.safe_load(f)
    used = {"ansible.windows.setup"} if plays[0].get("gather_facts") else set()
    for task in plays[0]["tasks"]:
        used.update(k for k in task if k.count(".") == 2)
    return used


def test_playbook_uses_every_simulated_upstream_module():
    upstream = {_fqcn(n) for n in runner.available()} - {""}
    assert len(upstream) >= 20
    missing = (upstream | ACTION_ONLY) - _tasks_modules()
    assert not missing, "simulated_modules.yml does not use: %s" % ", ".join(sorted(missing))


@pytest.fixture
def tenant(simlab):
    if not (labkit.LAB / "fake_tenant").is_dir():
        pytest.skip("tests/lab/fake_tenant is not there")
    simlab.tenant_start()
    yield
    simlab.tenant_stop()


def test_twice_then_changed_zero(simlab, tenant):
    first = simlab.playbook(PLAYBOOK)
    r1 = first.host(HOST)
    assert r1["failed"] == 0 and r1["changed"] >= 15, first.stdout[-4000:]
    report1 = simlab.roundtrips()["hosts"][HOST]
    second = simlab.playbook(PLAYBOOK, keep_report=True)
    r2 = second.host(HOST)
    assert r2["failed"] == 0 and r2["changed"] == 0, second.stdout[-4000:]

    s = simlab.state(HOST)
    reg = s["registry"]
    tls = reg["hklm:\\system\\currentcontrolset\\control\\securityproviders\\schannel\\protocols\\tls 1.2\\client"]["values"]
    assert tls["enabled"]["data"] == 1 and tls["disabledbydefault"]["data"] == 0
    http2 = reg["hklm:\\software\\microsoft\\windows\\currentversion\\internet settings\\winhttp"]["values"]
    assert http2["enabledefaulthttp2"]["data"] == 0
    # the installer came from the fake tenant, once, and installed the new layout; its rc 3010 caused a reboot
    assert s["downloads"]["count"] == 1
    new = installers.LAYOUTS["new"]
    assert s["files"][(new["program"] + "\\" + new["service_exe"]).lower()]["version"] == "1.5.4892.0"
    assert s["packages"][new["product_id"].lower()]["version"] == "1.5.4892.0"
    assert {n: v["state"] for n, v in s["services"].items() if n.startswith("wapc")} == \
        {"wapcsvc": "running", "wapcupdatersvc": "running"}
    assert s["boot"]["boot_count"] == 2 and s["boot"]["pending"] == []  # installer reboot + domain join reboot
    assert s["services"]["bits"]["start_mode"] == "auto" and s["services"]["bits"]["state"] == "running"
    assert s["features"]["rsat-ad-powershell"]["installed"] is True
    rule = s["firewall_rules"]["entra private network connector https out"]
    assert (rule["direction"], rule["action"], rule["remoteport"]) == ("out", "allow", "443")
    config = s["files"][(new["program"] + "\\" + new["service_exe"] + ".config").lower()]["text"]
    assert '<defaultProxy enabled="false"' in config and config.count("<system.net>") == 1
    assert s["proxy"]["winhttp"]["proxy"] == "proxy.contoso.example:8080"
    assert s["proxy"]["inet"]["auto_detect"] is False
    assert s["files"]["c:\\lab\\lab.config"]["text"].count('value="Lab East"') == 1
    assert s["domain"]["joined"] and s["domain"]["dns_domain_name"] == "contoso.example"
    ad = simlab.domains()["contoso.example"]
    comp = ad["computers"]["win2019-kcd"]
    assert "HTTP/win2019-kcd.contoso.example" in comp["spn"]
    assert comp["attributes"]["msds-allowedtodelegateto"] == ["http/web01.contoso.example", "http/web01"]
    # the builtin group by its SID: in the German lab forest it carries its German name
    group = next(g for g in ad["groups"].values() if g.get("sid") == "S-1-5-32-560")
    assert comp["dn"] in group["members"]
    assert ad["users"]["svc-web"]["delegates"] == [comp["dn"]]
    # round trips of both runs: the rerun makes fewer module executions than the first run and downloads nothing
    report = simlab.roundtrips()["hosts"][HOST]
    assert report["downloads"] == report1["downloads"] == 1
    assert report["modules"] - report1["modules"] < report1["modules"]
    assert report["by_module"]["ansible.windows.win_get_url"] == 2
