"""Admin API under /_admin: no authentication (loopback only), never counted, never faulted."""
from __future__ import annotations

from .identity import approve_device_code
from .model import CONNECTOR_STATUSES, FaultError
from .server import HttpError, Response, route


def _bad(message: str, status: int = 400) -> HttpError:
    return HttpError(Response(status, {"error": message}))


def _body(req) -> dict:
    try:
        body = req.json()
    except ValueError:
        raise _bad("body must be JSON")
    if not isinstance(body, dict):
        raise _bad("body must be a JSON object")
    return body


@route("GET", "/_admin/state", "admin")
def state(server, req):
    return Response(200, server.tenant.snapshot())


@route("GET", "/_admin/info", "admin")
def info(server, req):
    # The start-up JSON line minus the secrets, for tools that lost it.
    data = server.info()
    data["users"] = {k: {kk: vv for kk, vv in v.items() if kk != "password"} for k, v in data["users"].items()}
    data["app"] = {k: v for k, v in data["app"].items() if k != "client_secret"}
    return Response(200, data)


@route("POST", "/_admin/reset", "admin")
def reset(server, req):
    body = _body(req)
    server.tenant.reset(tokens=bool(body.get("tokens")), seed=body.get("seed", True) is not False)
    return Response(200, server.tenant.snapshot())


@route("POST", "/_admin/seed", "admin")
def seed(server, req):
    try:
        return Response(200, server.tenant.seed(_body(req)))
    except (KeyError, ValueError) as exc:
        raise _bad("seed: %s" % exc)


@route("POST", "/_admin/connectors/{id}/status", "admin")
def connector_status(server, req):
    body = _body(req)
    status = body.get("status")
    if status not in CONNECTOR_STATUSES:
        raise _bad("status must be one of %s" % ", ".join(CONNECTOR_STATUSES))
    tenant = server.tenant
    with tenant.lock:
        connector = tenant.connectors.get(req.params["id"].lower())
        if connector is None:
            raise _bad("no connector %s" % req.params["id"], 404)
        connector["status"] = status
        if "version" in body:
            connector["version"] = str(body["version"])
    return Response(200, {"id": connector["id"], "status": status})


@route("POST", "/_admin/devicecode/approve", "admin")
def devicecode_approve(server, req):
    body = _body(req)
    try:
        changed = approve_device_code(server, body.get("user_code"), body.get("user", "admin"),
                                      deny=bool(body.get("deny")))
    except PermissionError as exc:
        raise _bad(str(exc), 409)
    except ValueError as exc:
        raise _bad(str(exc))
    if not changed:
        raise _bad("no pending device code%s" % (" %s" % body["user_code"] if body.get("user_code") else ""), 404)
    return Response(200, {"approved" if not body.get("deny") else "declined": changed})


@route("POST", "/_admin/tokens/expire", "admin")
def tokens_expire(server, req):
    body = _body(req)
    try:
        n = server.tenant.expire_tokens(body.get("user"), body.get("kind", "access"))
    except ValueError as exc:
        raise _bad(str(exc))
    return Response(200, {"expired": n})


@route("GET", "/_admin/counts", "admin")
def counts(server, req):
    tenant = server.tenant
    with tenant.lock:
        return Response(200, {"endpoints": dict(sorted(tenant.counts.items())), "totals": dict(tenant.totals),
                              "registrations_succeeded": tenant.registrations_succeeded,
                              "downloads_served": tenant.downloads_served})


@route("POST", "/_admin/counts/reset", "admin")
def counts_reset(server, req):
    server.tenant.reset_counts()
    return Response(200, {"reset": True})


@route("GET", "/_admin/faults", "admin")
def faults_list(server, req):
    with server.tenant.lock:
        return Response(200, {"faults": [f.public() for f in server.tenant.faults]})


@route("POST", "/_admin/faults", "admin")
def faults_add(server, req):
    body = _body(req)
    specs = body.get("faults", [body]) if "faults" in body else [body]
    try:
        made = [server.tenant.add_fault(spec).public() for spec in specs]
    except FaultError as exc:
        raise _bad(str(exc))
    return Response(200, {"faults": made})


@route("DELETE", "/_admin/faults", "admin")
def faults_clear(server, req):
    with server.tenant.lock:
        server.tenant.faults.clear()
    return Response(200, {"faults": []})


@route("GET", "/_admin/endpoints", "admin")
def endpoints(server, req):
    from .server import ROUTE_KEYS

    return Response(200, {"endpoints": sorted(ROUTE_KEYS)})
