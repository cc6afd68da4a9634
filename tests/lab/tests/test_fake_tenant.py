"""The fake tenant's identity platform, driven by real MSAL, and its command line."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

LAB = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(LAB))

msal = pytest.importorskip("msal")

from fake_tenant import APP_ADMIN_ROLE, AZURE_CLI_APP_ID, CONNECTOR_APP_ID  # noqa: E402
from fake_tenant.crypto import b64url_decode  # noqa: E402

pytest_plugins = ["fake_tenant.pytest_plugin"]
# The password (ROPC) flow is deprecated by MSAL for public clients; the fake still serves it.
pytestmark = pytest.mark.filterwarnings("ignore:This API has been deprecated:DeprecationWarning")

GRAPH = "/beta/onPremisesPublishingProfiles/applicationProxy"


def claims(token: str) -> dict:
    return json.loads(b64url_decode(token.split(".")[1]))


def public_app(tenant, client_id=AZURE_CLI_APP_ID, cache=None):
    return msal.PublicClientApplication(client_id, authority=tenant.authority, instance_discovery=False,
                                        http_client=tenant.session(), token_cache=cache)


def confidential_app(tenant, credential):
    return msal.ConfidentialClientApplication(tenant.app["client_id"], client_credential=credential,
                                              authority=tenant.authority, instance_discovery=False,
                                              http_client=tenant.session())


def graph_scope(tenant):
    return [tenant.graph_endpoint + "/.default"]


def admin_sign_in(app, tenant, scopes=None):
    """The admin's password (ROPC) sign-in through ``app``, for the Graph scope unless ``scopes`` are given."""
    admin = tenant.users["admin"]
    return app.acquire_token_by_username_password(admin["username"], admin["password"],
                                                  scopes=scopes or graph_scope(tenant))


def graph_get(tenant, token, path="/connectorGroups"):
    return tenant.session().get(tenant.graph_endpoint + GRAPH + path, headers={"Authorization": "Bearer " + token},
                                timeout=30)


# ----- discovery
@pytest.mark.parametrize("segment", ["tenant_id", "tenant_domain", "organizations", "common"])
def test_openid_configuration_accepts_tenant_forms(fake_tenant, segment):
    value = getattr(fake_tenant, segment, segment)
    resp = fake_tenant.session().get("%s/%s/v2.0/.well-known/openid-configuration" % (fake_tenant.base_url, value))
    assert resp.status_code == 200
    config = resp.json()
    assert config["token_endpoint"].startswith(fake_tenant.base_url + "/")
    assert config["device_authorization_endpoint"].endswith("/oauth2/v2.0/devicecode")
    if segment in ("tenant_id", "tenant_domain"):
        assert config["token_endpoint"] == "%s/%s/oauth2/v2.0/token" % (fake_tenant.base_url, fake_tenant.tenant_id)


def test_unknown_tenant_is_refused(fake_tenant):
    resp = fake_tenant.session().get(fake_tenant.base_url + "/nowhere.example/v2.0/.well-known/openid-configuration")
    assert resp.status_code == 400
    assert "AADSTS90002" in resp.json()["error_description"]
    with pytest.raises(ValueError):
        msal.PublicClientApplication(AZURE_CLI_APP_ID, authority=fake_tenant.base_url + "/nowhere.example",
                                     instance_discovery=False, http_client=fake_tenant.session())


def test_user_realm_is_managed_for_tenant_users(fake_tenant):
    resp = fake_tenant.session().get(fake_tenant.base_url + "/common/userrealm/%s?api-version=1.0"
                                     % fake_tenant.users["admin"]["username"])
    assert resp.json()["account_type"] == "Managed"
    assert fake_tenant.session().get(fake_tenant.base_url + "/common/userrealm/x@elsewhere.example").json()[
        "account_type"] == "Unknown"


# ----- device code
def test_device_code_auto_approve(fake_tenant_factory):
    tenant = fake_tenant_factory(device_code_auto_approve_after=1)
    app = public_app(tenant)
    flow = app.initiate_device_flow(scopes=graph_scope(tenant))
    assert flow["verification_uri"] == tenant.base_url + "/devicelogin"
    assert flow["user_code"] in flow["message"]
    assert flow["interval"] == 1 and flow["expires_in"] == 900
    assert app.acquire_token_by_device_flow(flow, exit_condition=lambda f: True)["error"] == "authorization_pending"
    result = app.acquire_token_by_device_flow(flow)  # MSAL keeps polling; approved after one second
    assert "access_token" in result, result
    assert result["id_token_claims"]["preferred_username"] == tenant.users["admin"]["username"]
    assert [a["username"] for a in app.get_accounts()] == [tenant.users["admin"]["username"]]
    assert graph_get(tenant, result["access_token"]).status_code == 200


def test_one_sign_in_serves_graph_and_registration(fake_tenant_factory):
    # The refresh token is multi-resource, as in Entra: one device-code prompt per run.
    tenant = fake_tenant_factory(device_code_auto_approve_after=0)
    app = public_app(tenant)
    app.acquire_token_by_device_flow(app.initiate_device_flow(scopes=graph_scope(tenant)))
    result = app.acquire_token_silent([tenant.registration_scope], account=app.get_accounts()[0])
    assert result["token_source"] == "identity_provider"
    assert claims(result["access_token"])["aud"] == "https://proxy.cloudwebappproxy.net/registerapp"
    assert tenant.admin.counts()["totals"]["devicecode_requests"] == 1


def test_device_code_pending_until_admin_approves(fake_tenant):
    app = public_app(fake_tenant)
    flow = app.initiate_device_flow(scopes=graph_scope(fake_tenant))
    first = app.acquire_token_by_device_flow(flow, exit_condition=lambda f: True)
    assert first["error"] == "authorization_pending"
    pending = [d for d in fake_tenant.admin.state()["device_codes"] if d["status"] == "pending"]
    assert [d["user_code"] for d in pending] == [flow["user_code"]]

    fake_tenant.admin.approve_device_code(flow["user_code"], user="no_role")
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    token = claims(result["access_token"])
    assert token["upn"] == fake_tenant.users["no_role"]["username"]
    assert APP_ADMIN_ROLE not in token.get("wids", [])
    # Redeemed once only.
    again = app.acquire_token_by_device_flow(flow, exit_condition=lambda f: True)
    assert again["error"] == "invalid_grant"


def test_device_code_expires(fake_tenant_factory):
    tenant = fake_tenant_factory(device_code_expires_in=1)
    app = public_app(tenant)
    flow = app.initiate_device_flow(scopes=graph_scope(tenant))
    time.sleep(1.1)
    result = app.acquire_token_by_device_flow(flow, exit_condition=lambda f: True)
    assert result["error"] == "expired_token"
    assert "AADSTS70020" in result["error_description"]


def test_connector_app_gets_only_the_registration_scope(fake_tenant_factory):
    tenant = fake_tenant_factory(device_code_auto_approve_after=0)
    app = public_app(tenant, CONNECTOR_APP_ID)
    flow = app.initiate_device_flow(scopes=[tenant.registration_scope])
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    token = claims(result["access_token"])
    assert token["aud"] == "https://proxy.cloudwebappproxy.net/registerapp"
    assert token["scp"] == "user_impersonation"
    assert token["appid"] == CONNECTOR_APP_ID

    flow = app.initiate_device_flow(scopes=graph_scope(tenant))
    refused = app.acquire_token_by_device_flow(flow)
    assert refused["error"] == "invalid_grant"
    assert "AADSTS65002" in refused["error_description"]


def test_unknown_client_is_refused(fake_tenant):
    app = public_app(fake_tenant, "11111111-2222-3333-4444-555555555555")
    flow = app.initiate_device_flow(scopes=graph_scope(fake_tenant))
    assert "user_code" not in flow
    assert "AADSTS700016" in flow["error_description"]


# ----- password (ROPC), claims, refresh
def test_password_flow_and_claims(fake_tenant):
    admin = fake_tenant.users["admin"]
    result = admin_sign_in(public_app(fake_tenant), fake_tenant)
    assert "access_token" in result, result
    token = claims(result["access_token"])
    assert token["aud"] == fake_tenant.graph_endpoint
    assert token["tid"] == fake_tenant.tenant_id
    assert token["oid"] == admin["object_id"]
    assert token["upn"] == admin["username"]
    assert token["appid"] == AZURE_CLI_APP_ID
    assert "Directory.ReadWrite.All" in token["scp"].split()
    assert APP_ADMIN_ROLE in token["wids"]
    assert token["exp"] - token["iat"] == 3600
    assert "roles" not in token


def test_graph_scope_by_microsoft_name(fake_tenant):
    result = admin_sign_in(public_app(fake_tenant), fake_tenant,
                           scopes=["https://graph.microsoft.com/Directory.ReadWrite.All"])
    assert claims(result["access_token"])["aud"] == fake_tenant.graph_endpoint
    assert graph_get(fake_tenant, result["access_token"]).status_code == 200


def test_wrong_password(fake_tenant):
    admin = fake_tenant.users["admin"]
    result = public_app(fake_tenant).acquire_token_by_username_password(admin["username"], "not-it",
                                                                        scopes=graph_scope(fake_tenant))
    assert result["error"] == "invalid_grant"
    assert "AADSTS50126" in result["error_description"]
    unknown = public_app(fake_tenant).acquire_token_by_username_password("nobody@contoso.example", "x",
                                                                         scopes=graph_scope(fake_tenant))
    assert "AADSTS50034" in unknown["error_description"]


def test_two_resources_in_one_request_are_refused(fake_tenant):
    result = admin_sign_in(public_app(fake_tenant), fake_tenant,
                           scopes=graph_scope(fake_tenant) + [fake_tenant.registration_scope])
    assert "AADSTS28000" in result["error_description"]


def test_silent_refresh_after_server_side_expiry(fake_tenant):
    cache = msal.SerializableTokenCache()
    app = public_app(fake_tenant, cache=cache)
    first = admin_sign_in(app, fake_tenant)
    assert fake_tenant.admin.expire_tokens(user="admin") == 1
    stale = graph_get(fake_tenant, first["access_token"])
    assert stale.status_code == 401
    assert stale.json()["error"]["message"] == "Lifetime validation failed, the token is expired."

    # A second run: a new MSAL app over the saved cache finds the account...
    again = public_app(fake_tenant, cache=msal.SerializableTokenCache())
    again.token_cache.deserialize(cache.serialize())
    account = again.get_accounts(username=fake_tenant.users["admin"]["username"])[0]
    cached = again.acquire_token_silent(graph_scope(fake_tenant), account=account)
    assert cached["token_source"] == "cache"
    # ...and refreshes with the refresh token, which rotates.
    old_rt = next(iter(json.loads(cache.serialize())["RefreshToken"].values()))["secret"]
    fresh = again.acquire_token_silent(graph_scope(fake_tenant), account=account, force_refresh=True)
    assert fresh["token_source"] == "identity_provider"
    assert fresh["access_token"] != first["access_token"]
    assert graph_get(fake_tenant, fresh["access_token"]).status_code == 200
    new_rt = next(iter(json.loads(again.token_cache.serialize())["RefreshToken"].values()))["secret"]
    assert new_rt != old_rt


def test_short_token_lifetime_makes_msal_refresh_silently(fake_tenant_factory):
    tenant = fake_tenant_factory(token_lifetime=120)  # MSAL refreshes tokens within 5 minutes of expiry
    app = public_app(tenant)
    admin_sign_in(app, tenant)
    result = app.acquire_token_silent(graph_scope(tenant), account=app.get_accounts()[0])
    assert result["token_source"] == "identity_provider"
    assert tenant.admin.counts()["endpoints"]["POST /{tenant}/oauth2/v2.0/token"] == 2


def test_revoked_refresh_token(fake_tenant):
    app = public_app(fake_tenant)
    admin_sign_in(app, fake_tenant)
    fake_tenant.admin.expire_tokens(kind="all")
    result = app.acquire_token_silent_with_error(graph_scope(fake_tenant), account=app.get_accounts()[0],
                                                 force_refresh=True)
    assert result["error"] == "invalid_grant"
    assert "AADSTS700082" in result["error_description"]


# ----- confidential client
def test_client_secret(fake_tenant):
    app = confidential_app(fake_tenant, fake_tenant.app["client_secret"])
    result = app.acquire_token_for_client(scopes=graph_scope(fake_tenant))
    assert "access_token" in result, result
    token = claims(result["access_token"])
    assert token["idtyp"] == "app" and "scp" not in token and token["roles"]
    assert token["appidacr"] == "1"

    bad = confidential_app(fake_tenant, "wrong")
    refused = bad.acquire_token_for_client(scopes=graph_scope(fake_tenant))
    assert refused["error"] == "invalid_client"
    assert "AADSTS7000215" in refused["error_description"]


@pytest.mark.parametrize("mode", ["public_certificate", "thumbprint"])
def test_certificate(fake_tenant, mode):
    pem = Path(fake_tenant.app["certificate_path"]).read_text()
    credential = {"private_key": pem}
    credential[mode] = pem if mode == "public_certificate" else fake_tenant.app["certificate_thumbprint"]
    app = confidential_app(fake_tenant, credential)
    result = app.acquire_token_for_client(scopes=graph_scope(fake_tenant))
    assert "access_token" in result, result
    assert claims(result["access_token"])["appidacr"] == "2"


def test_certificate_of_another_key_is_refused(fake_tenant, tmp_path):
    trustme = pytest.importorskip("trustme")
    other = trustme.CA().issue_cert("other.example", key_type=trustme.KeyType.RSA)
    pem = (other.private_key_pem.bytes() + other.cert_chain_pems[0].bytes()).decode()
    app = confidential_app(fake_tenant, {"private_key": pem, "public_certificate": pem})
    result = app.acquire_token_for_client(scopes=graph_scope(fake_tenant))
    assert result["error"] == "invalid_client"
    assert "AADSTS700027" in result["error_description"]


def test_client_credentials_need_dot_default(fake_tenant):
    app = confidential_app(fake_tenant, fake_tenant.app["client_secret"])
    result = app.acquire_token_for_client(scopes=["https://graph.microsoft.com/Directory.ReadWrite.All"])
    assert "AADSTS1002012" in result["error_description"]


# ----- command line
def _start_cli(tmp_path, *extra):
    env = dict(os.environ, PYTHONPATH=str(LAB))
    proc = subprocess.Popen([sys.executable, "-m", "fake_tenant", "--state-dir", str(tmp_path / "state"), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    return proc, json.loads(line)


def test_cli_prints_one_json_line_and_stops_on_sigterm(tmp_path):
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"groups": [{"name": "West", "region": "eur"}],
                                "connectors": [{"machineName": "SRV1", "group": "West"}]}))
    fault = json.dumps({"endpoint": "GET /connector/download", "kind": "503", "count": 1})
    proc, info = _start_cli(tmp_path, "--seed", str(seed), "--fault", fault, "--installer-version", "1.5.4522.0")
    try:
        assert set(info) >= {"base_url", "authority_host", "graph_endpoint", "admin_url", "tenant_id",
                             "tenant_domain", "ca_bundle", "users", "app", "registration_url", "installer_url", "pid"}
        assert info["pid"] == proc.pid
        assert info["authority_host"] == info["graph_endpoint"] == info["base_url"]
        assert info["base_url"].startswith("https://127.") and ":" not in info["base_url"][len("https://"):]
        assert info["admin_url"] == info["base_url"] + "/_admin"
        assert set(info["users"]) == {"admin", "no_role", "guest"}
        assert set(info["app"]) == {"client_id", "client_secret", "certificate_path", "certificate_thumbprint"}
        assert Path(info["ca_bundle"]).is_file() and Path(info["app"]["certificate_path"]).is_file()
        assert oct(Path(info["app"]["certificate_path"]).stat().st_mode & 0o777) == "0o600"

        import requests

        session = requests.Session()
        session.trust_env = False
        session.verify = info["ca_bundle"]
        state = session.get(info["admin_url"] + "/state", timeout=10).json()
        assert [g["name"] for g in state["groups"]] == ["Default", "West"]
        assert state["connectors"][0]["machineName"] == "SRV1"
        assert "password" not in json.dumps(state)
        assert session.get(info["installer_url"], timeout=10).status_code == 503
        blob = session.get(info["installer_url"], timeout=10).content
        assert blob.startswith(b"FAKE-MS-CONNECTOR-INSTALLER version=1.5.4522.0")
    finally:
        proc.send_signal(signal.SIGTERM)
        rc = proc.wait(timeout=10)
    assert rc == 0
    assert proc.stdout.read() == ""  # exactly one line on stdout


def test_cli_stops_on_sigint(tmp_path):
    proc, info = _start_cli(tmp_path, "--tenant-id", "5A3E8C2D-1B4F-4E6A-9C7D-0E1F2A3B4C5D")
    assert info["tenant_id"] == "5a3e8c2d-1b4f-4e6a-9c7d-0e1f2a3b4c5d"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=10) == 0


@pytest.mark.parametrize("bad, text", [
    (["--fault", "{not json"], "bad --fault"),
    (["--fault", '{"endpoint": "GET /nope", "kind": "429"}'], "unknown endpoint"),
    (["--host", "192.0.2.1"], "loopback"),
    (["--tenant-id", "contoso"], "cannot start"),
    (["--device-code-auto-approve-user", "nobody"], "device_code_auto_approve_user"),
])
def test_cli_rejects_bad_arguments(tmp_path, capsys, bad, text):
    from fake_tenant.__main__ import main

    assert main(["--state-dir", str(tmp_path), *bad]) != 0
    out, err = capsys.readouterr()
    assert out == "" and text in err


def test_other_port(fake_tenant_factory):
    tenant = fake_tenant_factory(port=0)
    assert tenant.base_url.rsplit(":", 1)[1] == str(tenant.server.port) != "443"
    app = confidential_app(tenant, tenant.app["client_secret"])
    assert "access_token" in app.acquire_token_for_client(scopes=graph_scope(tenant))


def test_guest_tokens(fake_tenant):
    guest = fake_tenant.users["guest"]
    result = public_app(fake_tenant).acquire_token_by_username_password(guest["username"], guest["password"],
                                                                        scopes=graph_scope(fake_tenant))
    token = claims(result["access_token"])
    assert token["acct"] == 1 and token["idp"].startswith("https://sts.windows.net/")
    assert APP_ADMIN_ROLE in token["wids"]
    assert graph_get(fake_tenant, result["access_token"]).status_code == 200


def test_two_starts_differ(fake_tenant_factory):
    one, two = fake_tenant_factory(), fake_tenant_factory()
    assert one.base_url != two.base_url
    assert one.tenant_id != two.tenant_id
    assert one.users["admin"]["password"] != two.users["admin"]["password"]
    assert one.app["client_secret"] != two.app["client_secret"]
