"""The fake connector registration service and installer download."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_tenant import CONNECTOR_APP_ID  # noqa: E402
from fake_tenant import password_token  # noqa: E402

pytest_plugins = ["fake_tenant.pytest_plugin"]


def register(tenant, token, **overrides):
    body = {"machineName": "WIN2022-01", "externalIp": "198.51.100.20", "version": "1.5.4892.0",
            "feature": "ApplicationProxy", "tenantId": tenant.tenant_id}
    body.update(overrides)
    headers = {"Authorization": "Bearer " + token} if token else {}
    return tenant.session().post(tenant.registration_url, json=body, headers=headers, timeout=30)


def registration_token(tenant, user="admin"):
    return password_token(tenant, user, scope=tenant.registration_scope, client_id=CONNECTOR_APP_ID)


def connectors(tenant):
    return tenant.admin.state()["connectors"]


def test_admin_registers_a_connector(fake_tenant):
    resp = register(fake_tenant, registration_token(fake_tenant))
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["issuer"] == "connectorregistrationca.msappproxy.net"
    assert len(body["certificateThumbprint"]) == 40 and body["certificateNotAfter"].endswith("Z")
    [connector] = connectors(fake_tenant)
    default = next(g for g in fake_tenant.admin.state()["groups"] if g["isDefault"])
    assert connector["id"] == body["connectorId"]
    assert (connector["machineName"], connector["status"], connector["version"], connector["externalIp"]) == (
        "WIN2022-01", "active", "1.5.4892.0", "198.51.100.20")
    assert connector["group_id"] == default["id"]
    assert fake_tenant.admin.counts()["registrations_succeeded"] == 1


def test_reregistration_makes_a_new_connector_and_retires_the_old(fake_tenant):
    token = registration_token(fake_tenant)
    first = register(fake_tenant, token).json()["connectorId"]
    second = register(fake_tenant, token).json()["connectorId"]
    assert first != second
    status = {c["id"]: c["status"] for c in connectors(fake_tenant)}
    assert status == {first: "inactive", second: "active"}


def test_graph_token_has_the_wrong_audience(fake_tenant):
    resp = register(fake_tenant, password_token(fake_tenant))
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "InvalidAudience"
    assert connectors(fake_tenant) == []


def test_expired_token(fake_tenant):
    token = registration_token(fake_tenant)
    fake_tenant.admin.expire_tokens(user="admin")
    resp = register(fake_tenant, token)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "TokenExpired"
    assert "expired" in resp.json()["error"]["message"]
    assert connectors(fake_tenant) == []


def test_user_without_role_is_denied(fake_tenant):
    resp = register(fake_tenant, registration_token(fake_tenant, "no_role"))
    assert resp.status_code == 403
    error = resp.json()["error"]
    assert error["message"] == "The registration request was denied."
    assert "Application Administrator" in error["detail"]
    assert connectors(fake_tenant) == []


def test_guest_is_denied_even_with_the_role(fake_tenant):
    resp = register(fake_tenant, registration_token(fake_tenant, "guest"))
    assert resp.status_code == 403
    assert "The registration attempt is always made on the user's home tenant" in resp.json()["error"]["message"]
    assert connectors(fake_tenant) == []


@pytest.mark.parametrize("overrides, status, code", [
    ({"tenantId": "00000000-0000-0000-0000-000000000000"}, 403, "TenantMismatch"),
    ({"feature": "PassthroughAuthentication"}, 400, "BadRequest"),
    ({"machineName": ""}, 400, "BadRequest"),
])
def test_bad_requests(fake_tenant, overrides, status, code):
    resp = register(fake_tenant, registration_token(fake_tenant), **overrides)
    assert (resp.status_code, resp.json()["error"]["code"]) == (status, code)
    assert connectors(fake_tenant) == []


def test_missing_token_and_app_only_token(fake_tenant):
    assert register(fake_tenant, None).status_code == 401
    resp = fake_tenant.session().post(
        "%s/oauth2/v2.0/token" % fake_tenant.authority,
        data={"grant_type": "client_credentials", "client_id": fake_tenant.app["client_id"],
              "client_secret": fake_tenant.app["client_secret"],
              "scope": "https://proxy.cloudwebappproxy.net/registerapp/.default"})
    app_only = register(fake_tenant, resp.json()["access_token"])
    assert app_only.status_code == 403
    assert connectors(fake_tenant) == []


def test_parallel_registrations(fake_tenant):
    from concurrent.futures import ThreadPoolExecutor

    token = registration_token(fake_tenant)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda i: register(fake_tenant, token, machineName="BENCH%03d" % i), range(24)))
    assert [r.status_code for r in results] == [200] * 24
    made = connectors(fake_tenant)
    assert sorted(c["machineName"] for c in made) == ["BENCH%03d" % i for i in range(24)]
    assert {c["status"] for c in made} == {"active"}


def test_custom_registration_scope(fake_tenant_factory):
    tenant = fake_tenant_factory(registration_scope="https://proxy.msappproxy.us/registerapp/user_impersonation")
    token = password_token(tenant, scope=tenant.registration_scope, client_id=CONNECTOR_APP_ID)
    assert register(tenant, token).status_code == 200
    with pytest.raises(AssertionError, match="AADSTS500011"):
        password_token(tenant, scope="https://proxy.cloudwebappproxy.net/registerapp/user_impersonation",
                       client_id=CONNECTOR_APP_ID)


def test_installer_download_is_counted(fake_tenant_factory):
    tenant = fake_tenant_factory(installer_version="1.5.3437.0")
    session = tenant.session()
    for url in (tenant.installer_url, tenant.base_url + "/Subscription/d3c8b69d-6bf7-42be-a529-3fe9c2e70c90/"
                                                        "Connector/DownloadConnectorInstaller"):
        resp = session.get(url, timeout=30)
        assert resp.status_code == 200
        assert resp.content.splitlines()[0] == b"FAKE-MS-CONNECTOR-INSTALLER version=1.5.3437.0"
    head = session.head(tenant.installer_url, timeout=30)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(b"FAKE-MS-CONNECTOR-INSTALLER version=1.5.3437.0\n")
    counts = tenant.admin.counts()
    assert counts["totals"]["downloads"] == 2 and counts["downloads_served"] == 2
    assert counts["endpoints"]["HEAD /connector/download"] == 1
    assert tenant.admin.state()["installer"] == {"version": "1.5.3437.0", "downloads": 2}
