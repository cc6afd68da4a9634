"""Microsoft Graph: publishing on-premises applications through application proxy.

Modelled on Microsoft's tutorial (Graph docs concepts/application-proxy-configure-api.md) and the
behaviour others verified live (/work/shared/FACTS-publishing.md section 1):

- ``POST /v1.0/applicationTemplates/{id}/instantiate`` makes an application and its service
  principal (201, microsoft.graph.applicationServicePrincipal); only the on-premises ("Custom")
  template is known here.
- ``onPremisesPublishing`` exists on ``/beta`` only; on ``/v1.0`` it is an invalid property.
- It cannot be set before the external URL is one of the application's identifierUris.
- The URL rules: identifierUris never end with '/' (IdentifierUrisEndsWithSlash), URIs that differ
  from externalUrl only in case (DuplicateValueInDifferentCase), no port in externalUrl, the
  msappproxy.net suffix is the tenant's original fallback name (ExternalUrl_InvalidAsciiRules,
  naming the right suffix) or the host is under a verified domain.
- ``PUT /beta/applications/{id}/connectorGroup/$ref`` before onPremisesPublishing is set fails with
  Application_NotFound; a published application without an explicit group is in the Default group.
- Custom-domain certificates: a PFX and its password go in, only metadata
  (``verifiedCustomDomainCertificatesMetadata``) comes out; a wrong password is "Invalid certificate,
  possible wrong password".
- App role assignments on the service principal (``appRoleAssignedTo``), addressable by the
  service principal's id or by the alternate key ``servicePrincipals(appId='...')``.

The 404 from instantiate although the objects were made, and objects not yet readable right after,
are injectable faults (kinds ``404_after`` and ``404``), not random.
"""
from __future__ import annotations

import base64
import hashlib
import ipaddress
import uuid
from urllib.parse import urlsplit

from .graph import (_apply_filter, _check_id, _fail, _get, _group_out, _page, _ref_id, graph_call, json_object,
                    list_handler)
from .model import new_id, public, utc_iso
from .server import READS, WRITES, Response, route

ON_PREMISES_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"
USER_ROLE_ID = "18d14569-c3bd-439b-9a66-3a2aee01d14f"
MSIAM_ROLE_ID = "b9632174-c057-4f7e-951b-be3adc52bfe6"
SP_TAGS = ["WindowsAzureActiveDirectoryCustomSingleSignOnApplication", "WindowsAzureActiveDirectoryIntegratedApp"]

# onPremisesPublishing properties and their types (msgraph-metadata beta CSDL, ComplexType onPremisesPublishing).
BOOL_PROPS = ("isAccessibleViaZTNAClient", "isBackendCertificateValidationEnabled", "isContinuousAccessEvaluationEnabled",
              "isDnsResolutionEnabled", "isHttpOnlyCookieEnabled", "isOnPremPublishingEnabled",
              "isPersistentCookieEnabled", "isSecureCookieEnabled", "isStateSessionEnabled",
              "isTranslateHostHeaderEnabled", "isTranslateLinksInBodyEnabled",
              "useAlternateUrlForTranslationAndRedirect")
STRING_PROPS = ("alternateUrl", "applicationServerTimeout", "applicationType", "externalAuthenticationType",
                "externalUrl", "internalUrl", "trafficRoutingMethod", "wafProvider")
WRITE_ONLY = ("verifiedCustomDomainKeyCredential", "verifiedCustomDomainPasswordCredential")
READ_ONLY = ("verifiedCustomDomainCertificatesMetadata",)
OTHER_PROPS = ("singleSignOnSettings", "segmentsConfiguration", "onPremisesApplicationSegments", "wafAllowedHeaders",
               "wafIpRanges")
ENUMS = {
    "externalAuthenticationType": ("passthru", "aadPreAuthentication"),
    "applicationServerTimeout": ("default", "long"),
    "trafficRoutingMethod": ("none", "random", "sessionPersistence", "performance", "unknownFutureValue"),
}
SSO_MODES = ("none", "onPremisesKerberos", "saml", "pingHeaderBased", "aadHeaderBased", "oAuthToken",
             "unknownFutureValue")
MAPPING_ATTRIBUTES = ("userPrincipalName", "onPremisesUserPrincipalName", "userPrincipalUsername",
                      "onPremisesUserPrincipalUsername", "onPremisesSAMAccountName")
# What a new publication starts with (Graph docs onpremisespublishing.md defaults).
PUBLISHING_DEFAULTS = {
    "alternateUrl": None, "applicationServerTimeout": "default", "applicationType": None,
    "externalAuthenticationType": "aadPreAuthentication", "externalUrl": None, "internalUrl": None,
    "isAccessibleViaZTNAClient": False, "isBackendCertificateValidationEnabled": True,
    "isContinuousAccessEvaluationEnabled": True, "isDnsResolutionEnabled": False, "isHttpOnlyCookieEnabled": False,
    "isOnPremPublishingEnabled": True, "isPersistentCookieEnabled": False, "isSecureCookieEnabled": True,
    "isStateSessionEnabled": False, "isTranslateHostHeaderEnabled": True, "isTranslateLinksInBodyEnabled": False,
    "trafficRoutingMethod": "none", "useAlternateUrlForTranslationAndRedirect": False,
    "singleSignOnSettings": {"singleSignOnMode": "none", "kerberosSignOnSettings": None},
    "verifiedCustomDomainCertificatesMetadata": None,
}
APP_WRITABLE = {"displayName", "identifierUris", "web", "onPremisesPublishing", "tags", "notes"}
V1 = "/v1.0"
BETA = "/beta"
SP = V1 + "/servicePrincipals"
SP_BY_APPID = V1 + "/servicePrincipals(appId={appId})"


def _v1_and_beta(method: str, path: str, category: str):
    """Serve the decorated handler at ``path`` in both Graph versions (``_version`` tells them apart)."""
    def register(handler):
        for version in (V1, BETA):
            route(method, version + path, category)(handler)
        return handler
    return register


# ----------------------------------------------------------------- state (kept on the Tenant)
def _sps(tenant) -> dict:
    return tenant.service_principals


def fallback_name(tenant) -> str:
    """The tenant's original onmicrosoft name: 'contoso' for contoso.example."""
    return tenant.domain.split(".")[0]


def domains(tenant) -> list[dict]:
    initial = "%s.onmicrosoft.com" % fallback_name(tenant)
    out = [{"id": initial, "isInitial": True, "isDefault": False, "isVerified": True}]
    out.append({"id": tenant.domain, "isInitial": False, "isDefault": True, "isVerified": True})
    for name in tenant.custom_domains:
        out.append({"id": name, "isInitial": False, "isDefault": False, "isVerified": True})
    return out


def new_application(tenant, display_name: str, template_id: str | None = ON_PREMISES_TEMPLATE_ID,
                    app_id: str | None = None) -> tuple[dict, dict]:
    """An application and its service principal, as instantiate makes them."""
    application = {
        "id": app_id or new_id(), "appId": new_id(), "applicationTemplateId": template_id,
        "displayName": display_name, "signInAudience": "AzureADMyOrg", "identifierUris": [],
        "web": {"homePageUrl": None, "redirectUris": [], "logoutUrl": None},
        "appRoles": [
            {"id": USER_ROLE_ID, "displayName": "User", "description": "User", "value": None, "isEnabled": True,
             "allowedMemberTypes": ["User"], "origin": "Application"},
            {"id": MSIAM_ROLE_ID, "displayName": "msiam_access", "description": "msiam_access", "value": None,
             "isEnabled": True, "allowedMemberTypes": ["User"], "origin": "Application"}],
        "createdDateTime": utc_iso(), "tags": [], "onPremisesPublishing": None,
        "_group": None, "_explicit_group": False,
    }
    sp = {"id": new_id(), "appId": application["appId"], "displayName": display_name,
          "applicationTemplateId": template_id, "appRoleAssignmentRequired": True, "tags": list(SP_TAGS),
          "appRoles": application["appRoles"], "servicePrincipalType": "Application", "_assignments": {}}
    tenant.applications[application["id"]] = application
    _sps(tenant)[sp["id"]] = sp
    return application, sp


def sp_of(tenant, application: dict) -> dict | None:
    return next((s for s in _sps(tenant).values() if s["appId"] == application["appId"]), None)


def application_out(tenant, application: dict) -> dict:
    out = public(application)
    publishing = out.get("onPremisesPublishing")
    if publishing is not None:
        out["onPremisesPublishing"] = {k: v for k, v in publishing.items() if k not in WRITE_ONLY}
    return out


def admin_view(tenant) -> list[dict]:
    """Per application: what an admin looks at (for the lab summary)."""
    rows = []
    for a in tenant.applications.values():
        publishing = a.get("onPremisesPublishing") or {}
        sso = publishing.get("singleSignOnSettings") or {}
        group = tenant.groups.get(a.get("_group")) if a.get("_group") else None
        sp = sp_of(tenant, a)
        rows.append({
            "id": a["id"], "displayName": a["displayName"], "externalUrl": publishing.get("externalUrl"),
            "internalUrl": publishing.get("internalUrl"), "connectorGroup": group["name"] if group else None,
            "singleSignOnMode": sso.get("singleSignOnMode"),
            "kerberosServicePrincipalName": (sso.get("kerberosSignOnSettings") or {}).get(
                "kerberosServicePrincipalName"),
            "certificateThumbprint": (publishing.get("verifiedCustomDomainCertificatesMetadata") or {}).get(
                "thumbprint"),
            "assignments": sorted(x["principalId"] for x in (sp or {}).get("_assignments", {}).values()),
        })
    return rows


# ----------------------------------------------------------------- URL rules
def _url_error(req, code, message):
    _fail(req, 400, code, message)


def _check_identifier_uris(req, uris):
    if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
        _fail(req, 400, "Request_BadRequest", "Invalid value specified for property 'identifierUris'.")
    for uri in uris:
        if uri.endswith("/"):
            _url_error(req, "IdentifierUrisEndsWithSlash",
                       "Values of identifierUris property can not end with a slash: '%s'." % uri)


def _case_clash(req, application: dict, publishing: dict | None) -> None:
    external = (publishing or {}).get("externalUrl")
    if not external:
        return
    others = list(application.get("identifierUris") or []) + list((application.get("web") or {}).get("redirectUris")
                                                                  or [])
    for uri in others:
        for a, b in ((uri, external), (uri.rstrip("/"), external.rstrip("/"))):
            if a != b and a.lower() == b.lower():
                _url_error(req, "DuplicateValueInDifferentCase",
                           "The values '%s' and '%s' differ only in case." % (uri, external))


def _check_external_url(server, req, url: str) -> None:
    tenant = server.tenant
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _url_error(req, "ExternalUrl_Invalid", "The external URL '%s' is not an absolute http(s) URL." % url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None:
        _url_error(req, "ExternalUrl_InvalidPort",
                   "The external URL '%s' has a port; application proxy publishes on the scheme's default port "
                   "(80 for http, 443 for https) only." % url)
    host = parts.hostname
    suffix = "-%s.msappproxy.net" % fallback_name(tenant)
    if host.endswith(".msappproxy.net"):
        if not host.endswith(suffix) or len(host) == len(suffix):
            _url_error(req, "ExternalUrl_InvalidAsciiRules",
                       "The external URL '%s' does not follow the rules for this tenant: it must end in '%s'."
                       % (url, suffix))
        return
    if not any(host == d["id"] or host.endswith("." + d["id"]) for d in domains(tenant) if d["isVerified"]):
        _url_error(req, "ExternalUrl_DomainNotVerified",
                   "The domain of the external URL '%s' is not a verified domain of this tenant." % url)


def _check_internal_url(req, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        _url_error(req, "InternalUrl_Invalid", "The internal URL '%s' is not an absolute http(s) URL." % url)
    try:
        ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    _url_error(req, "InternalUrl_Invalid", "The internal URL '%s' uses an IP address; use a host name." % url)


# ----------------------------------------------------------------- certificates
def _certificate_metadata(req, key_credential, password_credential) -> dict:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.serialization import pkcs12

    if not isinstance(key_credential, dict) or key_credential.get("type") != "X509CertAndPassword":
        _fail(req, 400, "Request_BadRequest",
              "verifiedCustomDomainKeyCredential must have type 'X509CertAndPassword' and a base64 'value'.")
    password = (password_credential or {}).get("value") if isinstance(password_credential, dict) else None
    try:
        data = base64.b64decode(key_credential.get("value") or "", validate=True)
        key, cert, _extra = pkcs12.load_key_and_certificates(data, password.encode() if password else None)
    except (ValueError, TypeError):
        _fail(req, 400, "InvalidCertificate", "Invalid certificate, possible wrong password.")
    if key is None or cert is None:
        _fail(req, 400, "InvalidCertificate", "The certificate must be a PFX with its private key.")

    def when(moment):  # UTC either way (naive on older cryptography)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    not_after = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after
    not_before = getattr(cert, "not_valid_before_utc", None) or cert.not_valid_before
    return {"thumbprint": cert.fingerprint(hashes.SHA1()).hex().upper(), "subjectName": cert.subject.rfc4514_string(),
            "issuerName": cert.issuer.rfc4514_string(), "issueDate": when(not_before), "expiryDate": when(not_after)}


# ----------------------------------------------------------------- handlers
def _body(req) -> dict:
    return json_object(req, "a JSON object")


@route("GET", V1 + "/applicationTemplates", READS)
@graph_call
def list_templates(server, req):
    items = [{"id": ON_PREMISES_TEMPLATE_ID, "displayName": "Custom", "categories": [],
              "supportedProvisioningTypes": [], "supportedSingleSignOnModes": ["password", "saml", "notSupported"]}]
    return _page(server, req, items, "applicationTemplates")


@route("POST", V1 + "/applicationTemplates/{id}/instantiate", WRITES)
@graph_call
def instantiate(server, req):
    if req.params["id"].lower() != ON_PREMISES_TEMPLATE_ID:
        _fail(req, 404, "Request_ResourceNotFound", "Application template '%s' was not found." % req.params["id"])
    body = _body(req)
    name = body.get("displayName")
    if not isinstance(name, str) or not name.strip():
        _fail(req, 400, "Request_BadRequest", "The property 'displayName' is required.")
    tenant = server.tenant
    application, sp = new_application(tenant, name)
    out = {"@odata.context": "%s/v1.0/$metadata#microsoft.graph.applicationServicePrincipal" % server.base_url,
           "application": application_out(tenant, application), "servicePrincipal": public(sp)}
    return Response(201, out)


def _version(req) -> str:
    return BETA if req.path.lower().startswith(BETA) else V1


def _app_for_read(tenant, application: dict, req) -> dict:
    out = application_out(tenant, application)
    if _version(req) == V1:
        out.pop("onPremisesPublishing", None)  # not in the v1.0 schema
    return out


@_v1_and_beta("GET", "/applications", READS)
@graph_call
def list_applications(server, req):
    tenant = server.tenant
    items = [_app_for_read(tenant, a, req) for a in tenant.applications.values()]
    return _page(server, req, items, "applications")


@_v1_and_beta("GET", "/applications/{id}", READS)
@graph_call
def get_application(server, req):
    tenant = server.tenant
    application = _get(req, tenant.applications, req.params["id"])
    out = _app_for_read(tenant, application, req)
    select = [s.strip() for s in req.query.get("$select", "").split(",") if s.strip()]
    if select:
        out = {k: v for k, v in out.items() if k in select or k == "id"}
    return Response(200, out)


def _merge_publishing(server, req, application: dict, changes) -> dict:
    if not isinstance(changes, dict):
        _fail(req, 400, "Request_BadRequest", "Invalid value specified for property 'onPremisesPublishing'.")
    current = application.get("onPremisesPublishing")
    merged = dict(PUBLISHING_DEFAULTS) if current is None else dict(current)
    merged["singleSignOnSettings"] = dict(merged.get("singleSignOnSettings") or {})
    for key, value in changes.items():
        if key in READ_ONLY:
            _fail(req, 400, "Request_BadRequest", "Property '%s' is read-only and cannot be set." % key)
        if key in BOOL_PROPS:
            if not isinstance(value, bool):
                _fail(req, 400, "Request_BadRequest", "Cannot convert the literal '%s' to the expected type "
                                                      "'Edm.Boolean'." % value)
        elif key in STRING_PROPS:
            if value is not None and not isinstance(value, str):
                _fail(req, 400, "Request_BadRequest", "Cannot convert the literal '%s' to the expected type "
                                                      "'Edm.String'." % value)
            if key in ENUMS and value not in ENUMS[key]:
                _fail(req, 400, "Request_BadRequest", "Invalid value '%s' for property '%s'. Possible values: %s."
                      % (value, key, ", ".join(ENUMS[key])))
        elif key == "singleSignOnSettings":
            value = _sso(req, value, merged["singleSignOnSettings"])
        elif key not in WRITE_ONLY and key not in OTHER_PROPS:
            _fail(req, 400, "Request_BadRequest",
                  "Property '%s' does not exist on type 'microsoft.graph.onPremisesPublishing'." % key)
        if key not in WRITE_ONLY:
            merged[key] = value
    if "verifiedCustomDomainKeyCredential" in changes:
        merged["verifiedCustomDomainCertificatesMetadata"] = _certificate_metadata(
            req, changes["verifiedCustomDomainKeyCredential"], changes.get("verifiedCustomDomainPasswordCredential"))
    if not merged.get("externalUrl") or not merged.get("internalUrl"):
        _fail(req, 400, "Request_BadRequest", "internalUrl and externalUrl are required to publish an application.")
    _check_internal_url(req, merged["internalUrl"])
    external = merged["externalUrl"]
    if external != (current or {}).get("externalUrl"):
        _check_external_url(server, req, external)
    _case_clash(req, application, merged)
    wanted = external.rstrip("/")
    if wanted not in (application.get("identifierUris") or []):
        _fail(req, 400, "Request_BadRequest",
              "onPremisesPublishing cannot be configured until the external URL '%s' is one of the application's "
              "identifierUris; set identifierUris, web.redirectUris and web.homePageUrl first." % wanted)
    if merged.get("verifiedCustomDomainCertificatesMetadata") and urlsplit(external).hostname.endswith(
            ".msappproxy.net"):
        _fail(req, 400, "Request_BadRequest",
              "A custom-domain certificate applies only to an external URL on a verified custom domain.")
    if not external.endswith("/"):
        merged["externalUrl"] = external + "/"  # the service stores, and returns, the URL with its slash
    if not merged["internalUrl"].endswith("/"):
        merged["internalUrl"] += "/"
    return merged


def _sso(req, value, current: dict) -> dict:
    if not isinstance(value, dict):
        _fail(req, 400, "Request_BadRequest", "Invalid value specified for property 'singleSignOnSettings'.")
    merged = dict(current)
    for key in value:
        if key not in ("singleSignOnMode", "kerberosSignOnSettings"):
            _fail(req, 400, "Request_BadRequest", "Property '%s' does not exist on type "
                                                  "'microsoft.graph.onPremisesPublishingSingleSignOn'." % key)
    merged.update(value)
    mode = merged.get("singleSignOnMode") or "none"
    if mode not in SSO_MODES:
        _fail(req, 400, "Request_BadRequest", "Invalid value '%s' for property 'singleSignOnMode'. Possible values: "
                                              "%s." % (mode, ", ".join(SSO_MODES)))
    kerberos = merged.get("kerberosSignOnSettings") or {}
    if not isinstance(kerberos, dict):
        _fail(req, 400, "Request_BadRequest", "Invalid value specified for property 'kerberosSignOnSettings'.")
    if mode == "onPremisesKerberos":
        if not kerberos.get("kerberosServicePrincipalName"):
            _fail(req, 400, "Request_BadRequest",
                  "kerberosServicePrincipalName is required when singleSignOnMode is onPremisesKerberos.")
        attribute = kerberos.get("kerberosSignOnMappingAttributeType") or "userPrincipalName"
        if attribute not in MAPPING_ATTRIBUTES:
            _fail(req, 400, "Request_BadRequest", "Invalid value '%s' for property "
                                                  "'kerberosSignOnMappingAttributeType'." % attribute)
        kerberos = dict(kerberos, kerberosSignOnMappingAttributeType=attribute)
    merged["singleSignOnMode"] = mode
    merged["kerberosSignOnSettings"] = kerberos or None
    return merged


@_v1_and_beta("PATCH", "/applications/{id}", WRITES)
@graph_call
def update_application(server, req):
    body = _body(req)
    tenant = server.tenant
    version = _version(req)
    application = _get(req, tenant.applications, req.params["id"])
    for key in body:
        if key == "onPremisesPublishing" and version == V1:
            _fail(req, 400, "Request_BadRequest", "Invalid property 'onPremisesPublishing'.")
        if key not in APP_WRITABLE:
            _fail(req, 400, "Request_BadRequest",
                  "Property '%s' does not exist or is read-only on type 'microsoft.graph.application'." % key)
    staged = dict(application)
    if "identifierUris" in body:
        _check_identifier_uris(req, body["identifierUris"])
        staged["identifierUris"] = list(body["identifierUris"])
    if "web" in body:
        web = body["web"]
        if not isinstance(web, dict) or set(web) - {"homePageUrl", "redirectUris", "logoutUrl"}:
            _fail(req, 400, "Request_BadRequest", "Invalid value specified for property 'web'.")
        staged["web"] = dict(staged.get("web") or {}, **web)
    for key in ("displayName", "tags", "notes"):
        if key in body:
            staged[key] = body[key]
    if "onPremisesPublishing" in body:
        staged["onPremisesPublishing"] = _merge_publishing(server, req, staged, body["onPremisesPublishing"])
        if staged.get("_group") is None:
            staged["_group"] = tenant.default_group_id
    _case_clash(req, staged, staged.get("onPremisesPublishing"))
    application.update(staged)
    sp = sp_of(tenant, application)
    if sp is not None and "displayName" in body:
        sp["displayName"] = body["displayName"]
    return Response(204)


@_v1_and_beta("DELETE", "/applications/{id}", WRITES)
@graph_call
def delete_application(server, req):
    tenant = server.tenant
    application = _get(req, tenant.applications, req.params["id"])
    sp = sp_of(tenant, application)
    if sp is not None:
        del _sps(tenant)[sp["id"]]
    del tenant.applications[application["id"]]
    return Response(204)


def _published(req, tenant) -> dict:
    """The application of the URL; Graph answers Application_NotFound while it is not published."""
    application = _get(req, tenant.applications, req.params["id"])
    if application.get("onPremisesPublishing") is None:
        _fail(req, 404, "Application_NotFound", "Application '%s' not found or OnPremisesPublishing is not enabled "
                                                "for your tenant." % application["id"])
    return application


@route("GET", BETA + "/applications/{id}/connectorGroup", READS)
@graph_call
def get_connector_group(server, req):
    application = _published(req, server.tenant)
    return Response(200, _group_out(server.tenant.groups[application["_group"]]))


@route("PUT", BETA + "/applications/{id}/connectorGroup/$ref", WRITES)
@graph_call
def put_connector_group(server, req):
    group_id = _ref_id(req, "connectorGroups")
    application = _published(req, server.tenant)
    application["_group"] = _get(req, server.tenant.groups, group_id)["id"]
    application["_explicit_group"] = True
    return Response(204)


@route("DELETE", BETA + "/applications/{id}/connectorGroup/$ref", WRITES)
@graph_call
def delete_connector_group(server, req):
    application = _published(req, server.tenant)
    application["_group"] = server.tenant.default_group_id  # back to the Default group
    return Response(204)


def _sp(req, tenant) -> dict:
    if "appId" in req.params:
        app_id = _check_id(req, req.params["appId"].strip("'"))
        sp = next((s for s in _sps(tenant).values() if s["appId"] == app_id), None)
        if sp is None:
            _fail(req, 404, "Request_ResourceNotFound",
                  "Resource with appId '%s' does not exist or one of its queried reference-property objects are not "
                  "present." % app_id)
        return sp
    return _get(req, _sps(tenant), req.params["id"])


list_service_principals = list_handler(SP, "service_principals", public, "servicePrincipals")


@route("GET", SP + "/{id}", READS)
@route("GET", SP_BY_APPID, READS)
@graph_call
def get_service_principal(server, req):
    return Response(200, public(_sp(req, server.tenant)))


def _principal(tenant, principal_id: str):
    user = tenant.user_by_oid(principal_id)
    if user is not None:
        return "User", user.display_name
    group = tenant.directory_groups.get(principal_id)
    if group is not None:
        return "Group", group["displayName"]
    return None, None


@route("GET", SP + "/{id}/appRoleAssignedTo", READS)
@route("GET", SP_BY_APPID + "/appRoleAssignedTo", READS)
@graph_call
def list_assignments(server, req):
    sp = _sp(req, server.tenant)
    items = [dict(a) for a in sp["_assignments"].values()]
    return _page(server, req, items, "servicePrincipals('%s')/appRoleAssignedTo" % sp["id"])


@route("POST", SP + "/{id}/appRoleAssignedTo", WRITES)
@graph_call
def add_assignment(server, req):
    body = _body(req)
    tenant = server.tenant
    sp = _sp(req, tenant)
    for key in ("principalId", "resourceId", "appRoleId"):
        if not isinstance(body.get(key), str):
            _fail(req, 400, "Request_BadRequest", "The property '%s' is required." % key)
    if body["resourceId"].lower() != sp["id"]:
        _fail(req, 400, "Request_BadRequest", "resourceId must be the id of the service principal in the URL.")
    kind, name = _principal(tenant, _check_id(req, body["principalId"]))
    if kind is None:
        _fail(req, 404, "Request_ResourceNotFound",
              "Resource '%s' does not exist or one of its queried reference-property objects are not present."
              % body["principalId"])
    if body["appRoleId"] not in {r["id"] for r in sp["appRoles"]}:
        _fail(req, 400, "Request_BadRequest", "Permission being assigned was not found on application '%s'."
              % sp["appId"])
    for existing in sp["_assignments"].values():
        if existing["principalId"] == body["principalId"].lower() and existing["appRoleId"] == body["appRoleId"]:
            _fail(req, 409, "Request_BadRequest", "Permission being assigned already exists on the object.")
    assignment_id = base64.urlsafe_b64encode(hashlib.sha256(uuid.uuid4().bytes).digest()[:32]).decode().rstrip("=")
    assignment = {"id": assignment_id, "appRoleId": body["appRoleId"], "principalId": body["principalId"].lower(),
                  "principalType": kind, "principalDisplayName": name, "resourceId": sp["id"],
                  "resourceDisplayName": sp["displayName"], "createdDateTime": utc_iso(), "deletedDateTime": None}
    sp["_assignments"][assignment_id] = assignment
    return Response(201, dict(assignment))


@route("DELETE", SP + "/{id}/appRoleAssignedTo/{assignment}", WRITES)
@graph_call
def delete_assignment(server, req):
    tenant = server.tenant
    sp = _sp(req, tenant)
    if req.params["assignment"] not in sp["_assignments"]:
        _fail(req, 404, "Request_ResourceNotFound", "Resource '%s' does not exist." % req.params["assignment"])
    del sp["_assignments"][req.params["assignment"]]
    return Response(204)


@route("GET", V1 + "/domains", READS)
@graph_call
def list_domains(server, req):
    return _page(server, req, domains(server.tenant), "domains")


@route("GET", V1 + "/groups", READS)
@graph_call
def list_directory_groups(server, req):
    items = [dict(g) for g in server.tenant.directory_groups.values()]
    return _page(server, req, _apply_filter(req, items), "groups")


def seed(tenant, data: dict) -> dict:
    """Admin seed: {"customDomains": [name], "directoryGroups": [{displayName, id?}],
    "templateApplications": [{displayName, id?}] (instantiated, not published)}."""
    made = {"directoryGroups": [], "templateApplications": []}
    for name in data.get("customDomains", []):
        tenant.custom_domains.append(str(name).lower())
    for item in data.get("directoryGroups", []):
        group = {"id": item.get("id") or new_id(), "displayName": item["displayName"]}
        tenant.directory_groups[group["id"]] = group
        made["directoryGroups"].append(group)
    for item in data.get("templateApplications", []):
        application, _sp = new_application(tenant, item["displayName"], app_id=item.get("id"))
        made["templateApplications"].append(application_out(tenant, application))
    return made
