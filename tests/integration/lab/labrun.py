# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Drive the lab for the lifecycle tests, tools/lab.sh and the benchmark.

Runs the collection's playbooks on the lab's simulated Windows hosts through tests/lab/labctl.py,
with the fake tenant kept up between runs (so a second run sees what the first registered), and
reads back what the runs left: the play recap, the hosts' state files, the fake tenant's admin
view and the round-trip report.
"""
from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import secrets
import subprocess
import sys
import typing as t

REPO = pathlib.Path(__file__).resolve().parents[3]
LAB = REPO / "tests" / "lab"
# LAB_STATE_DIR (honoured by labctl.py and the lab inventory too) keeps parallel runs apart.
STATE = pathlib.Path(os.environ.get("LAB_STATE_DIR") or LAB / "state")
LABCTL = LAB / "labctl.py"
LAB_VARS = pathlib.Path(__file__).resolve().parent / "lab_vars.yml"
LOCALHOST = pathlib.Path(__file__).resolve().parent / "localhost.yml"
# A throwaway secret per test process: the -vvvv test checks that it never shows up.
JOIN_PASSWORD = "Join-" + secrets.token_urlsafe(12)
RECAP = re.compile(r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
                   r"\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)"
                   r"\s+ignored=(?P<ignored>\d+)", re.M)


def python() -> str:
    venv = os.environ.get("LAB_VENV", "newest")
    exe = REPO / ".venv" / venv / "bin" / "python"
    return str(exe) if exe.exists() else sys.executable


def labctl(*args: str, env: dict[str, str] | None = None, check: bool = True) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    proc = subprocess.run([python(), str(LABCTL), *args], cwd=REPO, env=full_env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if check and proc.returncode != 0:
        raise RuntimeError("labctl %s failed (rc %d):\n%s" % (" ".join(args), proc.returncode, proc.stdout[-4000:]))
    return proc


class Run(t.NamedTuple):
    rc: int
    output: str
    recap: dict[str, dict[str, int]]


def recap(output: str) -> dict[str, dict[str, int]]:
    """The PLAY RECAP counts per host (the last recap when the output holds several)."""
    found: dict[str, dict[str, int]] = {}
    for m in RECAP.finditer(output):
        found[m.group("host")] = {k: int(v) for k, v in m.groupdict().items() if k != "host"}
    return found


def run_playbook(playbook: str, *args: str, env: dict[str, str] | None = None) -> Run:
    """ansible-playbook on the lab inventory through labctl (which passes the tenant's settings)."""
    # The lab's hosts are in the inventory group "connectors"; the playbooks default to app_proxy_connectors.
    env = dict(env or {})
    env.setdefault("LAB_DOMAIN_JOIN_PASSWORD", JOIN_PASSWORD)
    proc = labctl("run", playbook, "--", "-i", str(LOCALHOST), "-e", "app_proxy_hosts=connectors",
                  "-e", "@" + str(LAB_VARS), *args, env=env, check=False)
    return Run(proc.returncode, proc.stdout, recap(proc.stdout))


def tenant() -> dict[str, t.Any]:
    return json.loads((STATE / "tenant.json").read_text())


def admin():
    """The fake tenant's admin client (the tenant must be up: labctl tenant start)."""
    sys.path.insert(0, str(LAB))
    from fake_tenant.client import AdminClient  # noqa: E402  (test double, not part of the collection)

    info = tenant()
    return AdminClient(info["admin_url"], info["ca_bundle"])


@contextlib.contextmanager
def tenant_up(env: dict[str, str] | None = None):
    """Keep the fake tenant running for the block, so several runs share one tenant."""
    labctl("tenant", "start", env=env)
    try:
        yield admin()
    finally:
        labctl("tenant", "stop", env=env, check=False)


def host_state(host: str) -> dict[str, t.Any]:
    return json.loads((STATE / ("%s.json" % host)).read_text())


def roundtrips() -> dict[str, t.Any]:
    path = STATE / "roundtrips.json"
    return json.loads(path.read_text()) if path.exists() else {"hosts": {}, "totals": {}}


def connectors_by_machine(state: dict[str, t.Any]) -> dict[str, list[dict[str, t.Any]]]:
    """The admin view's connectors grouped by lower-case machine name, with their group's name."""
    groups = {g["id"]: g["name"] for g in state["groups"]}
    out: dict[str, list[dict[str, t.Any]]] = {}
    for c in state["connectors"]:
        entry = dict(c, group_name=groups.get(c.get("group_id")))
        out.setdefault(c["machineName"].lower(), []).append(entry)
    return out


def active_connector(state: dict[str, t.Any], machine: str) -> dict[str, t.Any] | None:
    found = [c for c in connectors_by_machine(state).get(machine.lower(), []) if c["status"] == "active"]
    return found[0] if len(found) == 1 else None


def machine_name(host: str, host_file: dict[str, t.Any]) -> str:
    """The connector's machine name for a lab host: its FQDN as ansible.windows.setup reports it."""
    facts = host_file.get("facts", {})
    short = str(facts.get("hostname") or host.split(".")[0]).lower()[:15]
    dom = host_file.get("domain", {})
    return "%s.%s" % (short, dom["dns_domain_name"]) if dom.get("joined") and dom.get("dns_domain_name") else short


_INVENTORY: dict[str, t.Any] = {}


def inventory() -> dict[str, t.Any]:
    """The lab inventory's host variables (ansible-inventory --list), read once."""
    if not _INVENTORY:
        exe = pathlib.Path(python()).with_name("ansible-inventory")
        env = dict(os.environ, ANSIBLE_CONFIG=str(LAB / "ansible.cfg"))
        out = subprocess.run([str(exe), "-i", str(LAB / "inventory"), "--list"], cwd=LAB, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
        _INVENTORY.update(json.loads(out))
    return _INVENTORY


def hostvars(host: str) -> dict[str, t.Any]:
    return inventory().get("_meta", {}).get("hostvars", {}).get(host, {})


def expected_group(host: str) -> str | None:
    return hostvars(host).get("app_proxy_connector_group")


def trust_thumbprint(host_file: dict[str, t.Any]) -> str | None:
    """The thumbprint in the host's TrustSettings.xml, whichever layout wrote it."""
    import xml.etree.ElementTree as ET

    for key, entry in host_file.get("files", {}).items():
        if key.lower().endswith("\\config\\trustsettings.xml") and entry.get("text"):
            root = ET.fromstring(entry["text"].strip().encode("utf-8"))
            return (root.findtext("CloudProxyTrust/Thumbprint") or "").strip() or None
    return None


def graph_writes(state_with_counts: dict[str, t.Any]) -> int:
    return int(state_with_counts.get("counts", {}).get("totals", {}).get("graph_writes", 0))


def tenant_password() -> str:
    """The lab admin's password, from the fake tenant's owner-only file (never printed)."""
    data = json.loads((STATE / "fake_tenant" / "tenant.json").read_text())
    return data["users"]["admin"]["password"]
