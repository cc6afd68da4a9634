"""Helpers for the lab.windows.simwin tests (imported by test_simwin_*.py): run real ansible / ansible-playbook from the venv running pytest."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

LAB = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
ROOT = os.path.abspath(os.path.join(LAB, "..", ".."))
BIN = os.path.dirname(sys.executable)
COLLECTIONS = os.path.join(LAB, "collections")
sys.path.insert(0, COLLECTIONS)


def _env(state_dir: str, **extra: str) -> dict:
    env = dict(os.environ)
    env.update(ANSIBLE_CONFIG=os.path.join(LAB, "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".cache", "collections") + os.pathsep + COLLECTIONS,
               ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false", ANSIBLE_NOCOLOR="1", ANSIBLE_DEPRECATION_WARNINGS="false",
               LAB_STATE_DIR=state_dir, LAB_ROUNDTRIP_REPORT=os.path.join(state_dir, "roundtrips.json"),
               PATH=BIN + os.pathsep + os.environ.get("PATH", ""))
    env.update(extra)
    return env


class Lab:
    """A private copy of the lab (state in a pytest tmp dir), driven with the current venv."""

    def __init__(self, state_dir: str) -> None:
        self.state_dir = state_dir
        from ansible_collections.lab.windows.plugins.module_utils import seed
        seed.reset(os.path.join(LAB, "states"), state_dir)

    def state(self, host: str) -> dict:
        with open(os.path.join(self.state_dir, host + ".json"), encoding="utf-8") as f:
            return json.load(f)

    def raw_state(self, host: str) -> bytes:
        with open(os.path.join(self.state_dir, host + ".json"), "rb") as f:
            return f.read()

    def domains(self) -> dict:
        with open(os.path.join(self.state_dir, "_domains.json"), encoding="utf-8") as f:
            return json.load(f)

    def report(self) -> dict:
        with open(os.path.join(self.state_dir, "roundtrips.json"), encoding="utf-8") as f:
            return json.load(f)

    def adhoc(self, host: str, module: str, args: str = "", *extra: str, env: dict | None = None, oneline: bool = True):
        cmd = [os.path.join(BIN, "ansible"), "-i", os.path.join(LAB, "inventory"), host, "-m", module]
        cmd += ["-o"] if oneline else []
        cmd += (["-a", args] if args else []) + list(extra)
        return subprocess.run(cmd, cwd=ROOT, env=_env(self.state_dir, **(env or {})), capture_output=True, text=True, check=False)

    def playbook(self, playbook: str, *extra: str, env: dict | None = None):
        cmd = [os.path.join(BIN, "ansible-playbook"), "-i", os.path.join(LAB, "inventory"), playbook, *extra]
        return subprocess.run(cmd, cwd=ROOT, env=_env(self.state_dir, **(env or {})), capture_output=True, text=True, check=False)


def recap(stdout: str, host: str) -> dict:
    m = re.search(r"^%s\s*:\s*(.*)$" % re.escape(host), stdout.split("PLAY RECAP")[-1], re.M)
    assert m, stdout[-3000:]
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", m.group(1))}


@pytest.fixture
def simlab(tmp_path):
    return Lab(str(tmp_path))
