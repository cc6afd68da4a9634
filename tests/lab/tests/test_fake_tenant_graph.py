"""Graph beta connector and connector group rules of the fake tenant."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fake_tenant import password_token  # noqa: E402

pytest_plugins = ["fake_tenant.pytest_plugin"]

GRAPH = "/beta/onPremisesPublishingProfiles/applicationProxy"


class Graph:
    def __init__(self, tenant, token):
        self.tenant, self.session = tenant, tenant.session()
        self.session.headers["Authorization"] = "Bearer " + token

    def url(self, path):
        return self.tenant.graph_endpoint + GRAPH + path

    def get(self, path, **params):
        return self.session.get(self.url(path), params=params, timeout=30)

    def post(self, path, body):
        return self.session.post(self.url(path), json=body, timeout=30)

    def patch(self, path, body):
        return self.session.patch(self.url(path), json=body, timeout=30)

    def delete(self, path):
        return self.session.delete(self.url(path), timeout=30)

    def group_ref(self, group_id):
        base = "https://graph.microsoft.com/beta/onPremisesPublishingProfiles/applicationProxy"
        return {"@odata.id": "%s/connectorGroups/%s" % (base, group_id)}

    def connector_ref(self, connector_id):
        return {"@odata.id": self.url("/connectors/%s" % connector_id)}


@pytest.fixture
def graph(fake_tenant, graph_token):
    return Graph(fake_tenant, graph_token)


def default_group(tenant):
    return next(g for g in tenant.admin.state()["groups"] if g["isDefault"])


def assert_error(resp, status, code, text=None):
    assert resp.status_code == status, resp.text
    error = resp.json()["error"]
    assert error["code"] == code
    assert error["innerError"]["request-id"]
    if text:
        assert text in error["message"]


def test_default_group_exists_and_cannot_be_deleted(graph, fake_tenant):
    groups = graph.get("/connectorGroups").json()["value"]
    assert [(g["name"], g["isDefault"], g["connectorGroupType"]) for g in groups] == [
        ("Default", True, "applicationProxy")]
    assert_error(graph.delete("/connectorGroups/%s" % groups[0]["id"]), 400, "Request_BadRequest", "default")
    assert len(fake_tenant.admin.state()["groups"]) == 1


def test_create_get_update_delete_group(graph, fake_tenant):
    created = graph.post("/connectorGroups", {"name": "West", "region": "eur"})
    assert created.status_code == 201
    group = created.json()
    assert group["name"] == "West" and group["region"] == "eur" and group["isDefault"] is False
    assert created.headers["Location"].endswith("/connectorGroups/" + group["id"])
    assert graph.get("/connectorGroups/%s" % group["id"]).json()["name"] == "West"

    updated = graph.patch("/connectorGroups/%s" % group["id"], {"name": "West EU", "region": "nam"})
    assert updated.status_code == 200 and updated.json()["region"] == "nam"
    state = {g["id"]: g for g in fake_tenant.admin.state()["groups"]}
    assert state[group["id"]]["name"] == "West EU" and state[group["id"]]["region"] == "nam"

    assert graph.delete("/connectorGroups/%s" % group["id"]).status_code == 204
    assert_error(graph.get("/connectorGroups/%s" % group["id"]), 404, "Request_ResourceNotFound")
    assert group["id"] not in {g["id"] for g in fake_tenant.admin.state()["groups"]}


def test_group_input_is_validated(graph):
    assert_error(graph.post("/connectorGroups", {"region": "eur"}), 400, "Request_BadRequest", "name")
    assert_error(graph.post("/connectorGroups", {"name": "X", "region": "mars"}), 400, "Request_BadRequest", "mars")
    assert_error(graph.post("/connectorGroups", {"name": "X", "colour": "red"}), 400, "BadRequest", "colour")
    assert_error(graph.post("/connectorGroups", {"name": "X", "isDefault": True}), 400, "Request_BadRequest")
    assert_error(graph.get("/connectorGroups/not-a-guid"), 400, "Request_BadRequest", "not-a-guid")


def test_region_only_on_empty_group(graph, fake_tenant):
    made = fake_tenant.admin.seed(groups=[{"name": "A", "region": "eur"}, {"name": "B"}],
                                  connectors=[{"machineName": "SRV1", "group": "A"}],
                                  applications=[{"displayName": "Payroll", "group": "B"}])
    a, b = (g["id"] for g in made["groups"])
    assert_error(graph.patch("/connectorGroups/%s" % a, {"region": "aus"}), 400, "Request_BadRequest", "region")
    assert_error(graph.patch("/connectorGroups/%s" % b, {"region": "aus"}), 400, "Request_BadRequest", "region")
    # Same value, or another property: allowed.
    assert graph.patch("/connectorGroups/%s" % a, {"region": "eur", "name": "A2"}).status_code == 200
    regions = {g["id"]: g["region"] for g in fake_tenant.admin.state()["groups"]}
    assert regions[a] == "eur" and regions[b] is None


def test_group_with_members_or_applications_cannot_be_deleted(graph, fake_tenant):
    made = fake_tenant.admin.seed(groups=[{"name": "A"}, {"name": "B"}],
                                  connectors=[{"machineName": "SRV1", "group": "A", "status": "inactive"}],
                                  applications=[{"displayName": "Payroll", "group": "B"}])
    a, b = (g["id"] for g in made["groups"])
    assert_error(graph.delete("/connectorGroups/%s" % a), 400, "Request_BadRequest", "must be removed")
    assert_error(graph.delete("/connectorGroups/%s" % b), 400, "Request_BadRequest", "must be removed")
    apps = graph.get("/connectorGroups/%s/applications" % b).json()["value"]
    assert [x["displayName"] for x in apps] == ["Payroll"]
    assert {g["id"] for g in fake_tenant.admin.state()["groups"]} >= {a, b}


def test_connectors_move_between_groups(graph, fake_tenant):
    made = fake_tenant.admin.seed(groups=[{"name": "A"}, {"name": "B"}], connectors=[{"machineName": "SRV1"}])
    a, b = (g["id"] for g in made["groups"])
    connector = made["connectors"][0]
    default = default_group(fake_tenant)["id"]
    assert fake_tenant.admin.state()["memberships"][connector["id"]] == default

    assert graph.post("/connectors/%s/memberOf/$ref" % connector["id"], graph.group_ref(a)).status_code == 204
    assert fake_tenant.admin.state()["memberships"][connector["id"]] == a
    assert [g["id"] for g in graph.get("/connectors/%s/memberOf" % connector["id"]).json()["value"]] == [a]
    assert graph.get("/connectorGroups/%s/members" % default).json()["value"] == []

    assert graph.post("/connectorGroups/%s/members/$ref" % b, graph.connector_ref(connector["id"])).status_code == 204
    assert fake_tenant.admin.state()["memberships"][connector["id"]] == b
    assert graph.get("/connectorGroups/%s/members" % a).json()["value"] == []
    members = graph.get("/connectorGroups/%s/members" % b).json()["value"]
    assert [m["machineName"] for m in members] == ["SRV1"]
    # Already there: Graph refuses a duplicate reference.
    assert_error(graph.post("/connectorGroups/%s/members/$ref" % b, graph.connector_ref(connector["id"])),
                 400, "Request_BadRequest", "already exist")
    # Wrong kind of reference, unknown group.
    assert graph.post("/connectors/%s/memberOf/$ref" % connector["id"],
                      graph.connector_ref(connector["id"])).status_code == 400
    assert_error(graph.post("/connectors/%s/memberOf/$ref" % connector["id"],
                            graph.group_ref("00000000-0000-0000-0000-000000000001")), 404, "Request_ResourceNotFound")


def test_connector_shape_and_no_delete(graph, fake_tenant):
    made = fake_tenant.admin.seed(connectors=[{"machineName": "SRV1", "externalIp": "198.51.100.7",
                                               "version": "1.5.3437.0"}])
    cid = made["connectors"][0]["id"]
    connector = graph.get("/connectors/%s" % cid).json()
    assert connector == {"id": cid, "machineName": "SRV1", "externalIp": "198.51.100.7", "status": "active",
                         "version": "1.5.3437.0"}
    fake_tenant.admin.set_connector_status(cid, "inactive")
    assert graph.get("/connectors/%s" % cid).json()["status"] == "inactive"
    resp = graph.delete("/connectors/%s" % cid)
    assert resp.status_code == 405
    assert cid in fake_tenant.admin.state()["memberships"]


def test_paging_with_next_link(fake_tenant_factory):
    tenant = fake_tenant_factory(page_size=3)
    tenant.admin.seed(connectors=[{"machineName": "SRV%d" % i} for i in range(7)])
    graph = Graph(tenant, password_token(tenant))
    names, pages, url = [], 0, graph.url("/connectors")
    while url:
        body = graph.session.get(url, timeout=30).json()
        assert len(body["value"]) <= 3
        names += [c["machineName"] for c in body["value"]]
        url, pages = body.get("@odata.nextLink"), pages + 1
    assert names == ["SRV%d" % i for i in range(7)]
    assert pages == 3

    first = graph.get("/connectors", **{"$top": "5"}).json()
    assert len(first["value"]) == 5 and "$top=5" in first["@odata.nextLink"]
    rest = graph.session.get(first["@odata.nextLink"], timeout=30).json()
    assert [c["machineName"] for c in rest["value"]] == ["SRV5", "SRV6"] and "@odata.nextLink" not in rest
    assert graph.get("/connectors", **{"$top": "0"}).status_code == 400


def test_filter_and_select(graph, fake_tenant):
    fake_tenant.admin.seed(connectors=[{"machineName": "SRV1"}, {"machineName": "SRV2", "status": "inactive"}])
    body = graph.get("/connectors", **{"$filter": "machineName eq 'srv2'"}).json()
    assert [c["machineName"] for c in body["value"]] == ["SRV2"]
    body = graph.get("/connectors", **{"$filter": "status eq 'active'", "$select": "id,machineName"}).json()
    assert [sorted(c) for c in body["value"]] == [["id", "machineName"]]
    assert graph.get("/connectors", **{"$filter": "startswith(machineName,'S')"}).status_code == 400


def test_app_only_token_is_forbidden(fake_tenant):
    resp = fake_tenant.session().post(
        "%s/oauth2/v2.0/token" % fake_tenant.authority,
        data={"grant_type": "client_credentials", "client_id": fake_tenant.app["client_id"],
              "client_secret": fake_tenant.app["client_secret"], "scope": "https://graph.microsoft.com/.default"})
    graph = Graph(fake_tenant, resp.json()["access_token"])
    assert_error(graph.get("/connectors"), 403, "Authorization_RequestDenied", "delegated")
    assert_error(graph.post("/connectorGroups", {"name": "X"}), 403, "Authorization_RequestDenied", "delegated")
    assert len(fake_tenant.admin.state()["groups"]) == 1


def test_user_without_role_is_forbidden(fake_tenant):
    graph = Graph(fake_tenant, password_token(fake_tenant, "no_role"))
    assert_error(graph.get("/connectorGroups"), 403, "Authorization_RequestDenied",
                 "Insufficient privileges to complete the operation.")
    assert_error(graph.post("/connectorGroups", {"name": "X"}), 403, "Authorization_RequestDenied")
    assert len(fake_tenant.admin.state()["groups"]) == 1


def test_expired_and_bad_tokens(graph, fake_tenant, graph_token):
    assert graph.get("/connectors").status_code == 200
    fake_tenant.admin.expire_tokens()
    resp = graph.get("/connectors")
    assert_error(resp, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")

    head, payload, sig = graph_token.split(".")
    tampered = Graph(fake_tenant, "%s.%s.%s" % (head, payload, sig[:-4] + ("AAAA" if sig[-4:] != "AAAA" else "BBBB")))
    assert_error(tampered.get("/connectors"), 401, "InvalidAuthenticationToken")
    assert_error(Graph(fake_tenant, "garbage").get("/connectors"), 401, "InvalidAuthenticationToken")
    no_auth = fake_tenant.session().get(graph.url("/connectors"), timeout=30)
    assert_error(no_auth, 401, "InvalidAuthenticationToken", "empty")


def test_registration_token_is_not_a_graph_token(fake_tenant):
    token = password_token(fake_tenant, scope=fake_tenant.registration_scope)
    assert_error(Graph(fake_tenant, token).get("/connectors"), 401, "InvalidAuthenticationToken", "audience")
