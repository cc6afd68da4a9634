"""Fault injection, request counts, the admin API and the request log of the fake tenant."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

msal = pytest.importorskip("msal")

from fake_tenant import AZURE_CLI_APP_ID, AdminError, password_token  # noqa: E402

pytest_plugins = ["fake_tenant.pytest_plugin"]
# The password (ROPC) flow is deprecated by MSAL for public clients; the fake still serves it.
pytestmark = pytest.mark.filterwarnings("ignore:This API has been deprecated:DeprecationWarning")

GROUPS = "GET /beta/onPremisesPublishingProfiles/applicationProxy/connectorGroups"
TOKEN = "POST /{tenant}/oauth2/v2.0/token"
DEVICECODE = "POST /{tenant}/oauth2/v2.0/devicecode"


def groups_url(tenant):
    return tenant.graph_endpoint + "/beta/onPremisesPublishingProfiles/applicationProxy/connectorGroups"


def graph_session(tenant):
    session = tenant.session()
    session.headers["Authorization"] = "Bearer " + password_token(tenant)
    return session


def test_429_with_retry_after_then_success(fake_tenant):
    session = graph_session(fake_tenant)
    fake_tenant.admin.add_fault(GROUPS, "429", count=2, retry_after=3)
    statuses = []
    for _attempt in range(3):
        resp = session.get(groups_url(fake_tenant), timeout=30)
        statuses.append(resp.status_code)
        if resp.status_code == 429:
            assert resp.headers["Retry-After"] == "3"
            assert resp.json()["error"]["code"] == "TooManyRequests"
    assert statuses == [429, 429, 200]
    assert fake_tenant.admin.faults() == []
    counts = fake_tenant.admin.counts()
    assert counts["endpoints"][GROUPS] == 3
    assert counts["totals"]["graph_reads"] == 3 and counts["totals"]["graph_writes"] == 0


def test_503_forever_until_cleared(fake_tenant):
    session = graph_session(fake_tenant)
    fake_tenant.admin.add_fault(GROUPS, "503", count=-1)
    for _attempt in range(3):
        resp = session.get(groups_url(fake_tenant), timeout=30)
        assert resp.status_code == 503
        assert resp.json()["error"]["code"] == "ServiceUnavailable"
    assert fake_tenant.admin.faults()[0]["count"] == -1
    fake_tenant.admin.clear_faults()
    assert session.get(groups_url(fake_tenant), timeout=30).status_code == 200


def test_delay(fake_tenant):
    session = graph_session(fake_tenant)
    fake_tenant.admin.add_fault(GROUPS, "delay", delay=0.6)
    started = time.monotonic()
    assert session.get(groups_url(fake_tenant), timeout=30).status_code == 200
    assert time.monotonic() - started >= 0.6
    started = time.monotonic()
    session.get(groups_url(fake_tenant), timeout=30)
    assert time.monotonic() - started < 0.6
    with pytest.raises(requests.exceptions.ReadTimeout):
        fake_tenant.admin.add_fault(GROUPS, "delay", delay=1.5)
        session.get(groups_url(fake_tenant), timeout=0.5)


def test_connection_reset(fake_tenant):
    session = graph_session(fake_tenant)
    fake_tenant.admin.add_fault(GROUPS, "reset")
    with pytest.raises(requests.exceptions.ConnectionError):
        session.get(groups_url(fake_tenant), timeout=30)
    assert session.get(groups_url(fake_tenant), timeout=30).status_code == 200


def test_expire_token_fault(fake_tenant):
    session = graph_session(fake_tenant)
    fake_tenant.admin.add_fault(GROUPS, "expire_token")
    for _attempt in range(2):  # the token stays expired after the fault is used up
        resp = session.get(groups_url(fake_tenant), timeout=30)
        assert resp.status_code == 401
        assert resp.json()["error"]["message"] == "Lifetime validation failed, the token is expired."


def test_fault_on_token_endpoint_reaches_msal(fake_tenant):
    fake_tenant.admin.add_fault(TOKEN, "503", count=1)
    app = msal.PublicClientApplication(AZURE_CLI_APP_ID, authority=fake_tenant.authority, instance_discovery=False,
                                       http_client=fake_tenant.session())
    admin = fake_tenant.users["admin"]
    # MSAL raises on a 5xx from the token endpoint rather than returning an error dict.
    with pytest.raises(msal.exceptions.MsalServiceError, match="503"):
        app.acquire_token_by_username_password(admin["username"], admin["password"],
                                               scopes=[fake_tenant.graph_endpoint + "/.default"])
    # MSAL also remembers a 5xx for a few seconds (its throttling cache): retry with a new app.
    app = msal.PublicClientApplication(AZURE_CLI_APP_ID, authority=fake_tenant.authority, instance_discovery=False,
                                       http_client=fake_tenant.session())
    second = app.acquire_token_by_username_password(admin["username"], admin["password"],
                                                    scopes=[fake_tenant.graph_endpoint + "/.default"])
    assert "access_token" in second


def test_never_approve_device_code(fake_tenant_factory):
    tenant = fake_tenant_factory(device_code_auto_approve_after=0, device_code_expires_in=1)
    tenant.admin.add_fault(DEVICECODE, "never_approve")
    app = msal.PublicClientApplication(AZURE_CLI_APP_ID, authority=tenant.authority, instance_discovery=False,
                                       http_client=tenant.session())
    flow = app.initiate_device_flow(scopes=[tenant.graph_endpoint + "/.default"])
    assert app.acquire_token_by_device_flow(flow, exit_condition=lambda f: True)["error"] == "authorization_pending"
    with pytest.raises(AdminError, match="409"):
        tenant.admin.approve_device_code(flow["user_code"])
    result = app.acquire_token_by_device_flow(flow)  # MSAL polls until the code expires
    assert result["error"] == "expired_token"
    # The fault was used up: the next code is auto-approved again.
    flow = app.initiate_device_flow(scopes=[tenant.graph_endpoint + "/.default"])
    assert "access_token" in app.acquire_token_by_device_flow(flow)


def test_bad_fault_specs_are_refused(fake_tenant):
    for spec in ({"endpoint": "GET /nope", "kind": "429"}, {"endpoint": GROUPS, "kind": "418"},
                 {"endpoint": GROUPS, "kind": "delay"}, {"endpoint": GROUPS, "kind": "never_approve"},
                 {"endpoint": GROUPS, "kind": "429", "count": 0}):
        resp = fake_tenant.admin.session.post(fake_tenant.admin_url + "/faults", json=spec, timeout=30)
        assert resp.status_code == 400, spec
    assert fake_tenant.admin.faults() == []
    assert GROUPS in fake_tenant.admin.endpoints()


def test_wildcard_fault_and_admin_is_never_faulted(fake_tenant):
    session = graph_session(fake_tenant)
    fake_tenant.admin.add_fault("*", "503", count=1)
    assert fake_tenant.admin.state()["faults"][0]["endpoint"] == "*"  # admin untouched
    assert session.get(fake_tenant.installer_url, timeout=30).status_code == 503
    assert session.get(fake_tenant.installer_url, timeout=30).status_code == 200


def test_counts_and_reset(fake_tenant):
    session = graph_session(fake_tenant)
    session.get(groups_url(fake_tenant), timeout=30)
    session.post(groups_url(fake_tenant), json={"name": "West"}, timeout=30)
    session.get(fake_tenant.installer_url, timeout=30)
    counts = fake_tenant.admin.counts()
    assert counts["endpoints"][TOKEN] == 1
    assert counts["endpoints"]["POST /beta/onPremisesPublishingProfiles/applicationProxy/connectorGroups"] == 1
    assert counts["totals"] == {"requests": 4, "graph_reads": 1, "graph_writes": 1, "token_requests": 1,
                                "devicecode_requests": 0, "registrations": 0, "downloads": 1}
    fake_tenant.admin.reset_counts()
    assert fake_tenant.admin.counts()["totals"]["requests"] == 0
    # reset() puts the directory back but keeps users and their passwords.
    fake_tenant.admin.reset()
    assert [g["name"] for g in fake_tenant.admin.state()["groups"]] == ["Default"]
    assert password_token(fake_tenant)


def test_request_log_holds_no_secrets(fake_tenant_factory):
    tenant = fake_tenant_factory(device_code_auto_approve_after=0)
    app = msal.ConfidentialClientApplication(tenant.app["client_id"], client_credential=tenant.app["client_secret"],
                                             authority=tenant.authority, instance_discovery=False,
                                             http_client=tenant.session())
    secrets = [tenant.app["client_secret"], app.acquire_token_for_client(
        scopes=[tenant.graph_endpoint + "/.default"])["access_token"]]
    public = msal.PublicClientApplication(AZURE_CLI_APP_ID, authority=tenant.authority, instance_discovery=False,
                                          http_client=tenant.session())
    admin = tenant.users["admin"]
    result = public.acquire_token_by_username_password(admin["username"], admin["password"],
                                                       scopes=[tenant.graph_endpoint + "/.default"])
    secrets += [admin["password"], result["access_token"], result["refresh_token"]]
    flow = public.initiate_device_flow(scopes=[tenant.graph_endpoint + "/.default"])
    secrets += [flow["device_code"], public.acquire_token_by_device_flow(flow)["access_token"]]
    tenant.session().get(groups_url(tenant), headers={"Authorization": "Bearer " + secrets[1]}, timeout=30)

    log = (Path(tenant.state_dir) / "requests.log").read_text()
    lines = [json.loads(line) for line in log.splitlines()]
    assert {"POST /{tenant}/oauth2/v2.0/token", GROUPS} <= {line.get("endpoint") for line in lines}
    for secret in secrets:
        assert secret not in log
    assert "Authorization" not in log and "Bearer" not in log
