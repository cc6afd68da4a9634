"""Publishing rules of the fake tenant (fake_tenant/apps.py): what Graph refuses, and the order it wants."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_tenant import password_token  # noqa: E402

pytest_plugins = ["fake_tenant.pytest_plugin"]

TEMPLATE = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"
EXTERNAL = "https://intranet-contoso.msappproxy.net"


class Api:
    def __init__(self, tenant, token):
        self.tenant, self.session = tenant, tenant.session()
        self.session.headers["Authorization"] = "Bearer " + token

    def call(self, method, path, body=None):
        return self.session.request(method, self.tenant.graph_endpoint + path, json=body, timeout=30)

    def instantiate(self, name="Intranet"):
        resp = self.call("POST", "/v1.0/applicationTemplates/%s/instantiate" % TEMPLATE, {"displayName": name})
        assert resp.status_code == 201, resp.text
        return resp.json()

    def uris(self, app_id, external=EXTERNAL):
        return self.call("PATCH", "/v1.0/applications/%s" % app_id,
                         {"identifierUris": [external], "web": {"redirectUris": [external + "/"],
                                                                "homePageUrl": external + "/"}})

    def publish(self, app_id, external=EXTERNAL + "/", **extra):
        body = {"externalUrl": external, "internalUrl": "http://intranet.contoso.example/"}
        body.update(extra)
        return self.call("PATCH", "/beta/applications/%s" % app_id, {"onPremisesPublishing": body})

    def group_ref(self, app_id, group_id):
        ref = "https://graph.microsoft.com/beta/onPremisesPublishingProfiles/applicationproxy/connectorGroups/%s"
        return self.call("PUT", "/beta/applications/%s/connectorGroup/$ref" % app_id, {"@odata.id": ref % group_id})


@pytest.fixture
def api(fake_tenant):
    return Api(fake_tenant, password_token(fake_tenant, "admin"))


def _code(resp):
    return resp.json()["error"]["code"], resp.json()["error"]["message"]


def test_instantiate_makes_application_and_service_principal(api, fake_tenant):
    made = api.instantiate()
    app, sp = made["application"], made["servicePrincipal"]
    assert app["applicationTemplateId"] == TEMPLATE and sp["appId"] == app["appId"]
    assert {r["id"] for r in app["appRoles"]} == {"18d14569-c3bd-439b-9a66-3a2aee01d14f",
                                                  "b9632174-c057-4f7e-951b-be3adc52bfe6"}
    assert sp["appRoleAssignmentRequired"] is True
    by_app_id = api.call("GET", "/v1.0/servicePrincipals(appId='%s')" % app["appId"])
    assert by_app_id.json()["id"] == sp["id"]
    assert api.call("GET", "/v1.0/applications/%s" % app["id"]).json().get("onPremisesPublishing", "absent") == "absent"


def test_order_uris_then_publishing_then_group(api, fake_tenant):
    app = api.instantiate()["application"]
    group = fake_tenant.admin.seed(groups=[{"name": "East"}])["groups"][0]
    # connector group before onPremisesPublishing: Application_NotFound
    code, message = _code(api.group_ref(app["id"], group["id"]))
    assert code == "Application_NotFound" and "OnPremisesPublishing is not enabled" in message
    # onPremisesPublishing before the URIs
    resp = api.publish(app["id"])
    assert resp.status_code == 400 and "identifierUris" in resp.json()["error"]["message"]
    assert api.uris(app["id"]).status_code == 204
    assert api.publish(app["id"]).status_code == 204
    assert api.group_ref(app["id"], group["id"]).status_code == 204
    read = api.call("GET", "/beta/applications/%s/connectorGroup" % app["id"]).json()
    assert read["name"] == "East"
    published = api.call("GET", "/beta/applications/%s" % app["id"]).json()["onPremisesPublishing"]
    assert published["externalUrl"] == EXTERNAL + "/" and published["isSecureCookieEnabled"] is True


def test_on_premises_publishing_is_beta_only(api):
    app = api.instantiate()["application"]
    api.uris(app["id"])
    resp = api.call("PATCH", "/v1.0/applications/%s" % app["id"],
                    {"onPremisesPublishing": {"externalUrl": EXTERNAL + "/"}})
    assert resp.status_code == 400 and resp.json()["error"]["message"] == "Invalid property 'onPremisesPublishing'."


@pytest.mark.parametrize("case", ["slash", "case", "suffix", "port", "domain", "ip"])
def test_url_rules(api, case):
    app = api.instantiate()["application"]
    if case == "slash":
        resp = api.uris(app["id"], external=EXTERNAL + "/")
        assert _code(resp)[0] == "IdentifierUrisEndsWithSlash"
        return
    if case == "case":
        api.uris(app["id"], external=EXTERNAL.replace("intranet", "Intranet"))
        assert _code(api.publish(app["id"]))[0] == "DuplicateValueInDifferentCase"
        return
    urls = {"suffix": "https://intranet-fabrikam.msappproxy.net", "port": "https://intranet-contoso.msappproxy.net:8443",
            "domain": "https://intranet.unverified.example", "ip": EXTERNAL}
    api.uris(app["id"], external=urls[case])
    extra = {"internalUrl": "http://10.1.2.3/"} if case == "ip" else {}
    code, message = _code(api.publish(app["id"], external=urls[case] + "/", **extra))
    expected = {"suffix": ("ExternalUrl_InvalidAsciiRules", "-contoso.msappproxy.net"),
                "port": ("ExternalUrl_InvalidPort", "default port"),
                "domain": ("ExternalUrl_DomainNotVerified", "not a verified domain"),
                "ip": ("InternalUrl_Invalid", "IP address")}[case]
    assert code == expected[0] and expected[1] in message


def test_certificate_wrong_password(api, fake_tenant):
    fake_tenant.admin.seed(customDomains=["apps.contoso.example"])
    app = api.instantiate()["application"]
    api.uris(app["id"], external="https://intranet.apps.contoso.example")
    resp = api.publish(app["id"], external="https://intranet.apps.contoso.example/",
                       verifiedCustomDomainKeyCredential={"type": "X509CertAndPassword", "value": "bm90IGEgcGZ4"},
                       verifiedCustomDomainPasswordCredential={"value": "x"})
    assert _code(resp) == ("InvalidCertificate", "Invalid certificate, possible wrong password.")


def test_assignments_and_delete(api, fake_tenant):
    made = api.instantiate()
    sp = made["servicePrincipal"]
    user = fake_tenant.users["admin"]["object_id"]
    resp = api.call("POST", "/v1.0/servicePrincipals/%s/appRoleAssignedTo" % sp["id"],
                    {"principalId": user, "resourceId": sp["id"], "appRoleId": "18d14569-c3bd-439b-9a66-3a2aee01d14f"})
    assert resp.status_code == 201 and resp.json()["principalType"] == "User"
    again = api.call("POST", "/v1.0/servicePrincipals/%s/appRoleAssignedTo" % sp["id"],
                     {"principalId": user, "resourceId": sp["id"], "appRoleId": "18d14569-c3bd-439b-9a66-3a2aee01d14f"})
    assert again.status_code == 409
    listed = api.call("GET", "/v1.0/servicePrincipals(appId='%s')/appRoleAssignedTo" % sp["appId"]).json()["value"]
    assert [a["principalId"] for a in listed] == [user]
    assert api.call("DELETE", "/v1.0/applications/%s" % made["application"]["id"]).status_code == 204
    assert api.call("GET", "/v1.0/servicePrincipals/%s" % sp["id"]).status_code == 404


def test_instantiate_404_after_fault_still_creates(api, fake_tenant):
    fake_tenant.admin.add_fault("POST /v1.0/applicationTemplates/{id}/instantiate", "404_after")
    resp = api.call("POST", "/v1.0/applicationTemplates/%s/instantiate" % TEMPLATE, {"displayName": "Ghost"})
    assert resp.status_code == 404
    assert [a["displayName"] for a in fake_tenant.admin.state()["applications"]] == ["Ghost"]


def test_app_only_token_refused(fake_tenant):
    resp = fake_tenant.session().post(
        "%s/oauth2/v2.0/token" % fake_tenant.authority,
        data={"grant_type": "client_credentials", "client_id": fake_tenant.app["client_id"],
              "client_secret": fake_tenant.app["client_secret"], "scope": fake_tenant.graph_endpoint + "/.default"},
        timeout=30)
    api = Api(fake_tenant, resp.json()["access_token"])
    assert api.call("GET", "/beta/applications").status_code == 403
