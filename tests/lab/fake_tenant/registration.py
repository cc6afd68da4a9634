"""Connector registration service and installer download.

POST /register stands in for what RegisterConnector.ps1 (token mode) talks to. Each
successful registration creates a NEW connector object in the Default group; an active
connector with the same machine name goes inactive (a re-registered server shows up as a
new connector, and the old entry ages out as the tenant does for inactive connectors).
"""
from __future__ import annotations

import datetime
import hashlib
import secrets
import time

from .crypto import verify_jwt
from .model import utc_iso
from .server import Response, route

ISSUER = "connectorregistrationca.msappproxy.net"
CERT_LIFETIME_DAYS = 180


def _error(status: int, code: str, message: str, detail: str | None = None) -> Response:
    body = {"error": {"code": code, "message": message}}
    if detail:
        body["error"]["detail"] = detail
    return Response(status, body)


@route("POST", "/register", "registrations")
def register(server, req):
    tenant = server.tenant
    token = req.bearer()
    if not token:
        return _error(401, "InvalidToken", "No bearer token was presented. Register with -AuthenticationMode Token "
                                           "and a token for %s." % tenant.registration_scope)
    claims = verify_jwt(token, tenant.secret)
    record = tenant.tokens.get(claims.get("uti", "")) if claims else None
    if record is None:
        return _error(401, "InvalidToken", "The token could not be validated.")
    if record.is_expired():
        return _error(401, "TokenExpired", "Lifetime validation failed, the token is expired.",
                      "Get a new token just before registering; tokens live 60-90 minutes.")
    if record.resource != "registration" or (record.user_key and tenant.registration_permission not in record.scopes):
        return _error(401, "InvalidAudience",
                      "The token audience '%s' is not the registration service '%s'."
                      % (record.audience, tenant.registration_resource),
                      "Request the scope %s." % tenant.registration_scope)
    if record.user_key is None:
        return _error(403, "RegistrationDenied", "The registration request was denied.",
                      "An app-only token cannot register a connector: sign in as an Application Administrator.")
    try:
        body = req.json()
    except ValueError:
        return _error(400, "BadRequest", "The request body is not JSON.")
    if not isinstance(body, dict):
        return _error(400, "BadRequest", "The request body must be a JSON object.")
    missing = [k for k in ("machineName", "tenantId", "feature") if not body.get(k)]
    if missing:
        return _error(400, "BadRequest", "Missing required field(s): %s." % ", ".join(missing))
    if body["feature"] != "ApplicationProxy":
        return _error(400, "BadRequest", "Unsupported feature '%s'; this service registers ApplicationProxy "
                                         "connectors." % body["feature"])
    if str(body["tenantId"]).lower() != tenant.tenant_id.lower():
        return _error(403, "TenantMismatch",
                      "The token was issued for tenant '%s', not for tenantId '%s'."
                      % (tenant.tenant_id, body["tenantId"]))
    user = tenant.users[record.user_key]
    if user.guest:
        return _error(403, "RegistrationDenied",
                      "The registration attempt is always made on the user's home tenant. A guest user cannot "
                      "register a connector for this tenant.",
                      "Sign in with an account that belongs to %s." % tenant.domain)
    if not user.is_app_admin:
        return _error(403, "RegistrationDenied", "The registration request was denied.",
                      "Connector registration failed: Make sure you are an Application Administrator.")
    with tenant.lock:
        for connector in tenant.connectors.values():
            if connector["machineName"].casefold() == str(body["machineName"]).casefold():
                connector["status"] = "inactive"
        connector = tenant.add_connector(str(body["machineName"]), str(body.get("externalIp") or req.client_ip),
                                         "active", body.get("version") or None)
        tenant.registrations_succeeded += 1
    not_after = time.time() + CERT_LIFETIME_DAYS * 86400
    thumbprint = hashlib.sha1(secrets.token_bytes(32)).hexdigest().upper()  # noqa: S324 - a fake thumbprint
    return Response(200, {
        "connectorId": connector["id"],
        "connectorGroupId": connector["_group"],
        "certificateThumbprint": thumbprint,
        "certificateNotAfter": utc_iso(not_after),
        "issuer": ISSUER,
        "registeredAt": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    })


@route("GET", "/connector/download", "downloads")
# The direct-binary path Microsoft's sample script uses (FACTS.md section 1.2).
@route("GET", "/Subscription/{subscription}/Connector/DownloadConnectorInstaller", "downloads")
def download(server, req):
    tenant = server.tenant
    if req.method == "GET":
        with tenant.lock:
            tenant.downloads_served += 1
    return Response(200, tenant.installer_blob, {
        "Content-Disposition": 'attachment; filename="MicrosoftEntraPrivateNetworkConnectorInstaller.exe"',
        "ETag": '"%s"' % hashlib.sha256(tenant.installer_blob).hexdigest(),
    })
