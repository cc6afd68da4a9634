# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("msal")

from ansible_collections.entra.app_proxy.plugins.module_utils._auth import (  # noqa: E402
    EntraAuthError,
    resolve_settings,
)
from ansible_collections.entra.app_proxy.plugins.plugin_utils._token import TokenBroker  # noqa: E402

TENANT = "11111111-2222-3333-4444-555555555555"
ADMIN, ADMIN_PW = "admin@contoso.example.com", "Pa55-admin-secret"
UNIT_TESTS = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


class Display:
    def __init__(self):
        self.messages = []

    def display(self, msg, screen_only=False):
        assert screen_only, "sign-in prompts must stay out of log_path"
        self.messages.append(("display", msg))

    def vvv(self, msg):
        self.messages.append(("vvv", msg))

    def warning(self, msg):
        self.messages.append(("warning", msg))

    def text(self):
        return "\n".join(m for kind, m in self.messages)


def settings(idp, cache_path, **options):
    options.setdefault("tenant_id", TENANT)
    options.setdefault("authority_host", idp.base)
    options.setdefault("token_cache_path", str(cache_path))
    return resolve_settings(options)


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def test_cache_file_is_0600_in_0700_dir_and_holds_no_password(fake_identity, tmp_path):
    idp, http = fake_identity
    cache = tmp_path / "new-dir" / "cache.json"
    display = Display()
    broker = TokenBroker(settings(idp, cache, auth_method="password", username=ADMIN, password=ADMIN_PW),
                         display=display, http_client=http)
    token = broker.get_token("graph")
    assert mode(cache) == 0o600
    assert mode(cache.parent) == 0o700
    assert mode(str(cache) + ".lock") == 0o600
    content = cache.read_text()
    assert token in content and ADMIN_PW not in content
    assert sorted(p.name for p in cache.parent.iterdir()) == ["cache.json", "cache.json.lock"]  # no temp left
    assert token not in display.text()


def test_opt_out_writes_nothing(fake_identity, tmp_path):
    idp, http = fake_identity
    cache = tmp_path / "not-made" / "cache.json"
    broker = TokenBroker(settings(idp, cache, token_cache=False), display=Display(), http_client=http)
    assert broker.get_token("graph")
    assert not cache.parent.exists()
    assert list(tmp_path.iterdir()) == []


def test_second_run_signs_in_silently_from_cache(fake_identity, tmp_path):
    idp, http = fake_identity
    cache = tmp_path / "cache.json"
    first_display, second_display = Display(), Display()
    first = TokenBroker(settings(idp, cache), display=first_display, http_client=http).get_token("graph")
    # a new broker is what a later task (another process) gets: it has only the file to go on
    idp.expires_in = 3600
    second = TokenBroker(settings(idp, cache), display=second_display, http_client=http).get_token("graph")
    assert second == first
    assert idp.device_flow_starts == 1
    assert any("enter the code" in m for kind, m in first_display.messages)
    assert second_display.messages == []


def test_second_run_refreshes_an_expired_cached_token(fake_identity, tmp_path):
    idp, http = fake_identity
    cache = tmp_path / "cache.json"
    first = TokenBroker(settings(idp, cache), display=Display(), http_client=http).get_token("graph")
    data = json.loads(cache.read_text())
    for entry in data["AccessToken"].values():
        entry["expires_on"] = entry["extended_expires_on"] = "1000"  # long expired
    cache.write_text(json.dumps(data))
    display = Display()
    second = TokenBroker(settings(idp, cache), display=display, http_client=http).get_token("graph")
    assert second != first
    assert (idp.device_flow_starts, idp.grants("refresh_token")) == (1, 1)
    assert display.messages == []
    assert second in cache.read_text() and mode(cache) == 0o600


def test_every_get_token_goes_through_silent_refresh(fake_identity, tmp_path):
    idp, http = fake_identity
    idp.expires_in = 120  # under MSAL's 5 minute margin, so each call must refresh
    broker = TokenBroker(settings(idp, tmp_path / "cache.json"), display=Display(), http_client=http)
    tokens = {broker.get_token("graph") for dummy in range(3)}
    assert len(tokens) == 3
    assert (idp.device_flow_starts, idp.grants("refresh_token")) == (1, 2)


@pytest.mark.parametrize("token_cache", [True, False])
def test_force_refresh_replaces_a_refused_token(fake_identity, tmp_path, token_cache):
    idp, http = fake_identity
    broker = TokenBroker(settings(idp, tmp_path / "cache.json", token_cache=token_cache), display=Display(),
                         http_client=http)
    first = broker.get_token("graph")
    assert broker.get_token("graph") == first
    second = broker.get_token("graph", force_refresh=True)
    assert second != first
    assert (idp.device_flow_starts, idp.grants("refresh_token")) == (1, 1)
    assert broker.get_token("graph") == second
    if token_cache:
        assert first not in (tmp_path / "cache.json").read_text()


def test_force_refresh_app_only(fake_identity, tmp_path):
    idp, http = fake_identity
    s = settings(idp, tmp_path / "cache.json", auth_method="client_secret",
                 client_id="9f0e7a4c-1d2b-4c3d-8e9f-a0b1c2d3e4f5", client_secret="client-secret-value-123")
    first = TokenBroker(s, http_client=http).get_token("graph")
    assert TokenBroker(s, http_client=http).get_token("graph") == first
    assert TokenBroker(s, http_client=http).get_token("graph", force_refresh=True) != first
    assert idp.grants("client_credentials") == 2


def test_revoked_refresh_token_falls_back_to_device_code(fake_identity, tmp_path):
    idp, http = fake_identity
    cache = tmp_path / "cache.json"
    TokenBroker(settings(idp, cache), display=Display(), http_client=http).get_token("graph")
    refresh_tokens = [e["secret"] for e in json.loads(cache.read_text())["RefreshToken"].values()]
    idp.revoked_refresh_tokens.update(refresh_tokens)
    idp.expires_in = 3600
    display = Display()
    TokenBroker(settings(idp, cache), display=display, http_client=http).get_token("registration")
    assert idp.device_flow_starts == 2
    assert "for connector registration" in display.text()


def test_corrupt_or_loose_cache_file_is_repaired(fake_identity, tmp_path):
    idp, http = fake_identity
    cache = tmp_path / "cache.json"
    cache.write_text("{not json")
    os.chmod(cache, 0o644)
    display = Display()
    assert TokenBroker(settings(idp, cache), display=display, http_client=http).get_token("graph")
    assert ("warning", "entra.app_proxy: the token cache %s is not valid JSON; starting a new one." % cache) \
        in display.messages
    assert mode(cache) == 0o600
    assert "AccessToken" in json.loads(cache.read_text())


def test_access_token_method_needs_no_cache(tmp_path):
    s = resolve_settings({"auth_method": "access_token", "access_token": "opaque-token-value",
                          "token_cache_path": str(tmp_path / "c.json")})
    assert TokenBroker(s).get_token("registration") == "opaque-token-value"
    assert list(tmp_path.iterdir()) == []


def test_app_only_registration_is_refused_before_any_request(fake_identity, tmp_path):
    idp, http = fake_identity
    s = settings(idp, tmp_path / "cache.json", auth_method="client_secret",
                 client_id="9f0e7a4c-1d2b-4c3d-8e9f-a0b1c2d3e4f5", client_secret="client-secret-value-123")
    broker = TokenBroker(s, http_client=http)
    with pytest.raises(EntraAuthError, match="^auth_method=client_secret cannot get a connector registration token"):
        broker.get_token("registration")
    assert idp.requests == []
    assert broker.get_token("graph")
    assert "client-secret-value-123" not in (tmp_path / "cache.json").read_text()


def test_usgov_registration_needs_scope(fake_identity, tmp_path):
    idp, http = fake_identity
    broker = TokenBroker(settings(idp, tmp_path / "cache.json", cloud="usgov"), http_client=http)
    with pytest.raises(EntraAuthError, match="^registration_scope is required for cloud=usgov"):
        broker.get_token("registration")
    assert idp.requests == []


def test_error_leaves_no_secret_anywhere(fake_identity, tmp_path):
    idp, http = fake_identity
    display = Display()
    broker = TokenBroker(settings(idp, tmp_path / "cache.json", auth_method="password", username=ADMIN,
                                  password="wrong-password-Zq9"), display=display, http_client=http)
    with pytest.raises(EntraAuthError) as err:
        broker.get_token("graph")
    assert "AADSTS50126" in str(err.value)
    for text in (str(err.value), repr(err.value), display.text(), repr(broker.settings)):
        assert "wrong-password-Zq9" not in text


WORKER = textwrap.dedent("""
    import hashlib, json, sys
    sys.path.insert(0, sys.argv[1])
    import conftest  # installs the collection loader
    from ansible_collections.entra.app_proxy.plugins.module_utils._auth import resolve_settings
    from ansible_collections.entra.app_proxy.plugins.plugin_utils._token import TokenBroker

    class Display:
        def display(self, msg, screen_only=False):
            print("DISPLAY " + msg, flush=True)

        def vvv(self, msg):
            print("VVV " + msg, flush=True)

        def warning(self, msg):
            print("WARNING " + msg, flush=True)

    token = TokenBroker(resolve_settings(json.loads(sys.argv[2])), display=Display()).get_token("graph")
    print("TOKEN " + hashlib.sha256(token.encode()).hexdigest(), flush=True)
""")


def _read_until(proc, prefix):
    lines = []
    for line in iter(proc.stdout.readline, ""):
        lines.append(line)
        if line.startswith(prefix):
            break
    return lines


def test_lock_gives_one_device_code_prompt_across_processes(fake_identity_https, tmp_path):
    """Two workers need a token at once: one prompts, the other waits on the lock, then reads the cache."""
    idp = fake_identity_https
    idp.device_mode = "pending"  # nobody approves until the second worker is seen waiting
    options = json.dumps({"tenant_id": TENANT, "authority_host": idp.base, "ca_bundle": idp.ca_bundle,
                          "token_cache_path": str(tmp_path / "cache.json"), "device_code_timeout": 60})
    script = tmp_path / "worker.py"
    script.write_text(WORKER)
    env = dict(os.environ, NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")

    def start():
        return subprocess.Popen([sys.executable, str(script), UNIT_TESTS, options], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, env=env)

    first = start()
    second = None
    try:
        first_out = _read_until(first, "DISPLAY ")
        assert "enter the code" in first_out[-1], first_out
        second = start()
        second_out = _read_until(second, "VVV ")
        assert second_out and second_out[-1].startswith("VVV entra.app_proxy: waiting for another worker's sign-in"), \
            second_out
        idp.device_mode = "approve"
        first_rest = first.communicate(timeout=60)[0]
        second_rest = second.communicate(timeout=60)[0]
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
    first_all, second_all = "".join(first_out) + first_rest, "".join(second_out) + second_rest
    assert (first.returncode, second.returncode) == (0, 0), first_all + second_all
    assert idp.device_flow_starts == 1
    assert "DISPLAY" not in second_all
    tokens = [line for line in (first_all + second_all).splitlines() if line.startswith("TOKEN ")]
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    assert mode(tmp_path / "cache.json") == 0o600


# --- against the lab's fake tenant (tests/lab/fake_tenant): an independent implementation ----------

LAB = os.path.join(os.path.dirname(UNIT_TESTS), "lab")


@pytest.fixture(scope="module")
def lab_tenant(tmp_path_factory):
    if not os.path.isdir(os.path.join(LAB, "fake_tenant")):
        pytest.skip("tests/lab/fake_tenant is not in this tree")
    if LAB not in sys.path:
        sys.path.insert(0, LAB)
    import fake_tenant

    tenant = fake_tenant.start_tenant(tmp_path_factory.mktemp("tenant"), device_code_auto_approve_after=0)
    yield tenant
    tenant.stop()


def lab_settings(tenant, tmp_path, **options):
    options = dict({"tenant_id": tenant.tenant_id, "authority_host": tenant.authority_host,
                    "graph_endpoint": tenant.graph_endpoint, "ca_bundle": tenant.ca_bundle,
                    "token_cache_path": str(tmp_path / "cache.json")}, **options)
    return resolve_settings(options)


def claims(token):
    from ansible_collections.entra.app_proxy.plugins.module_utils._auth import jwt_claims

    return jwt_claims(token)


@pytest.fixture
def lab(lab_tenant, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.0/8")
    lab_tenant.admin.reset_counts()
    return lab_tenant


def test_lab_device_code_one_prompt_for_both_resources(lab, tmp_path):
    display = Display()
    s = lab_settings(lab, tmp_path, client_id="04b07795-8ddb-461a-bbee-02f9e1bf7b46")
    registration = TokenBroker(s, display=display).get_token("registration")
    graph = TokenBroker(s, display=display).get_token("graph")
    assert claims(registration)["aud"] == "https://proxy.cloudwebappproxy.net/registerapp"
    assert claims(graph)["aud"] == lab.graph_endpoint
    assert lab.admin.counts()["totals"]["devicecode_requests"] == 1
    assert [kind for kind, m in display.messages] == ["display"]
    session = lab.session()
    answer = session.get(lab.graph_endpoint + "/beta/onPremisesPublishingProfiles/applicationProxy/connectorGroups",
                         headers={"Authorization": "Bearer " + graph}, timeout=10)
    assert answer.status_code == 200


def test_lab_default_clients_and_silent_rerun(lab, tmp_path):
    admin = lab.users["admin"]
    s = lab_settings(lab, tmp_path, auth_method="password", username=admin["username"], password=admin["password"])
    registration = TokenBroker(s).get_token("registration")
    graph = TokenBroker(s).get_token("graph")
    # one default client for both resources, so the second token comes from the first sign-in
    assert claims(registration)["appid"] == claims(graph)["appid"] == "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
    before = lab.admin.counts()["totals"]["token_requests"]
    assert TokenBroker(s).get_token("graph") == graph  # from the cache file, no request
    assert lab.admin.counts()["totals"]["token_requests"] == before
    assert admin["password"] not in (tmp_path / "cache.json").read_text()


def test_lab_wrong_password(lab, tmp_path):
    s = lab_settings(lab, tmp_path, auth_method="password", username=lab.users["admin"]["username"],
                     password="wrong-password-Zq9")
    with pytest.raises(EntraAuthError) as err:
        TokenBroker(s).get_token("graph")
    assert str(err.value).startswith("Sign-in as %s failed: wrong username or password (AADSTS50126)."
                                     % lab.users["admin"]["username"])


@pytest.mark.parametrize("method", ["client_secret", "certificate"])
def test_lab_app_only(lab, tmp_path, method):
    extra = ({"client_secret": lab.app["client_secret"]} if method == "client_secret"
             else {"certificate_path": lab.app["certificate_path"]})
    s = lab_settings(lab, tmp_path, auth_method=method, client_id=lab.app["client_id"], **extra)
    token = TokenBroker(s).get_token("graph")
    assert claims(token)["appid"] == lab.app["client_id"]
    assert claims(token).get("idtyp") == "app"
    with pytest.raises(EntraAuthError, match="cannot get a connector registration token"):
        TokenBroker(s).get_token("registration")
    assert lab.app.get("client_secret") not in (tmp_path / "cache.json").read_text()


def test_lab_device_code_never_approved(lab, tmp_path):
    lab.admin.add_fault("POST /{tenant}/oauth2/v2.0/devicecode", "never_approve")
    try:
        with pytest.raises(EntraAuthError, match="^The device code sign-in was not completed within 2 seconds"):
            TokenBroker(lab_settings(lab, tmp_path, device_code_timeout=2), display=Display()).get_token("graph")
    finally:
        lab.admin.clear_faults()


def test_lab_connector_client_cannot_get_graph(lab, tmp_path):
    s = lab_settings(lab, tmp_path, client_id="55747057-9b5d-4bd4-b387-abf52a8bd489")
    with pytest.raises(EntraAuthError) as err:
        TokenBroker(s, display=Display()).get_token("graph")
    assert str(err.value) == (
        "client_id 55747057-9b5d-4bd4-b387-abf52a8bd489 may not get a token for Microsoft Graph (AADSTS65002). Leave "
        "client_id unset to use the default client for this resource, or set it to a client allowed for both, such "
        "as 04b07795-8ddb-461a-bbee-02f9e1bf7b46.")


def test_lab_service_error_is_explained(lab, tmp_path):
    admin = lab.users["admin"]
    s = lab_settings(lab, tmp_path, auth_method="password", username=admin["username"], password=admin["password"])
    lab.admin.add_fault("POST /{tenant}/oauth2/v2.0/token", "503", count=-1)
    try:
        with pytest.raises(EntraAuthError) as err:
            TokenBroker(s).get_token("graph")
    finally:
        lab.admin.clear_faults()
    assert str(err.value) == ("%s answered with an error (HTTP Error: 503). The service may be busy or down: run the "
                              "play again later." % lab.authority_host)
    assert admin["password"] not in str(err.value)


def test_unusable_cache_path_is_explained(fake_identity, tmp_path):
    idp, http = fake_identity
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cache = blocker / "cache.json"
    with pytest.raises(EntraAuthError) as err:
        TokenBroker(settings(idp, cache), http_client=http).get_token("graph")
    assert str(err.value) == ("The token cache lock %r cannot be created (Not a directory): fix token_cache_path or "
                              "its directory's permissions, or set token_cache=false." % (str(cache) + ".lock"))
    assert idp.requests == []
