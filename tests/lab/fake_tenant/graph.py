"""Microsoft Graph beta: onPremisesPublishingProfiles/applicationProxy connectors and groups.

Rules modelled (Graph docs connector*.md / connectorgroup*.md, FACTS.md section 9):
one default group that cannot be deleted; region settable only while a group has no
connectors or applications; a group with members or applications cannot be deleted; a
connector belongs to exactly one group (adding it to another moves it); no DELETE for
connectors; delegated tokens of an Application Administrator only.
"""
from __future__ import annotations

import base64
import functools
import re
import uuid
from urllib.parse import quote, urlencode

from .crypto import verify_jwt
from .model import REGIONS, User, public
from .server import GRAPH, READS, WRITES, HttpError, Response, graph_error, route

GRAPH_SCOPES = {"Directory.ReadWrite.All", "Directory.AccessAsUser.All", "OnPremisesPublishingProfiles.ReadWrite.All"}
WWW_AUTH = ('Bearer realm="", authorization_uri="%s/common/oauth2/authorize", '
            'client_id="00000003-0000-0000-c000-000000000000"')
GROUP_FIELDS = ("id", "name", "connectorGroupType", "isDefault", "region")
GROUP_WRITABLE = {"name", "region"}
MAX_TOP = 999


def _fail(req, status, code, message, headers=None):
    raise HttpError(graph_error(req, status, code, message, headers))


def authorize(server, req) -> User:
    tenant = server.tenant
    token = req.bearer()
    unauthorized = {"WWW-Authenticate": WWW_AUTH % server.base_url}
    if not token:
        _fail(req, 401, "InvalidAuthenticationToken", "Access token is empty.", unauthorized)
    if token.count(".") != 2:
        _fail(req, 401, "InvalidAuthenticationToken", "IDX14100: JWT is not well formed, there are no dots (.).",
              unauthorized)
    claims = verify_jwt(token, tenant.secret)
    if claims is None:
        _fail(req, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid signature.",
              unauthorized)
    record = tenant.tokens.get(claims.get("uti", ""))
    if record is None:
        _fail(req, 401, "InvalidAuthenticationToken", "Access token validation failure. Token is not recognised.",
              unauthorized)
    if record.is_expired():
        _fail(req, 401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.",
              unauthorized)
    if record.resource != "graph":
        _fail(req, 401, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.",
              unauthorized)
    if record.user_key is None:
        _fail(req, 403, "Authorization_RequestDenied",
              "This operation requires delegated permissions of a signed-in user; application (app-only) "
              "permissions are not supported for onPremisesPublishingProfiles.")
    user = tenant.users[record.user_key]
    if not GRAPH_SCOPES & set(record.scopes):
        _fail(req, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    if not user.is_app_admin:
        _fail(req, 403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
    return user


def _check_id(req, value: str) -> str:
    try:
        uuid.UUID(value)
    except ValueError:
        _fail(req, 400, "Request_BadRequest", "Invalid object identifier '%s'." % value)
    return value.lower()


def _connector_out(c: dict) -> dict:
    return {"id": c["id"], "machineName": c["machineName"], "externalIp": c["externalIp"], "status": c["status"],
            "version": c["version"]}


def _group_out(g: dict) -> dict:
    return {k: g[k] for k in GROUP_FIELDS}


def _app_out(a: dict) -> dict:
    return public(a)


_FILTER_TERM = re.compile(r"^\s*(\w+)\s+eq\s+(?:'((?:[^']|'')*)'|(true|false|null))\s*$", re.IGNORECASE)


def _apply_filter(req, items: list[dict]) -> list[dict]:
    text = req.query.get("$filter")
    if not text:
        return items
    terms = []
    for part in re.split(r"\s+and\s+", text.strip(), flags=re.IGNORECASE):
        found = _FILTER_TERM.match(part)
        if not found:
            _fail(req, 400, "Request_UnsupportedQuery",
                  "Unsupported or invalid query filter clause specified for property: '%s'." % part.strip())
        name, text_value, literal = found.groups()
        if items and name not in items[0]:
            _fail(req, 400, "Request_BadRequest", "Could not find a property named '%s' on type 'microsoft.graph'."
                  % name)
        literals = {"true": True, "false": False, "null": None}
        value = text_value.replace("''", "'") if text_value is not None else literals[literal.lower()]
        terms.append((name, value))

    def keep(item):
        for name, value in terms:
            have = item.get(name)
            if isinstance(value, str) and isinstance(have, str):
                if have.casefold() != value.casefold():
                    return False
            elif have != value:
                return False
        return True

    return [item for item in items if keep(item)]


def _page(server, req, items: list[dict], context: str) -> Response:
    items = _apply_filter(req, items)
    select = [s.strip() for s in req.query.get("$select", "").split(",") if s.strip()]
    if "$top" in req.query:
        try:
            top = int(req.query["$top"])
        except ValueError:
            top = -1
        if not 1 <= top <= MAX_TOP:
            _fail(req, 400, "Request_BadRequest",
                  "Invalid page size specified: '%s'. Must be between 1 and %d inclusive."
                  % (req.query["$top"], MAX_TOP))
        size = top
    else:
        size = server.options.page_size
    skip = 0
    if "$skiptoken" in req.query:
        try:
            skip = int(base64.urlsafe_b64decode(req.query["$skiptoken"].encode()).decode().split(":", 1)[1])
        except (ValueError, IndexError, UnicodeError):
            _fail(req, 400, "Request_BadRequest", "The specified page token value has expired or is invalid.")
    chunk = items[skip:skip + size]
    if select:
        chunk = [{k: v for k, v in item.items() if k in select} for item in chunk]
    body = {"@odata.context": "%s/beta/$metadata#%s" % (server.base_url, context), "value": chunk}
    if skip + size < len(items):
        params = {k: v for k, v in req.query.items() if k in ("$filter", "$select", "$top")}
        params["$skiptoken"] = base64.urlsafe_b64encode(("skip:%d" % (skip + size)).encode()).decode()
        body["@odata.nextLink"] = "%s%s?%s" % (server.base_url, req.path, urlencode(params, quote_via=quote, safe="$'"))
    return Response(200, body)


def _request_json(req):
    try:
        return req.json()
    except ValueError:
        _fail(req, 400, "BadRequest", "Unable to read JSON request payload.")


def json_object(req, what: str) -> dict:
    """The request's body, which must be a JSON object (``what`` names it in the error)."""
    body = _request_json(req)
    if not isinstance(body, dict):
        _fail(req, 400, "BadRequest", "The request body must be %s." % what)
    return body


def _ref_id(req, kind: str) -> str:
    """The id at the end of an @odata.id reference to a connector or connectorGroup."""
    body = _request_json(req)
    ref = body.get("@odata.id") if isinstance(body, dict) else None
    if not isinstance(ref, str) or not ref:
        _fail(req, 400, "BadRequest", "The request body must contain an '@odata.id' reference.")
    path = ref.split("?", 1)[0].rstrip("/")
    segments = path.split("/")
    if len(segments) < 2 or segments[-2].lower() != kind.lower():
        _fail(req, 400, "BadRequest", "The @odata.id '%s' does not reference a %s." % (ref, kind[:-1]))
    return _check_id(req, segments[-1])


def _get(req, table: dict, object_id: str) -> dict:
    object_id = _check_id(req, object_id)
    if object_id not in table:
        _fail(req, 404, "Request_ResourceNotFound",
              "Resource '%s' does not exist or one of its queried reference-property objects are not present."
              % object_id)
    return table[object_id]


def graph_call(handler):
    """The frame of every Graph handler: the caller is authorized first, then the handler runs under the
    tenant's lock."""
    @functools.wraps(handler)
    def call(server, req):
        authorize(server, req)
        with server.tenant.lock:
            return handler(server, req)
    return call


def list_handler(path: str, table: str, out, context: str):
    """GET of the whole collection at ``path``: every object of the tenant's ``table``, as ``out`` shows it,
    paged."""
    @route("GET", path, READS)
    @graph_call
    def handler(server, req):
        return _page(server, req, [out(x) for x in getattr(server.tenant, table).values()], context)
    return handler


def get_handler(path: str, table: str, out):
    """GET of one object of the tenant's ``table`` by its id, below the collection at ``path``."""
    @route("GET", path + "/{id}", READS)
    @graph_call
    def handler(server, req):
        return Response(200, out(_get(req, getattr(server.tenant, table), req.params["id"])))
    return handler


# ----- connectors
PROFILE = "onPremisesPublishingProfiles('applicationProxy')"
list_connectors = list_handler(GRAPH + "/connectors", "connectors", _connector_out, PROFILE + "/connectors")
get_connector = get_handler(GRAPH + "/connectors", "connectors", _connector_out)


@route("GET", GRAPH + "/connectors/{id}/memberOf", READS)
@graph_call
def connector_member_of(server, req):
    connector = _get(req, server.tenant.connectors, req.params["id"])
    return _page(server, req, [_group_out(server.tenant.groups[connector["_group"]])], "connectorGroups")


def _move(server, req, connector_id: str, group_id: str) -> Response:
    tenant = server.tenant
    connector = _get(req, tenant.connectors, connector_id)
    group = _get(req, tenant.groups, group_id)
    if connector["_group"] == group["id"]:
        _fail(req, 400, "Request_BadRequest",
              "One or more added object references already exist for the following modified properties: "
              "'members'.")
    connector["_group"] = group["id"]
    return Response(204)


@route("POST", GRAPH + "/connectors/{id}/memberOf/$ref", WRITES)
@graph_call
def connector_add_member_of(server, req):
    return _move(server, req, req.params["id"], _ref_id(req, "connectorGroups"))


# ----- connector groups
list_groups = list_handler(GRAPH + "/connectorGroups", "groups", _group_out, PROFILE + "/connectorGroups")
get_group = get_handler(GRAPH + "/connectorGroups", "groups", _group_out)


def _group_body(req) -> dict:
    body = json_object(req, "a connectorGroup object")
    for key in body:
        if key not in GROUP_FIELDS and not key.startswith("@odata."):
            _fail(req, 400, "BadRequest",
                  "Property '%s' does not exist on type 'microsoft.graph.connectorGroup'." % key)
        if key in ("isDefault", "connectorGroupType", "id") and key in body:
            _fail(req, 400, "Request_BadRequest", "Property '%s' is read-only and cannot be set." % key)
    if "name" in body and (not isinstance(body["name"], str) or not body["name"].strip()):
        _fail(req, 400, "Request_BadRequest", "Invalid value specified for property 'name' of resource "
                                              "'connectorGroup'.")
    if "region" in body and body["region"] not in REGIONS:
        _fail(req, 400, "Request_BadRequest", "Invalid value '%s' for property 'region'. Possible values: %s."
              % (body["region"], ", ".join(REGIONS)))
    return body


@route("POST", GRAPH + "/connectorGroups", WRITES)
@graph_call
def create_group(server, req):
    body = _group_body(req)
    if "name" not in body:
        _fail(req, 400, "Request_BadRequest", "The property 'name' is required when creating a connectorGroup.")
    group = server.tenant.add_group(body["name"], body.get("region"))
    out = _group_out(group)
    out["@odata.context"] = ("%s/beta/$metadata#onPremisesPublishingProfiles('applicationProxy')/connectorGroups/"
                             "$entity" % server.base_url)
    return Response(201, out, {"Location": "%s%s/connectorGroups/%s" % (server.base_url, GRAPH, group["id"])})


def _busy(tenant, group: dict) -> bool:
    return bool(tenant.group_members(group["id"]) or tenant.group_applications(group["id"]))


@route("PATCH", GRAPH + "/connectorGroups/{id}", WRITES)
@graph_call
def update_group(server, req):
    body = _group_body(req)
    tenant = server.tenant
    group = _get(req, tenant.groups, req.params["id"])
    if "region" in body and body["region"] != group["region"] and _busy(tenant, group):
        _fail(req, 400, "Request_BadRequest",
              "The region of a connector group can only be set when no connectors or applications are "
              "assigned to it.")
    group.update({k: v for k, v in body.items() if k in GROUP_WRITABLE})
    return Response(200, _group_out(group))


@route("DELETE", GRAPH + "/connectorGroups/{id}", WRITES)
@graph_call
def delete_group(server, req):
    tenant = server.tenant
    group = _get(req, tenant.groups, req.params["id"])
    if group["isDefault"]:
        _fail(req, 400, "Request_BadRequest", "The default connector group cannot be deleted.")
    if _busy(tenant, group):
        _fail(req, 400, "Request_BadRequest",
              "All connectors and applications must be removed from the connector group before a connector "
              "group can be deleted.")
    del tenant.groups[group["id"]]
    return Response(204)


@route("GET", GRAPH + "/connectorGroups/{id}/members", READS)
@graph_call
def group_members(server, req):
    group = _get(req, server.tenant.groups, req.params["id"])
    return _page(server, req, [_connector_out(c) for c in server.tenant.group_members(group["id"])], "connectors")


@route("POST", GRAPH + "/connectorGroups/{id}/members/$ref", WRITES)
@graph_call
def group_add_member(server, req):
    return _move(server, req, _ref_id(req, "connectors"), req.params["id"])


@route("GET", GRAPH + "/connectorGroups/{id}/applications", READS)
@graph_call
def group_applications(server, req):
    group = _get(req, server.tenant.groups, req.params["id"])
    return _page(server, req, [_app_out(a) for a in server.tenant.group_applications(group["id"])], "applications")
