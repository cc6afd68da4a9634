"""Throttling, outages, expired tokens and sign-in problems, injected by the fake tenant, seen through ansible-playbook."""
from __future__ import annotations

import pytest

# device codes are approved (as the admin) one second after they are issued
TENANT_OPTIONS = {"device_code_auto_approve_after": 1}
G = "/beta/onPremisesPublishingProfiles/applicationProxy"
LIST_GROUPS = "GET %s/connectorGroups" % G
DEVICE_CODE = "POST /{tenant}/oauth2/v2.0/devicecode"


pytestmark = pytest.mark.usefixtures("clean_tenant")


def test_429_burst_then_success(tenant_lab):
    tenant_lab.admin.add_fault(LIST_GROUPS, "429", count=2, retry_after=1)

    run = tenant_lab.run("connector_group.yml", {"group_name": "Europe", "group_region": "eur"})

    assert run.rc == 0, run.output
    assert tenant_lab.group("Europe")["region"] == "eur"
    assert tenant_lab.counts()["endpoints"][LIST_GROUPS] == 3  # two throttled, one answered
    assert run.elapsed >= 2  # Retry-After was honoured


def test_503_then_success(tenant_lab):
    tenant_lab.admin.add_fault(LIST_GROUPS, "503", count=1)

    run = tenant_lab.run("connector_group.yml", {"group_name": "Europe"})

    assert run.rc == 0, run.output
    assert tenant_lab.group("Europe") is not None
    assert tenant_lab.counts()["endpoints"][LIST_GROUPS] == 2


def test_endless_throttling_fails_clearly_within_the_bound(tenant_lab):
    tenant_lab.admin.add_fault(LIST_GROUPS, "429", count=-1, retry_after=1)

    run = tenant_lab.run("connector_group.yml", {"group_name": "Europe"})

    assert run.rc == 2
    msg = run.results["group"]["msg"]
    assert msg.startswith("Microsoft Graph kept throttling requests (HTTP 429) when trying to list the connector "
                          "groups: gave up after 6 tries over ")
    assert "(limits: 5 retries, 60 seconds). Wait a few minutes and rerun" in msg
    assert tenant_lab.counts()["endpoints"][LIST_GROUPS] == 6
    assert run.elapsed < 60
    assert tenant_lab.group("Europe") is None


def test_expired_access_token_is_refreshed_silently(tenant_lab, tmp_path):
    auth = {"graph_auth": tenant_lab.graph_auth(token_cache_path=tmp_path / "cache.json")}
    first = tenant_lab.run("connector_group.yml", dict(auth, group_name="Europe"))
    assert first.rc == 0, first.output
    assert tenant_lab.admin.expire_tokens(kind="access") >= 1
    tenant_lab.admin.reset_counts()

    second = tenant_lab.run("connector_group.yml", dict(auth, group_name="Asia", group_region="asia"))

    assert second.rc == 0, second.output
    assert tenant_lab.group("Asia")["region"] == "asia"
    counts = tenant_lab.counts()
    # the cached token was turned down once, then a refresh-token sign-in (no password prompt) replaced it
    assert counts["endpoints"][LIST_GROUPS] == 2
    assert counts["totals"]["token_requests"] == 1
    assert "expired" not in second.stdout


def test_user_without_the_role_is_told_which_role(tenant_lab, tmp_path):
    auth = {"graph_auth": tenant_lab.graph_auth(token_cache_path=tmp_path / "cache.json")}

    run = tenant_lab.run("connector_group.yml", dict(auth, group_name="Europe"), auth_env=tenant_lab.password_env("no_role"))

    assert run.rc == 2
    assert run.results["group"]["msg"].startswith(
        "Microsoft Graph denied the request to list the connector groups (HTTP 403 Authorization_RequestDenied: "
        "Insufficient privileges to complete the operation). The signed-in user needs the Application "
        "Administrator (or Global Administrator) role and a delegated token with Directory.ReadWrite.All consented.")
    assert tenant_lab.group("Europe") is None


def test_app_only_token_is_refused_with_the_reason(tenant_lab, tmp_path):
    auth = {"graph_auth": tenant_lab.graph_auth(token_cache_path=tmp_path / "cache.json")}
    env = {"ENTRA_AUTH_METHOD": "client_secret", "ENTRA_CLIENT_ID": tenant_lab.tenant.app["client_id"],
           "ENTRA_CLIENT_SECRET": tenant_lab.tenant.app["client_secret"]}

    run = tenant_lab.run("connector_group.yml", dict(auth, group_name="Europe"), auth_env=env)

    assert run.rc == 2
    msg = run.results["group"]["msg"]
    assert "HTTP 403 Authorization_RequestDenied: This operation requires delegated permissions of a signed-in user" \
        in msg
    assert ("App-only tokens (client credentials: auth_method=client_secret or certificate) are not supported for "
            "the application proxy connector APIs; use auth_method=device_code, password or a delegated "
            "access_token.") in msg


def test_device_code_never_approved_times_out_clearly(tenant_lab, tmp_path):
    tenant_lab.admin.add_fault(DEVICE_CODE, "never_approve", count=1)
    auth = {"graph_auth": tenant_lab.graph_auth(token_cache_path=tmp_path / "cache.json", device_code_timeout=3)}

    run = tenant_lab.run("connector_group.yml", dict(auth, group_name="Europe"), auth_env={"ENTRA_AUTH_METHOD": "device_code"})

    assert run.rc == 2
    assert run.results["group"]["msg"].startswith(
        "The device code sign-in was not completed within 3 seconds. Run the play again")
    assert run.stdout.count("entra.app_proxy: to sign in to tenant") == 1  # the prompt, once
    assert run.elapsed < 60
    assert tenant_lab.counts()["totals"]["graph_reads"] == 0
    assert tenant_lab.group("Europe") is None


def test_one_device_code_prompt_for_a_play_of_graph_tasks(tenant_lab, tmp_path):
    tenant_lab.admin.seed(connectors=[{"machineName": "eu1.contoso.example"}])
    auth = {"graph_auth": tenant_lab.graph_auth(token_cache_path=tmp_path / "cache.json")}

    run = tenant_lab.run("info.yml", dict(auth, info_machine_name="eu1", info_group="Default"),
                         auth_env={"ENTRA_AUTH_METHOD": "device_code"})

    assert run.rc == 0, run.output
    assert run.stdout.count("entra.app_proxy: to sign in to tenant") == 1
    counts = tenant_lab.counts()["totals"]
    assert counts["devicecode_requests"] == 1
    assert [c["machine_name"] for c in run.results["one_connector"]["connectors"]] == ["eu1.contoso.example"]
