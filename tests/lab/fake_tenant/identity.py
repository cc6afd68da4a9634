"""Microsoft identity platform (v2 endpoints) as far as MSAL Python needs it."""
from __future__ import annotations

import hmac
import re
import secrets
import string
import time

from .crypto import ClientAssertionError, verify_client_assertion
from .model import AZURE_CLI_APP_ID, CONNECTOR_APP_ID, GRAPH_ALIASES, new_id, utc_iso
from .server import HttpError, Response, route
from .tokens import issue

RESERVED_SCOPES = {"openid", "profile", "offline_access", "email"}
GRAPH_DEFAULT_SCOPES = ["Directory.AccessAsUser.All", "Directory.ReadWrite.All", "User.Read"]
GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PUBLIC_CLIENTS = {
    # client id -> (display name, resources it is pre-authorised for)
    CONNECTOR_APP_ID: ("Microsoft Entra private network connector", ("registration",)),
    AZURE_CLI_APP_ID: ("Microsoft Azure CLI", ("graph", "registration")),
}


def oauth_error(status: int, error: str, description: str, **extra) -> HttpError:
    found = re.match(r"AADSTS(\d+)", description)
    body = {"error": error, "error_description": description, "error_codes": [int(found.group(1))] if found else [],
            "timestamp": utc_iso(), "trace_id": new_id(), "correlation_id": new_id(),
            "error_uri": "https://login.microsoftonline.com/error?code=%s" % (found.group(1) if found else "")}
    body.update(extra)
    return HttpError(Response(status, body))


def resolve_tenant(server, segment: str) -> str:
    tenant = server.tenant
    if segment.lower() in (tenant.tenant_id.lower(), tenant.domain.lower()):
        return tenant.tenant_id
    if segment.lower() in ("common", "organizations"):
        return segment.lower()
    raise oauth_error(400, "invalid_request",
                      "AADSTS90002: Tenant '%s' not found. Check to make sure you have the correct tenant ID and are "
                      "signing into the correct cloud." % segment)


@route("GET", "/{tenant}/v2.0/.well-known/openid-configuration", "identity")
def openid_configuration(server, req):
    resolved = resolve_tenant(server, req.params["tenant"])
    base = "%s/%s" % (server.base_url, resolved)
    issuer_tenant = server.tenant.tenant_id if resolved == server.tenant.tenant_id else "{tenantid}"
    return Response(200, {
        "token_endpoint": base + "/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": base + "/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["HS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": "%s/%s/v2.0" % (server.base_url, issuer_tenant),
        "request_uri_parameter_supported": False,
        "authorization_endpoint": base + "/oauth2/v2.0/authorize",
        "device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
        "end_session_endpoint": base + "/oauth2/v2.0/logout",
        "tenant_region_scope": "EU",
        "cloud_instance_name": "fake-tenant.invalid",
    })


@route("GET", "/{tenant}/discovery/v2.0/keys", "identity")
def jwks(server, req):
    resolve_tenant(server, req.params["tenant"])
    return Response(200, {"keys": []})  # tokens are HMAC-signed; only the fake itself validates them


@route("GET", "/common/userrealm/{user}", "identity")
def user_realm(server, req):
    name = req.params["user"]
    domain = name.rsplit("@", 1)[-1].lower()
    known = {server.tenant.domain.lower()}
    known |= {u.username.rsplit("@", 1)[-1].lower() for u in server.tenant.users.values()}
    return Response(200, {"ver": "1.0", "account_type": "Managed" if domain in known else "Unknown",
                          "domain_name": domain, "cloud_instance_name": "fake-tenant.invalid",
                          "cloud_audience_urn": "urn:federation:MicrosoftOnline"})


@route("GET", "/devicelogin", "identity")
def device_login_page(server, req):
    return Response(200, "Fake tenant device sign-in (test double, not Microsoft). Approve a code with "
                         "POST %s/_admin/devicecode/approve.\n" % server.base_url)


# ----- clients and scopes
def client_profile(server, client_id: str, tenant_text: str):
    """(kind, allowed resources) for a client id, or the AADSTS700016 error."""
    if client_id in PUBLIC_CLIENTS:
        return "public", PUBLIC_CLIENTS[client_id][1]
    if client_id and client_id == server.tenant.app["client_id"]:
        return "confidential", ("graph",)
    raise oauth_error(400, "unauthorized_client",
                      "AADSTS700016: Application with identifier '%s' was not found in the directory '%s'. This can "
                      "happen if the application has not been installed by the administrator of the tenant or "
                      "consented to by any user in the tenant. You may have sent your authentication request to the "
                      "wrong tenant." % (client_id, tenant_text))


def authenticate_client(server, form: dict, kind: str, segment: str) -> str:
    """The appidacr value: "0" public client, "1" secret, "2" certificate."""
    tenant = server.tenant
    client_id = form.get("client_id", "")
    has_secret = "client_secret" in form
    has_assertion = "client_assertion" in form
    if kind == "public":
        if has_secret or has_assertion:
            raise oauth_error(401, "invalid_client",
                              "AADSTS700025: Client is public so neither 'client_assertion' nor 'client_secret' "
                              "should be presented.")
        return "0"
    if has_secret:
        if not hmac.compare_digest(form["client_secret"].encode(), tenant.app["client_secret"].encode()):
            raise oauth_error(401, "invalid_client",
                              "AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the "
                              "request is the client secret value, not the client secret ID, for a secret added to "
                              "app '%s'." % client_id)
        return "1"
    if has_assertion:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise oauth_error(401, "invalid_client", "AADSTS700023: client_assertion_type must be %s." % ASSERTION_TYPE)
        audiences = ["%s/%s/oauth2/v2.0/token" % (server.base_url, seg)
                     for seg in (tenant.tenant_id, tenant.domain, segment)]
        try:
            verify_client_assertion(form["client_assertion"], server.certs, client_id, audiences)
        except ClientAssertionError as exc:
            raise oauth_error(401, "invalid_client", str(exc))
        return "2"
    raise oauth_error(401, "invalid_client",
                      "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or "
                      "'client_secret'.")


def resolve_scopes(server, scope_text: str, app_only: bool):
    """(resource, audience, granted short scopes, response scope text) for a scope string."""
    tenant = server.tenant
    wanted = [s for s in (scope_text or "").split() if s not in RESERVED_SCOPES]
    if not wanted:
        wanted = ["User.Read"]
    resources, perms = set(), []
    for scope in wanted:
        resource, _slash, perm = scope.rpartition("/") if "/" in scope else ("", "", scope)
        lowered = resource.rstrip("/").lower()
        if lowered in ("", server.base_url.lower()) or lowered in GRAPH_ALIASES:
            resources.add("graph")
        elif lowered == tenant.registration_resource.lower():
            resources.add("registration")
        else:
            raise oauth_error(400, "invalid_resource",
                              "AADSTS500011: The resource principal named %s was not found in the tenant named %s. "
                              "This can happen if the application has not been installed by the administrator of the "
                              "tenant or consented to by any user in the tenant." % (resource, tenant.domain))
        perms.append(perm)
    if len(resources) > 1:
        raise oauth_error(400, "invalid_scope",
                          "AADSTS28000: Provided value for the input parameter scope is not valid because it contains "
                          "more than one resource. Scope %s is not valid." % " ".join(wanted))
    resource = resources.pop()
    if app_only and any(p != ".default" for p in perms):
        raise oauth_error(400, "invalid_scope",
                          "AADSTS1002012: The provided value for scope %s is not valid. Client credential flows must "
                          "have a scope value with /.default suffixed to the resource identifier (application ID "
                          "URI)." % " ".join(wanted))
    if resource == "registration":
        for perm in perms:
            if perm not in (".default", tenant.registration_permission):
                raise oauth_error(400, "invalid_scope",
                                  "AADSTS650053: The application asked for scope '%s' that doesn't exist on the "
                                  "resource '%s'." % (perm, tenant.registration_resource))
        granted = [tenant.registration_permission]
        return resource, tenant.registration_resource, granted, _echo(wanted, [tenant.registration_scope])
    granted = []
    for perm in perms:
        for name in (GRAPH_DEFAULT_SCOPES if perm == ".default" else [perm]):
            if name not in granted:
                granted.append(name)
    return resource, server.base_url, granted, _echo(wanted, granted)


def _echo(wanted: list, granted: list) -> str:
    # Like Entra, the response names the requested scopes (".default" included) as well as
    # what was granted, so MSAL's cache finds the token again for the same request.
    return " ".join(dict.fromkeys(wanted + granted))


def check_consent(server, client_id: str, allowed: tuple, resource: str, audience: str) -> None:
    refused = resource == "registration" and server.tenant.take_fault(
        "POST /{tenant}/oauth2/v2.0/token", ("refuse_consent",))
    if resource in allowed and not refused:
        return
    if client_id in PUBLIC_CLIENTS:
        raise oauth_error(400, "invalid_grant",
                          "AADSTS65002: Consent between first party application '%s' and first party resource '%s' "
                          "must be configured via preauthorization - applications owned and operated by Microsoft "
                          "must get approval from the API owner before requesting tokens for that API."
                          % (client_id, audience), suberror="consent_required")
    raise oauth_error(400, "invalid_grant",
                      "AADSTS65001: The user or administrator has not consented to use the application with ID '%s' "
                      "named '%s'. Send an interactive authorization request for this user and resource."
                      % (client_id, server.tenant.app["display_name"]), suberror="consent_required")


# ----- device code
def _user_code() -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _char in range(9))


@route("POST", "/{tenant}/oauth2/v2.0/devicecode", "devicecode_requests")
def devicecode(server, req):
    tenant = server.tenant
    segment = req.params["tenant"]
    resolve_tenant(server, segment)
    form = req.form()
    client_id = form.get("client_id", "")
    client_profile(server, client_id, segment)
    resolve_scopes(server, form.get("scope", ""), app_only=False)  # syntax and resource now; consent at redemption
    opts = server.options
    now = time.time()
    record = {"device_code": "fake-dc." + secrets.token_urlsafe(40), "user_code": _user_code(),
              "client_id": client_id, "scope": form.get("scope", ""), "created": now,
              "expires_at": now + opts.device_code_expires_in, "status": "pending", "user_key": None,
              "never_approve": req.never_approve}
    with tenant.lock:
        tenant.device_codes[record["device_code"]] = record
    uri = server.base_url + "/devicelogin"
    return Response(200, {
        "user_code": record["user_code"], "device_code": record["device_code"], "verification_uri": uri,
        "expires_in": opts.device_code_expires_in, "interval": opts.device_code_interval,
        "message": "To sign in, use a web browser to open the page %s and enter the code %s to authenticate."
                   % (uri, record["user_code"]),
    })


def approve_device_code(server, user_code: str | None, user_name: str, deny: bool = False) -> list[str]:
    """Approve (or decline) pending device codes; returns the user codes it changed."""
    tenant = server.tenant
    user = tenant.user_by_name(user_name)
    if user is None:
        raise ValueError("no user %r (use admin, no_role, guest or a username)" % user_name)
    changed = []
    with tenant.lock:
        for record in tenant.device_codes.values():
            if user_code and record["user_code"].upper() != user_code.replace("-", "").upper():
                continue
            if record["status"] != "pending" or record["expires_at"] <= time.time():
                continue
            if record["never_approve"]:
                raise PermissionError("device code %s is held by a never_approve fault" % record["user_code"])
            record["status"], record["user_key"] = ("declined" if deny else "approved"), user.key
            changed.append(record["user_code"])
    return changed


def _redeem_device_code(server, form: dict, client_id: str):
    tenant = server.tenant
    opts = server.options
    with tenant.lock:
        record = tenant.device_codes.get(form.get("device_code", ""))
        if record is None or record["client_id"] != client_id:
            raise oauth_error(400, "invalid_grant",
                              "AADSTS70000: The provided value for the 'device_code' is not valid.")
        now = time.time()
        if record["status"] == "redeemed":
            raise oauth_error(400, "invalid_grant",
                              "AADSTS70000: The provided value for the 'device_code' is not valid. It was already "
                              "redeemed.")
        if now >= record["expires_at"]:
            raise oauth_error(400, "expired_token",
                              "AADSTS70020: The provided value for the input parameter 'device_code' is not valid. "
                              "This device code has expired.")
        after = opts.device_code_auto_approve_after
        if (record["status"] == "pending" and after is not None and not record["never_approve"]
                and now - record["created"] >= after):
            record["status"] = "approved"
            record["user_key"] = tenant.user_by_name(opts.device_code_auto_approve_user).key
        if record["status"] == "declined":
            raise oauth_error(400, "authorization_declined",
                              "AADSTS70000: The user declined the sign-in request for this device code.")
        if record["status"] != "approved":
            raise oauth_error(400, "authorization_pending",
                              "AADSTS70016: OAuth 2.0 device flow error. Authorization is pending. Continue polling.")
        record["status"] = "redeemed"
        return tenant.users[record["user_key"]], record["scope"]


# ----- token endpoint
@route("POST", "/{tenant}/oauth2/v2.0/token", "token_requests")
def token(server, req):
    tenant = server.tenant
    segment = req.params["tenant"]
    resolved = resolve_tenant(server, segment)
    form = req.form()
    client_id = form.get("client_id", "")
    grant = form.get("grant_type", "")
    kind, allowed = client_profile(server, client_id, segment)
    auth_level = authenticate_client(server, form, kind, segment)

    if grant == "client_credentials":
        if kind == "public":
            raise oauth_error(401, "invalid_client",
                              "AADSTS7000218: The request body must contain the following parameter: "
                              "'client_assertion' or 'client_secret'.")
        if resolved in ("common", "organizations"):
            raise oauth_error(400, "invalid_request",
                              "AADSTS90133: Client credential flows need a tenant-specific authority, not '%s'."
                              % segment)
        resource, audience, _scp, _roles = resolve_scopes(server, form.get("scope", ""), app_only=True)
        roles = ["Directory.ReadWrite.All"] if resource == "graph" else []
        return Response(200, issue(server, client_id, resource, audience, [], None, auth_level, roles))

    if grant == "password":
        wanted = form.get("username", "").casefold()
        user = next((u for u in tenant.users.values() if u.username.casefold() == wanted), None)
        if user is None:
            raise oauth_error(400, "invalid_grant",
                              "AADSTS50034: The user account %s does not exist in the %s directory. To sign into this "
                              "application, the account must be added to the directory."
                              % (form.get("username", ""), tenant.tenant_id))
        if not hmac.compare_digest(form.get("password", "").encode(), user.password.encode()):
            raise oauth_error(400, "invalid_grant",
                              "AADSTS50126: Error validating credentials due to invalid username or password.")
        scope_text = form.get("scope", "")
    elif grant == GRANT_DEVICE_CODE:
        user, scope_text = _redeem_device_code(server, form, client_id)
    elif grant == "refresh_token":
        with tenant.lock:
            record = tenant.refresh_tokens.get(form.get("refresh_token", ""))
        if record is None:
            raise oauth_error(400, "invalid_grant",
                              "AADSTS9002313: Invalid request. Request is malformed or invalid.")
        if record.client_id != client_id:
            raise oauth_error(400, "invalid_grant",
                              "AADSTS70000: Provided grant is invalid or malformed. The refresh token was issued to "
                              "a different client.")
        if record.is_expired():
            raise oauth_error(400, "invalid_grant",
                              "AADSTS700082: The refresh token has expired due to inactivity.",
                              suberror="bad_token")
        user = tenant.users[record.user_key]
        scope_text = form.get("scope", "")
    else:
        raise oauth_error(400, "unsupported_grant_type",
                          "AADSTS70003: The app requested an unsupported grant type '%s'." % grant)

    resource, audience, granted, text = resolve_scopes(server, scope_text, app_only=False)
    check_consent(server, client_id, allowed, resource, audience)
    return Response(200, issue(server, client_id, resource, audience, granted, user, auth_level, scope_text=text))
