"""No token, password, client secret or private key in -vvvv output, registered results or left-over files."""
from __future__ import annotations

import json
import os
import re

import pytest

from fake_tenant import password_token

# device codes are approved (as the admin) one second after they are issued
TENANT_OPTIONS = {"device_code_auto_approve_after": 1}
METHODS = ["access_token", "certificate", "client_secret", "device_code", "password"]


def _cached_secrets(cache_path):
    """Every token secret MSAL stored: what the run obtained."""
    if not os.path.exists(cache_path):
        return []
    with open(cache_path, encoding="utf-8") as handle:
        cache = json.load(handle)
    found = []
    for section in ("AccessToken", "RefreshToken", "IdToken"):
        found.extend(entry["secret"] for entry in cache.get(section, {}).values())
    return found


def _private_key_lines(path):
    with open(path, encoding="ascii") as handle:
        pem = handle.read()
    block = re.search(r"-----BEGIN [A-Z ]*PRIVATE KEY-----(.+?)-----END", pem, re.S).group(1)
    return [line for line in block.split() if len(line) >= 40]


def _files_under(path):
    for root, _dirs, files in os.walk(path):
        for name in files:
            with open(os.path.join(root, name), "rb") as handle:
                yield os.path.join(root, name), handle.read().decode("utf-8", "replace")


@pytest.mark.parametrize("method", METHODS)
def test_secrets_never_shown(tenant_lab, tmp_path, method):
    cache_path = tmp_path / "cache.json"
    app = tenant_lab.tenant.app
    admin = tenant_lab.user("admin")
    secrets = []
    if method == "password":
        env = tenant_lab.password_env("admin")
        secrets.append(admin["password"])
    elif method == "device_code":
        env = {"ENTRA_AUTH_METHOD": "device_code"}
    elif method == "access_token":
        supplied = password_token(tenant_lab.tenant, "admin")
        env = {"ENTRA_AUTH_METHOD": "access_token", "ENTRA_ACCESS_TOKEN": supplied}
        secrets.append(supplied)
    elif method == "client_secret":
        env = {"ENTRA_AUTH_METHOD": "client_secret", "ENTRA_CLIENT_ID": app["client_id"],
               "ENTRA_CLIENT_SECRET": app["client_secret"]}
        secrets.append(app["client_secret"])
    else:
        env = {"ENTRA_AUTH_METHOD": "certificate", "ENTRA_CLIENT_ID": app["client_id"],
               "ENTRA_CERTIFICATE_PATH": app["certificate_path"]}
        secrets.extend(_private_key_lines(app["certificate_path"]))

    run = tenant_lab.run("connector_group.yml", {"group_name": "Secrets-%s" % method,
                                                 "graph_auth": tenant_lab.graph_auth(token_cache_path=cache_path)},
                         auth_env=env, verbosity=4)

    obtained = _cached_secrets(cache_path)
    if method != "access_token":
        assert obtained, "the run should have cached the tokens it obtained"
    secrets.extend(obtained)
    if method in ("client_secret", "certificate"):
        # app-only tokens are refused by the connector APIs; the failure path must not leak either
        assert run.rc == 2 and "App-only tokens" in run.results["group"]["msg"]
    else:
        assert run.rc == 0, run.output
        assert tenant_lab.group("Secrets-%s" % method) is not None
    assert "group" in run.results and run.results_text
    assert "<ESTABLISH LOCAL CONNECTION FOR USER" in run.output or "ESTABLISH LOCAL CONNECTION" in run.output

    leftovers = list(_files_under(tenant_lab.workdir / "ansible-remote-tmp")) + list(_files_under(tenant_lab.workdir / "ansible-tmp"))
    for secret in secrets:
        assert secret not in run.stdout, "secret in stdout (%s)" % method
        assert secret not in run.stderr, "secret in stderr (%s)" % method
        assert secret not in run.results_text, "secret in registered results (%s)" % method
        for path, text in leftovers:
            assert secret not in text, "secret left in %s" % path
