"""Run real ansible-playbook against the fake tenant (tests/lab/fake_tenant), for the Graph module lab tests.

Used by the tests in this folder and by tests/benchmarks/graph_requests.py. The toolchain is
``LAB_TOOLCHAIN`` (``newest`` by default, or ``oldest``); ``tools/setup.sh`` runs once per process
so the installed collection is the current tree, unless ``LAB_SKIP_SETUP=1``. With
``LAB_PRIVATE_INSTALL=1`` each lab builds and installs the tree into its own scratch directory
instead, ahead of .cache/collections on the collections path.

Secrets (passwords, client secret, supplied tokens) reach ansible-playbook only through ENTRA_*
environment variables, never through files or the command line.
"""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
PLAYBOOKS = Path(__file__).resolve().parent / "playbooks"
sys.path.insert(0, str(REPO / "tests" / "lab"))

from fake_tenant import start_tenant  # noqa: E402  (test double, not shipped)

_SETUP_DONE = set()


def toolchain() -> str:
    name = os.environ.get("LAB_TOOLCHAIN", "newest")
    if name not in ("newest", "oldest"):
        raise ValueError("LAB_TOOLCHAIN must be newest or oldest, not %r" % name)
    return name


def ensure_setup(name: str) -> None:
    """Rebuild and reinstall the collection once per process, so the lab runs the current tree."""
    if name in _SETUP_DONE or os.environ.get("LAB_SKIP_SETUP") == "1":
        return
    subprocess.run([str(REPO / "tools" / "setup.sh"), name], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    _SETUP_DONE.add(name)


def private_install(workdir: Path) -> Path:
    """Build the tree's tarball and install it under workdir, as tools/setup.sh does for .cache/collections.

    For LAB_PRIVATE_INSTALL=1: runs then see no window where another process reinstalls the shared copy.
    """
    dest = workdir / "collections"
    dist = workdir / "dist"
    galaxy = str(REPO / ".venv" / "newest" / "bin" / "ansible-galaxy")
    subprocess.run([galaxy, "collection", "build", str(REPO), "--output-path", str(dist), "--force"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    tarball = next(dist.glob("entra-app_proxy-*.tar.gz"))
    subprocess.run([galaxy, "collection", "install", "--offline", "--no-deps", "--force", "-p", str(dest),
                    str(tarball)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return dest


@dataclasses.dataclass
class Run:
    rc: int
    stdout: str
    stderr: str
    results: dict
    results_text: str
    elapsed: float

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


class Lab:
    """One fake tenant plus a scratch directory; run(playbook, ...) runs ansible-playbook on it."""

    def __init__(self, workdir: Path, name: str | None = None, **tenant_options):
        self.toolchain = name or toolchain()
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.collections = [REPO / ".cache" / "collections", REPO / "tests" / "lab" / "collections"]
        if os.environ.get("LAB_PRIVATE_INSTALL") == "1":
            self.collections.insert(0, private_install(self.workdir))
        else:
            ensure_setup(self.toolchain)
        self.tenant = start_tenant(self.workdir / "tenant", **tenant_options)
        self.admin = self.tenant.admin
        self._runs = 0

    def stop(self) -> None:
        self.tenant.stop()

    # ---------------------------------------------------------------- credentials
    def user(self, key: str = "admin") -> dict:
        return self.tenant.users[key]

    def password_env(self, key: str = "admin") -> dict:
        return {"ENTRA_AUTH_METHOD": "password", "ENTRA_USERNAME": self.user(key)["username"],
                "ENTRA_PASSWORD": self.user(key)["password"]}

    def graph_auth(self, token_cache_path: Path | None = None, **overrides) -> dict:
        """Module options every Graph task gets through module_defaults (no secrets in here)."""
        auth = {"tenant_id": self.tenant.tenant_id, "authority_host": self.tenant.authority_host,
                "graph_endpoint": self.tenant.graph_endpoint, "ca_bundle": self.tenant.ca_bundle,
                "token_cache_path": str(token_cache_path or self.workdir / "msal_cache.json")}
        auth.update(overrides)
        return auth

    # ---------------------------------------------------------------- runs
    def env(self, auth_env: dict) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ENTRA_", "ANSIBLE_"))}
        venv = REPO / ".venv" / self.toolchain
        env.update({
            "PATH": "%s:%s" % (venv / "bin", env.get("PATH", "")),
            "VIRTUAL_ENV": str(venv),
            "ANSIBLE_COLLECTIONS_PATH": ":".join(str(p) for p in self.collections),
            "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
            "ANSIBLE_LOCAL_TEMP": str(self.workdir / "ansible-tmp"),
            "ANSIBLE_REMOTE_TMP": str(self.workdir / "ansible-remote-tmp"),
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_DEPRECATION_WARNINGS": "false",
        })
        env.update(auth_env)
        return env

    def run(self, playbook: str, extra_vars: dict, auth_env: dict | None = None, check: bool = False,
            diff: bool = True, verbosity: int = 0, timeout: int = 240) -> Run:
        self._runs += 1
        run_dir = self.workdir / ("run%03d" % self._runs)
        run_dir.mkdir()
        result_file = run_dir / "results.json"
        vars_file = run_dir / "vars.json"
        extra = dict(extra_vars, result_file=str(result_file),
                     ansible_python_interpreter=str(REPO / ".venv" / self.toolchain / "bin" / "python"))
        extra.setdefault("graph_auth", self.graph_auth())
        vars_file.write_text(json.dumps(extra))
        cmd = ["ansible-playbook", str(PLAYBOOKS / playbook), "-i", "localhost,", "-c", "local",
               "-e", "@%s" % vars_file]
        if check:
            cmd.append("--check")
        if diff:
            cmd.append("--diff")
        if verbosity:
            cmd.append("-" + "v" * verbosity)
        env = self.env(auth_env if auth_env is not None else self.password_env())
        started = time.monotonic()
        proc = subprocess.run(cmd, cwd=str(run_dir), env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, timeout=timeout, check=False)  # the tests assert on rc
        elapsed = time.monotonic() - started
        text = result_file.read_text() if result_file.exists() else ""
        return Run(proc.returncode, proc.stdout, proc.stderr, json.loads(text) if text else {}, text, elapsed)

    # ---------------------------------------------------------------- tenant read-back
    def state(self) -> dict:
        return self.admin.state()

    def group(self, name: str) -> dict | None:
        return next((g for g in self.state()["groups"] if g["name"] == name), None)

    def counts(self) -> dict:
        return self.admin.counts()
