"""no_log: options the real module's $spec (and the module_utils merged into it) marks no_log are masked
the way Ansible.Basic masks them, even when upstream docs do not say no_log; nothing the lab writes
carries them."""
from __future__ import annotations

import json
import os
import re

import labkit  # noqa: E402

from ansible_collections.lab.windows.plugins.module_utils import argcheck, nolog  # noqa: E402

MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
SECRETS = {
    "join": "Join-Pw-7a1c9e",
    "blob": "OfflineBlob-4d2f8b",
    "computer": "CompDomPw-93b1a0",
    "cred": "CredListPw-5e7c21",
    "user": "UserPw-0f6d3a",
    "user_dom": "UserDomPw-b84e19",
    "group": "GroupDomPw-2c95f7",
}
HOST = "win2019-kcd"

PLAYBOOK = """
- hosts: %(host)s
  gather_facts: false
  tasks:
    - name: Join the domain
      microsoft.ad.membership:
        dns_domain_name: contoso.example
        domain_admin_user: CONTOSO\\joiner
        domain_admin_password: %(join)s
        state: domain
      register: r_join
    - name: Offline join (not simulated, fails; its blob must still be masked)
      microsoft.ad.membership:
        offline_join_blob: %(blob)s
        state: domain
      register: r_blob
      ignore_errors: true
    - name: Computer with domain credentials
      microsoft.ad.computer:
        name: LABSRV01
        domain_server: contoso.example
        domain_username: CONTOSO\\admin
        domain_password: %(computer)s
        domain_credentials:
          - name: contoso.example
            username: CONTOSO\\other
            password: %(cred)s
      register: r_computer
    - name: Service account with a password
      microsoft.ad.user:
        name: svc-nolog
        password: %(user)s
        domain_server: contoso.example
        domain_username: CONTOSO\\admin
        domain_password: %(user_dom)s
      register: r_user
    - name: Group
      microsoft.ad.group:
        name: Lab NoLog Group
        scope: global
        domain_server: contoso.example
        domain_username: CONTOSO\\admin
        domain_password: %(group)s
      register: r_group
    - name: Keep the registered results for the test
      ansible.builtin.copy:
        content: "{{ {'join': r_join, 'blob': r_blob, 'computer': r_computer, 'user': r_user, 'group': r_group} | to_json }}"
        dest: "%(out)s"
      delegate_to: localhost
"""


def _walk_files(top, skip=()):
    for base, _dirs, files in os.walk(top):
        if any(base.startswith(str(x)) for x in skip):
            continue
        for name in files:
            with open(os.path.join(base, name), "rb") as f:
                yield os.path.join(base, name), f.read()


def test_no_log_from_powershell_spec_and_module_utils():
    root = os.path.join(str(labkit.REPO), ".cache", "collections", "ansible_collections", "microsoft", "ad", "plugins", "modules")
    paths = set()
    for src in nolog.sources_from_files(os.path.join(root, "computer.ps1")):
        paths |= nolog.no_log_paths(src)
    assert ("domain_password",) in paths and ("domain_credentials", "password") in paths  # from _ADObject.psm1
    paths = set()
    for src in nolog.sources_from_files(os.path.join(root, "user.ps1")):
        paths |= nolog.no_log_paths(src)
    assert ("password",) in paths  # PropertyInfo form
    assert nolog.no_log_paths("$spec = @{ options = @{ a = @{ type = 'str' }; b = @{ no_log = $true } } }") == {("b",)}


def test_remove_no_log_values_matches_ansible_basic():
    secrets = {"s3cret"}
    out = argcheck.remove_no_log_values({"a": "s3cret", "b": "x s3cret y", "c": [1, "s3cret"], "d": True}, secrets)
    assert out == {"a": MASK, "b": "x ******** y", "c": [1, MASK], "d": True}
    assert argcheck.find_no_log_values({"k": {"n": ["ok", "has s3cret"]}}, secrets) == ["k.n[1]"]


def test_secrets_never_shown_at_vvvv(simlab, tmp_path):
    inputs = tmp_path / "input"  # the playbook holds the secrets in clear: kept out of the scan below
    inputs.mkdir()
    out = inputs / "results.json"
    dump = tmp_path / "dump"
    book = inputs / "nolog.yml"
    book.write_text(PLAYBOOK % dict(SECRETS, host=HOST, out=str(out)))
    proc = simlab.playbook(str(book), "-vvvv", env={"LAB_SIMWIN_DUMP_DIR": str(dump)})
    r = proc.host(HOST)
    assert r["failed"] == 0 and r["ok"] >= 6, proc.stdout[-4000:] + proc.stderr[-2000:]

    res = json.loads(out.read_text())
    assert res["join"]["changed"] is True and res["blob"]["failed"] is True
    # what -vvvv showed for each module's invocation (ansible-core < 2.19 drops invocation from registered vars)
    for key in ("domain_admin_password", "offline_join_blob", "domain_password", "password"):
        assert re.search(r'"?%s"?: "?%s' % (key, MASK), proc.stdout), key
    assert proc.stdout.count(MASK) >= 7  # one per secret option above
    if "invocation" in res["join"]:
        assert res["join"]["invocation"]["module_args"]["domain_admin_password"] == MASK
        assert res["blob"]["invocation"]["module_args"]["offline_join_blob"] == MASK
        comp = res["computer"]["invocation"]["module_args"]
        assert comp["domain_password"] == MASK and comp["domain_credentials"][0]["password"] == MASK
        assert comp["domain_credentials"][0]["username"] == "CONTOSO\\other"  # only secrets are masked
        user = res["user"]["invocation"]["module_args"]
        assert user["password"] == MASK and user["domain_password"] == MASK
        assert res["group"]["invocation"]["module_args"]["domain_password"] == MASK
    else:
        assert "CONTOSO\\\\other" in proc.stdout or "CONTOSO\\other" in proc.stdout
    # the objects were really written (AD read back independently)
    ad = simlab.domains()["contoso.example"]
    assert "labsrv01" in ad["computers"] and "svc-nolog" in ad["users"]

    texts = [("stdout", proc.stdout.encode()), ("stderr", proc.stderr.encode())]
    texts += list(_walk_files(simlab.state_dir, skip=[inputs]))  # host states, _domains.json, roundtrips, dumps
    assert len(texts) > 10
    for where, data in texts:
        for key, secret in SECRETS.items():
            assert secret.encode() not in data, "%s secret found in %s" % (key, where)
