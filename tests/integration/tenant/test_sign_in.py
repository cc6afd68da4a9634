"""entra.app_proxy.sign_in through ansible-playbook: one prompt for both tokens, and every refusal before any use."""
from __future__ import annotations

import pytest

# device codes are approved (as the admin) one second after they are issued
TENANT_OPTIONS = {"device_code_auto_approve_after": 1}
TOKEN = "POST /{tenant}/oauth2/v2.0/token"


pytestmark = pytest.mark.usefixtures("clean_tenant")


def test_one_device_code_prompt_for_graph_and_registration(tenant_lab, tmp_path):
    auth = {"graph_auth": tenant_lab.graph_auth(token_cache_path=tmp_path / "cache.json")}

    run = tenant_lab.run("sign_in.yml", auth, auth_env={"ENTRA_AUTH_METHOD": "device_code"})

    assert run.rc == 0, run.output
    assert run.stdout.count("entra.app_proxy: to sign in to tenant") == 1
    assert tenant_lab.counts()["totals"]["devicecode_requests"] == 1
    signed_in = run.results["signed_in"]["signed_in"]
    assert sorted(signed_in) == ["graph", "registration"]
    assert signed_in["registration"]["account"] == tenant_lab.user("admin")["username"]
    assert signed_in["registration"]["tenant_id"] == tenant_lab.tenant.tenant_id
    assert run.results["connectors"]["connectors"] == []
    assert "access_token" not in run.results_text


@pytest.mark.parametrize("user, fault, needle", [
    ("admin", "refuse_consent", "AADSTS65002"),
    ("guest", None, "is a guest in this tenant"),
    ("no_role", None, "holds neither the Application Administrator nor the Global Administrator role"),
])
def test_refusals_fail_the_sign_in_before_any_use(tenant_lab, tmp_path, user, fault, needle):
    if fault:
        tenant_lab.admin.add_fault(TOKEN, fault, count=-1)
    auth = {"graph_auth": tenant_lab.graph_auth(token_cache_path=tmp_path / "cache.json")}

    run = tenant_lab.run("sign_in.yml", auth, auth_env=tenant_lab.password_env(user))

    assert run.rc != 0
    assert needle in run.output, run.output
    assert run.results["connectors"] == {}, "a task after the failed sign-in ran"
    assert tenant_lab.user(user)["password"] not in run.output
