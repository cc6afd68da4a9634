# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab harness: one library for the lab tests (through tests/conftest.py), labctl.py, tools/lab.sh and
the benchmarks.

``Lab`` is one lab: a state directory of simulated Windows hosts (lab.windows.simwin) and, when a run needs
it, a fake tenant served from a detached process. ``TenantLab`` is a fake tenant served in this process, for
the Graph module tests that run playbooks on localhost only. Both run real ansible-playbook from the chosen
toolchain (``LAB_TOOLCHAIN``: newest or oldest) with the environment of ``ansible_env`` and give back a ``Run``.

The lab's expectations (which hosts fail preflight, and why) are host variables of the lab inventory:
``expected(...)`` reads them. Secrets (tenant passwords, client secret, join password) reach
ansible-playbook only as environment variables, never through files or the command line.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import os
import pathlib
import re
import secrets
import signal
import subprocess
import sys
import time
import typing as t
import urllib.parse

LAB = pathlib.Path(__file__).resolve().parent
REPO = LAB.parents[1]
SEEDS = LAB / "states"
COLLECTIONS = LAB / "collections"
INVENTORY = LAB / "inventory"
# The controller as an inventory host, and the lab's variables for the lifecycle playbooks (site and friends).
LOCALHOST = LAB / "lifecycle" / "localhost.yml"
LAB_VARS = LAB / "lifecycle" / "lab_vars.yml"
TENANT_PLAYBOOKS = REPO / "tests" / "integration" / "tenant" / "playbooks"
TARGETS = REPO / "tests" / "integration" / "targets"
for _path in (str(LAB), str(COLLECTIONS)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

RECAP = re.compile(r"^(?P<host>\S+)\s+:\s+ok=(?P<ok>\d+)\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)"
                   r"\s+failed=(?P<failed>\d+)\s+skipped=(?P<skipped>\d+)\s+rescued=(?P<rescued>\d+)"
                   r"\s+ignored=(?P<ignored>\d+)", re.M)
# A throwaway secret per process: the -vvvv tests check that it never shows up.
JOIN_PASSWORD = "Join-" + secrets.token_urlsafe(12)
# Keys of the fake tenant's start line that are secrets: never written outside the tenant's own 0600 file.
_SECRET_KEYS = ("users", "app")


def _running_toolchain() -> str | None:
    """The toolchain whose Python runs this process (.venv/<name>/bin/python), if it is one of the repo's."""
    parts = pathlib.Path(sys.executable).parts
    venvs = (REPO / ".venv").parts
    return parts[len(venvs)] if parts[:len(venvs)] == venvs and len(parts) > len(venvs) else None


def toolchain(name: str | None = None) -> str:
    """newest or oldest: the one named, else LAB_TOOLCHAIN, else the one running this process, else newest."""
    name = name or os.environ.get("LAB_TOOLCHAIN") or _running_toolchain() or "newest"
    if name not in ("newest", "oldest"):
        raise ValueError("LAB_TOOLCHAIN must be newest or oldest, not %r" % name)
    return name


def venv_bin(name: str | None = None) -> pathlib.Path:
    return REPO / ".venv" / toolchain(name) / "bin"


def ansible_env(toolchain_name: str | None = None, **extra: str) -> dict[str, str]:
    """The environment of every lab run: the toolchain, the installed collection, the lab configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ENTRA_", "ANSIBLE_"))}
    env.update(
        PATH=str(venv_bin(toolchain_name)) + os.pathsep + os.environ.get("PATH", ""),
        ANSIBLE_CONFIG=str(LAB / "ansible.cfg"),
        # the built copy of this collection (tools/setup.sh) and upstream collections, then the lab's own
        ANSIBLE_COLLECTIONS_PATH=str(REPO / ".cache" / "collections") + os.pathsep + str(COLLECTIONS),
        ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_DEPRECATION_WARNINGS="false",
        ANSIBLE_LOCALHOST_WARNING="false",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
    )
    env.update(extra)
    return env


def parse_recap(output: str) -> dict[str, dict[str, int]]:
    """The PLAY RECAP counts per host (the last recap when the output holds several)."""
    return {m.group("host"): {k: int(v) for k, v in m.groupdict().items() if k != "host"}
            for m in RECAP.finditer(output)}


@dataclasses.dataclass
class Run:
    """One ansible or ansible-playbook run: exit status, output, and what the playbook saved (results)."""
    rc: int
    stdout: str
    stderr: str = ""
    results: dict = dataclasses.field(default_factory=dict)
    results_text: str = ""
    elapsed: float = 0.0

    @property
    def output(self) -> str:
        return self.stdout + self.stderr

    @functools.cached_property
    def recap(self) -> dict[str, dict[str, int]]:
        return parse_recap(self.stdout)

    def host(self, name: str) -> dict[str, int]:
        """The recap of one host; fails the test with the output's tail when the host is missing."""
        assert name in self.recap, self.output[-3000:]
        return self.recap[name]

    def failed_hosts(self) -> set[str]:
        return {h for h, c in self.recap.items() if c["failed"] or c["unreachable"]}


def execute(cmd: list[str], env: dict[str, str], cwd: pathlib.Path | str = REPO, timeout: int = 900,
            results: pathlib.Path | None = None) -> Run:
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=str(cwd), env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)  # the callers assert on rc
    text = results.read_text() if results is not None and results.exists() else ""
    return Run(proc.returncode, proc.stdout, proc.stderr, json.loads(text) if text else {}, text,
               time.monotonic() - started)


# ------------------------------------------------------------------ the lab inventory and its expectations
@functools.lru_cache(maxsize=None)
def inventory(toolchain_name: str | None = None) -> dict[str, t.Any]:
    """The lab inventory as ansible-inventory --list resolves it (read once per process)."""
    exe = venv_bin(toolchain_name) / "ansible-inventory"
    out = subprocess.run([str(exe), "-i", str(INVENTORY), "--list"], cwd=LAB, env=ansible_env(toolchain_name),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def hostvars(host: str) -> dict[str, t.Any]:
    return inventory().get("_meta", {}).get("hostvars", {}).get(host, {})


def lab_hosts() -> list[str]:
    return sorted(inventory().get("_meta", {}).get("hostvars", {}))


def expected(check: str = "preflight", outcome: str = "fail") -> dict[str, str]:
    """Hosts whose inventory says ``lab_expect_<check>: <outcome>``, with ``lab_expect_reason``."""
    return {h: hostvars(h).get("lab_expect_reason", "") for h in lab_hosts()
            if hostvars(h).get("lab_expect_" + check) == outcome}


def unfit_hosts() -> set[str]:
    """Hosts that no run can make ready (site, prerequisites and preflight fail them)."""
    return set(expected("preflight", "fail"))


def unready_hosts() -> set[str]:
    """Hosts the read-only preflight fails: the unfit ones and those a remediating run fixes."""
    return unfit_hosts() | set(expected("preflight", "remediate"))


# ------------------------------------------------------------------ reading back the tenant's admin view
def connectors_by_machine(state: dict[str, t.Any]) -> dict[str, list[dict[str, t.Any]]]:
    """The admin view's connectors grouped by lower-case machine name, with their group's name."""
    groups = {g["id"]: g["name"] for g in state["groups"]}
    out: dict[str, list[dict[str, t.Any]]] = {}
    for c in state["connectors"]:
        out.setdefault(c["machineName"].lower(), []).append(dict(c, group_name=groups.get(c.get("group_id"))))
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


def trust_thumbprint(host_file: dict[str, t.Any]) -> str | None:
    """The thumbprint in the host's TrustSettings.xml, whichever layout wrote it."""
    import xml.etree.ElementTree as ET

    for key, entry in host_file.get("files", {}).items():
        if key.lower().endswith("\\config\\trustsettings.xml") and entry.get("text"):
            root = ET.fromstring(entry["text"].strip().encode("utf-8"))
            return (root.findtext("CloudProxyTrust/Thumbprint") or "").strip() or None
    return None


def service_names(host_file: dict[str, t.Any]) -> set[str]:
    """The lower-case names of a host's services."""
    values = host_file["services"].values() if isinstance(host_file["services"], dict) else host_file["services"]
    return {s["name"].lower() for s in values}


def graph_writes(counts: dict[str, t.Any]) -> int:
    return int(counts.get("totals", {}).get("graph_writes", 0))


def _port_of(url: str) -> int:
    return urllib.parse.urlsplit(url).port or 443


def sign_in_env(info: dict[str, t.Any], token_cache: pathlib.Path | str, user: str = "admin") -> dict[str, str]:
    """ENTRA_* settings for a run against a fake tenant: the password flow on port 443; elsewhere a device code
    that the tenant approves itself (MSAL's password flow asks /common/userrealm on port 443 whatever the
    authority says), one prompt per run with the run's token cache."""
    env = {"ENTRA_TENANT_ID": info["tenant_id"], "ENTRA_AUTHORITY_HOST": info["authority_host"],
           "ENTRA_GRAPH_ENDPOINT": info["graph_endpoint"], "ENTRA_CA_BUNDLE": info["ca_bundle"]}
    if info.get("registration_scope"):
        env["ENTRA_REGISTRATION_SCOPE"] = info["registration_scope"]
    if _port_of(info["authority_host"]) == 443:
        account = info.get("users", {}).get(user, {})
        env.update(ENTRA_AUTH_METHOD="password", ENTRA_TOKEN_CACHE="false")
        if account:
            env.update(ENTRA_USERNAME=account["username"], ENTRA_PASSWORD=account["password"])
    else:
        env.update(ENTRA_AUTH_METHOD="device_code", ENTRA_TOKEN_CACHE="true", ENTRA_TOKEN_CACHE_PATH=str(token_cache))
    return env


# ------------------------------------------------------------------ one lab: simulated hosts + a detached tenant
class Lab:
    """A lab state directory (LAB_STATE_DIR) with its hosts, its fake tenant and its runs."""

    def __init__(self, state_dir: pathlib.Path | str | None = None, toolchain_name: str | None = None) -> None:
        self.state_dir = pathlib.Path(state_dir or os.environ.get("LAB_STATE_DIR") or LAB / "state").resolve()
        self.toolchain = toolchain(toolchain_name)
        self._plays = 0

    # -------------------------------------------------------------- paths
    def path(self, name: str) -> pathlib.Path:
        return self.state_dir / name

    @property
    def report_path(self) -> pathlib.Path:
        return self.path("roundtrips.json")

    @property
    def token_cache(self) -> pathlib.Path:
        return self.path("msal_token_cache.json")

    # -------------------------------------------------------------- hosts
    def reset(self, *hosts: str) -> list[str]:
        """Copy the seeds (states/*.json) into the state directory: every host, or the ones named."""
        from ansible_collections.lab.windows.plugins.module_utils import seed  # noqa: E402  (the lab's own)

        done = seed.reset(str(SEEDS), str(self.state_dir), {h: h for h in hosts} if hosts else None)
        self.report_path.unlink(missing_ok=True)
        return done

    def scale(self, n: int, seed_host: str = "win2022-clean") -> pathlib.Path:
        """N identical hosts bench001..N and an inventory for them (benchmarks)."""
        from ansible_collections.lab.windows.plugins.module_utils import seed  # noqa: E402

        names = ["bench%03d" % i for i in range(1, n + 1)]
        seed.reset(str(SEEDS), str(self.state_dir), {name: seed_host for name in names})
        inv = {"all": {"children": {"windows": {"children": {"connectors": {"children": {"bench": {
            "hosts": {name: None for name in names}, "vars": {"app_proxy_connector_group": "Lab Bench"}}}}}}}}}
        path = self.path("scale_inventory.yml")
        path.write_text("# generated by labctl.py scale %d; use with -i tests/lab/inventory -i %s\n%s\n"
                        % (n, path, json.dumps(inv, indent=1)))
        return path

    def seeded_hosts(self) -> list[str]:
        return [h for h in lab_hosts() if self.path(h + ".json").exists()]

    def raw(self, host: str) -> bytes:
        return self.path(host + ".json").read_bytes()

    def state(self, host: str) -> dict[str, t.Any]:
        return json.loads(self.raw(host))

    def states(self, hosts: t.Iterable[str] | None = None) -> dict[str, dict[str, t.Any]]:
        return {h: self.state(h) for h in (self.seeded_hosts() if hosts is None else hosts)}

    def domains(self) -> dict[str, t.Any]:
        return json.loads(self.path("_domains.json").read_text())

    def domain(self, dns: str) -> dict[str, t.Any]:
        return self.domains()[dns]

    def roundtrips(self) -> dict[str, t.Any]:
        path = self.report_path
        return json.loads(path.read_text()) if path.exists() else {"hosts": {}, "totals": {}}

    def edit(self, host: str, fn: t.Callable[[t.Any], None]) -> None:
        """Change a host's state through the lab's own HostState API (test set-up only)."""
        from ansible_collections.lab.windows.plugins.module_utils.host_state import HostState  # noqa: E402

        path = self.path(host + ".json")
        data = json.loads(path.read_text())
        fn(HostState(host, data, str(self.state_dir)))
        path.write_text(json.dumps(data, indent=1))

    def edit_domains(self, fn: t.Callable[[dict[str, t.Any]], None]) -> None:
        path = self.path("_domains.json")
        data = json.loads(path.read_text())
        fn(data)
        path.write_text(json.dumps(data, indent=1))

    # -------------------------------------------------------------- the fake tenant (detached process)
    def tenant_address(self) -> str:
        """A loopback address stable for this state directory (URLs in host state stay valid across restarts),
        distinct between state directories; LAB_TENANT_HOST overrides it."""
        if os.environ.get("LAB_TENANT_HOST"):
            return os.environ["LAB_TENANT_HOST"]
        digest = hashlib.sha256(str(self.state_dir).encode()).digest()
        return "127.77.%d.%d" % (digest[0], max(2, digest[1] % 254))

    def tenant_port(self) -> int:
        """443 where the lab may bind it (root), else an unprivileged port stable for this state directory;
        LAB_TENANT_PORT overrides it. Off 443 the lab signs in with a device code (sign_in_env)."""
        if os.environ.get("LAB_TENANT_PORT"):
            return int(os.environ["LAB_TENANT_PORT"])
        if os.geteuid() == 0:
            return 443
        digest = hashlib.sha256(str(self.state_dir).encode()).digest()
        return 20000 + int.from_bytes(digest[2:4], "big") % 20000

    def _tenant_pid(self) -> int | None:
        try:
            pid = int(self.path("tenant.pid").read_text().strip())
            os.kill(pid, 0)
            return pid
        except (OSError, ValueError):
            return None

    def tenant_running(self) -> bool:
        return self._tenant_pid() is not None

    def tenant_start(self, timeout: float = 60.0) -> dict[str, t.Any]:
        """Start the fake tenant detached (unless it runs), wait for its start line; state/tenant.json gets
        the public part. Returns the public part."""
        if self.tenant_running():
            return self.tenant_info()
        self.state_dir.mkdir(parents=True, exist_ok=True)
        port = self.tenant_port()
        # Off 443 a device code sign-in is approved by the tenant itself (the lab has no admin at a browser).
        approve = ["--device-code-auto-approve-after", "0"] if port != 443 else []
        self.token_cache.unlink(missing_ok=True)  # tokens of an earlier tenant start are not valid in this one
        env = dict(os.environ, PYTHONPATH=str(LAB) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        log = self.path("tenant.log").open("wb")
        proc = subprocess.Popen([str(venv_bin(self.toolchain) / "python"), "-m", "fake_tenant",
                                 "--state-dir", str(self.path("fake_tenant")), "--host", self.tenant_address(),
                                 "--port", str(port)] + approve,
                                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        log.close()
        line = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not line.endswith(b"\n"):
            chunk = proc.stdout.readline()
            if not chunk and proc.poll() is not None:
                break
            line += chunk
        proc.stdout.close()
        if not line.strip():
            proc.kill()
            raise RuntimeError("lab: the fake tenant did not start (see %s)" % self.path("tenant.log"))
        info = json.loads(line)
        public = {k: v for k, v in info.items() if k not in _SECRET_KEYS}
        public["admin_username"] = info.get("users", {}).get("admin", {}).get("username")
        self.path("tenant.json").write_text(json.dumps(public, indent=1))
        self.path("tenant.pid").write_text(str(proc.pid))
        return public

    def tenant_stop(self) -> bool:
        pid = self._tenant_pid()
        if pid is None:
            return False
        os.kill(pid, signal.SIGTERM)
        for _attempt in range(50):
            if self._tenant_pid() is None:
                break
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.1)
        for name in ("tenant.pid", "tenant.json"):
            self.path(name).unlink(missing_ok=True)
        return True

    def tenant_info(self) -> dict[str, t.Any]:
        """The public part of the running tenant's start line."""
        return json.loads(self.path("tenant.json").read_text())

    def tenant_secrets(self) -> dict[str, t.Any]:
        """The whole start line, users and app included, from the tenant's own owner-only file (never printed)."""
        return json.loads(self.path("fake_tenant/tenant.json").read_text())

    def tenant_password(self, user: str = "admin") -> str:
        return self.tenant_secrets()["users"][user]["password"]

    def admin(self):
        """The running tenant's admin client."""
        from fake_tenant.client import AdminClient  # noqa: E402  (test double, not part of the collection)

        info = self.tenant_info()
        return AdminClient(info["admin_url"], info["ca_bundle"])

    @contextlib.contextmanager
    def tenant_up(self):
        """Keep the fake tenant running for the block (several runs share one tenant); yields its admin client."""
        self.tenant_start()
        try:
            yield self.admin()
        finally:
            self.tenant_stop()

    # -------------------------------------------------------------- runs
    def env(self, tenant: bool = False, **extra: str) -> dict[str, str]:
        env = ansible_env(self.toolchain, LAB_STATE_DIR=str(self.state_dir), LAB_ROUNDTRIP_REPORT=str(self.report_path))
        if tenant:
            env.update(sign_in_env(self.tenant_secrets(), self.token_cache))
        env.update(extra)
        return env

    def playbook(self, playbook: str | pathlib.Path, *args: str, tenant: bool = False,
                 env: dict[str, str] | None = None, keep_report: bool = False) -> Run:
        """ansible-playbook on the lab inventory; with tenant=True the fake tenant must be up (tenant_up).
        roundtrips() then counts this run alone, or with keep_report=True the runs since the last reset too."""
        if not keep_report:
            self.report_path.unlink(missing_ok=True)
        path = pathlib.Path(playbook)
        path = path if path.is_absolute() else REPO / path
        cmd = [str(venv_bin(self.toolchain) / "ansible-playbook"), "-i", str(INVENTORY), str(path), *args]
        return execute(cmd, self.env(tenant, **(env or {})))

    def lifecycle(self, playbook: str | pathlib.Path, *args: str, env: dict[str, str] | None = None) -> Run:
        """A collection playbook (site, decommission, ...) on the lab's connectors with the lab's variables, the
        controller as localhost and the tenant's sign-in (started here unless it runs: tenant_up keeps one)."""
        if not self.tenant_running():
            self.tenant_start()
        env = dict(env or {})
        env.setdefault("LAB_DOMAIN_JOIN_PASSWORD", JOIN_PASSWORD)
        return self.playbook(playbook, "-i", str(LOCALHOST), "-e", "app_proxy_hosts=connectors",
                             "-e", "@" + str(LAB_VARS), *args, tenant=True, env=env)

    def play(self, hosts: str, body: list[dict[str, t.Any]], *args: str, roles: bool = True,
             env: dict[str, str] | None = None) -> Run:
        """Run one play (a list of roles, or of tasks with roles=False) on the lab, without the tenant."""
        self._plays += 1
        play = {"hosts": hosts, "gather_facts": False, ("roles" if roles else "tasks"): body}
        path = self.path("play%03d.yml" % self._plays)
        path.write_text(json.dumps([play], indent=1))
        return self.playbook(path, *args, env=env)

    def role(self, hosts: str, role: str, variables: dict[str, t.Any] | None = None, *args: str) -> Run:
        entry: dict[str, t.Any] = {"role": "entra.app_proxy." + role}
        if variables:
            entry["vars"] = variables
        return self.play(hosts, [entry], *args)

    def target(self, host: str, name: str, *args: str) -> Run:
        """An ansible-test target of tests/integration/targets, on one lab host."""
        task = {"name": "Run the %s target" % name,
                "ansible.builtin.include_tasks": str(TARGETS / name / "tasks" / "main.yml")}
        return self.play(host, [task], *args, roles=False)

    def adhoc(self, host: str, module: str, args: str = "", *extra: str, env: dict[str, str] | None = None,
              oneline: bool = True) -> Run:
        cmd = [str(venv_bin(self.toolchain) / "ansible"), "-i", str(INVENTORY), host, "-m", module]
        cmd += (["-o"] if oneline else []) + (["-a", args] if args else []) + list(extra)
        return execute(cmd, self.env(**(env or {})))


# ------------------------------------------------------------------ a tenant in this process, for localhost playbooks
class TenantLab:
    """One fake tenant served in this process plus a scratch directory; run(playbook, ...) runs one of
    tests/integration/tenant/playbooks on localhost against it."""

    def __init__(self, workdir: pathlib.Path | str, toolchain_name: str | None = None, **tenant_options) -> None:
        from fake_tenant import start_tenant  # noqa: E402  (test double, not shipped)

        self.toolchain = toolchain(toolchain_name)
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.tenant = start_tenant(self.workdir / "tenant", **tenant_options)
        self.admin = self.tenant.admin
        self._runs = 0

    def stop(self) -> None:
        self.tenant.stop()

    def user(self, key: str = "admin") -> dict[str, t.Any]:
        return self.tenant.users[key]

    def password_env(self, key: str = "admin") -> dict[str, str]:
        return {"ENTRA_AUTH_METHOD": "password", "ENTRA_USERNAME": self.user(key)["username"],
                "ENTRA_PASSWORD": self.user(key)["password"]}

    def graph_auth(self, token_cache_path: pathlib.Path | None = None, **overrides) -> dict[str, t.Any]:
        """Module options every Graph task gets through module_defaults (no secrets in here)."""
        auth = {"tenant_id": self.tenant.tenant_id, "authority_host": self.tenant.authority_host,
                "graph_endpoint": self.tenant.graph_endpoint, "ca_bundle": self.tenant.ca_bundle,
                "token_cache_path": str(token_cache_path or self.workdir / "msal_cache.json")}
        auth.update(overrides)
        return auth

    def run(self, playbook: str, extra_vars: dict[str, t.Any], auth_env: dict[str, str] | None = None,
            check: bool = False, diff: bool = True, verbosity: int = 0, timeout: int = 240) -> Run:
        self._runs += 1
        run_dir = self.workdir / ("run%03d" % self._runs)
        run_dir.mkdir()
        result_file = run_dir / "results.json"
        vars_file = run_dir / "vars.json"
        extra = dict(extra_vars, result_file=str(result_file),
                     ansible_python_interpreter=str(venv_bin(self.toolchain) / "python"))
        extra.setdefault("graph_auth", self.graph_auth())
        vars_file.write_text(json.dumps(extra))
        cmd = [str(venv_bin(self.toolchain) / "ansible-playbook"), str(TENANT_PLAYBOOKS / playbook),
               "-i", "localhost,", "-c", "local", "-e", "@%s" % vars_file]
        cmd += (["--check"] if check else []) + (["--diff"] if diff else []) + (["-" + "v" * verbosity] if verbosity else [])
        env = ansible_env(self.toolchain, ANSIBLE_LOCAL_TEMP=str(self.workdir / "ansible-tmp"),
                          ANSIBLE_REMOTE_TMP=str(self.workdir / "ansible-remote-tmp"),
                          ANSIBLE_RETRY_FILES_ENABLED="false", VIRTUAL_ENV=str(venv_bin(self.toolchain).parent))
        del env["ANSIBLE_CONFIG"]  # localhost runs: no lab inventory, no simulated connection
        env.update(auth_env if auth_env is not None else self.password_env())
        return execute(cmd, env, cwd=run_dir, timeout=timeout, results=result_file)

    def state(self) -> dict[str, t.Any]:
        return self.admin.state()

    def group(self, name: str) -> dict[str, t.Any] | None:
        return next((g for g in self.state()["groups"] if g["name"] == name), None)

    def counts(self) -> dict[str, t.Any]:
        return self.admin.counts()
