# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Publishing on-premises applications through application proxy: look-ups, URL rules, views.

Used by the application and application_info modules. The URL rules are Microsoft's
(https://learn.microsoft.com/entra/identity/app-proxy/application-proxy-faq) or errors Graph is known
to return; they are checked here, before any write, so a bad URL fails with the rule and the fix
instead of a Graph error half-way through.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import time
from urllib.parse import urlsplit

from ._graph_client import EntraGraphError
from ._graph_module import GraphTaskError, get_or_none

# The "On-premises application" (Custom) template Microsoft's tutorial instantiates.
ON_PREMISES_TEMPLATE_ID = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"
# The "User" app role an instantiated application has (the tutorial assigns users to it).
USER_ROLE_ID = "18d14569-c3bd-439b-9a66-3a2aee01d14f"
MSAPPPROXY_SUFFIX = ".msappproxy.net"

# Module option -> onPremisesPublishing property, with the value Microsoft documents for a new application.
PUBLISHING_OPTIONS = {
    "pre_authentication": ("externalAuthenticationType", "aadPreAuthentication"),
    "application_server_timeout": ("applicationServerTimeout", "default"),
    "backend_certificate_validation": ("isBackendCertificateValidationEnabled", True),
    "http_only_cookie": ("isHttpOnlyCookieEnabled", False),
    "persistent_cookie": ("isPersistentCookieEnabled", False),
    "secure_cookie": ("isSecureCookieEnabled", True),
    "state_session": ("isStateSessionEnabled", False),
    "translate_host_header": ("isTranslateHostHeaderEnabled", True),
    "translate_links_in_body": ("isTranslateLinksInBodyEnabled", False),
}
SSO_MODES = ["none", "onPremisesKerberos", "aadHeaderBased", "pingHeaderBased", "oAuthToken"]
LOGIN_IDENTITIES = ["userPrincipalName", "onPremisesUserPrincipalName", "userPrincipalUsername",
                    "onPremisesUserPrincipalUsername", "onPremisesSAMAccountName"]


# ---------------------------------------------------------------- URL rules

def with_slash(url):
    return url if url.endswith("/") else url + "/"


def identifier_uri(external_url):
    """Graph refuses identifier URIs that end with '/' (IdentifierUrisEndsWithSlash)."""
    return external_url.rstrip("/")


def check_urls(external_url, internal_url):
    """Fail on a URL Microsoft refuses, naming the option, the rule and the fix; no tenant read needed."""
    ext = urlsplit(external_url)
    if ext.scheme not in ("http", "https") or not ext.hostname:
        raise GraphTaskError("external_url '%s' is not an absolute URL. Write it as https://HOST/ (for example "
                             "https://intranet-contoso.msappproxy.net/)." % external_url)
    if external_url != external_url.lower():
        raise GraphTaskError(
            "external_url '%s' must be lower case: Graph refuses identifier and redirect URIs that differ from the "
            "external URL only in case (DuplicateValueInDifferentCase). Use '%s'." % (external_url, external_url.lower()))
    if ":" in ext.netloc.rsplit("@", 1)[-1]:
        raise GraphTaskError(
            "external_url '%s' has a port: application proxy publishes on the default port only (80 for http, 443 for "
            "https). Remove the port (a custom port is fine in internal_url)." % external_url)
    if ext.query or ext.fragment:
        raise GraphTaskError("external_url '%s' has a query or fragment; give the scheme, host and path only."
                             % external_url)
    intern = urlsplit(internal_url)
    if intern.scheme not in ("http", "https") or not intern.hostname:
        raise GraphTaskError("internal_url '%s' is not an absolute URL. Write it as http(s)://HOST[:PORT]/PATH/, the "
                             "address the connector reaches the application at." % internal_url)
    try:
        ipaddress.ip_address(intern.hostname)
    except ValueError:
        pass
    else:
        raise GraphTaskError("internal_url '%s' uses an IP address; application proxy needs a host name. Use the DNS "
                             "name the connector servers resolve." % internal_url)


def check_external_domain(external_url, domains):
    """The tenant rule on the external URL's host: TENANT's msappproxy.net suffix, or a verified domain."""
    host = urlsplit(external_url).hostname
    initial = next((d["id"] for d in domains if d.get("isInitial")), None)
    fallback = initial.split(".")[0].lower() if initial else None
    if host.endswith(MSAPPPROXY_SUFFIX):
        suffix = "-%s%s" % (fallback, MSAPPPROXY_SUFFIX)
        if fallback and (not host.endswith(suffix) or host == suffix[1:]):
            raise GraphTaskError(
                "external_url '%s' is on the wrong msappproxy.net name: this tenant's default external URLs end in "
                "'%s' (its original %s name; Graph answers ExternalUrl_InvalidAsciiRules otherwise). Use "
                "https://NAME%s/." % (external_url, suffix, initial, suffix))
        return
    verified = sorted(d["id"].lower() for d in domains if d.get("isVerified"))
    if not any(host == d or host.endswith("." + d) for d in verified):
        raise GraphTaskError(
            "external_url '%s' is not on a verified domain of the tenant (verified: %s). Verify the domain in Microsoft "
            "Entra ID (Custom domain names) first, or use the default https://NAME-%s%s/."
            % (external_url, ", ".join(verified), fallback, MSAPPPROXY_SUFFIX))


# ---------------------------------------------------------------- look-ups

def find_application(client, name=None, object_id=None):
    """The application with this object id, or the one made from the on-premises template with this display
    name; None when there is none. Two with the name are refused: which one to change is the user's call."""
    if object_id:
        return get_or_none(client.get_application, object_id)
    matches = client.find_applications(ON_PREMISES_TEMPLATE_ID, name)
    matches = [a for a in matches if (a.get("displayName") or "").lower() == name.lower()]
    if len(matches) > 1:
        raise GraphTaskError(
            "%d applications made from the on-premises template are named '%s': %s. Set object_id to the one to "
            "manage (or rename the others)." % (len(matches), name, ", ".join(
                "%s (object id %s, external URL %s)" % (a.get("displayName"), a.get("id"),
                                                        (a.get("onPremisesPublishing") or {}).get("externalUrl"))
                for a in matches)))
    return matches[0] if matches else None


POLL_INTERVAL = 3.0  # seconds between looks for an object Graph made but does not show yet


def wait_for(read, timeout, clock=time.monotonic):
    """Call read() until it returns something other than None or raises a non-404; None after timeout."""
    deadline = clock() + timeout
    while True:
        try:
            found = read()
        except EntraGraphError as exc:
            if exc.status != 404:
                raise
            found = None
        if found is not None or clock() >= deadline:
            return found
        time.sleep(POLL_INTERVAL)


# ---------------------------------------------------------------- views

def expires_in_days(metadata, now=None):
    """Whole days until a certificate's expiryDate (ISO 8601), or None without one."""
    if not metadata or not metadata.get("expiryDate"):
        return None
    text = metadata["expiryDate"].replace("Z", "+00:00")
    expiry = datetime.datetime.fromisoformat(text)
    if expiry.tzinfo is None:
        expiry = expiry.replace(tzinfo=datetime.timezone.utc)
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return (expiry - now).days


def application_view(application, group=None, assignments=None):
    """What the modules return for an application (never a credential: the certificate is metadata only)."""
    if application is None:
        return None
    publishing = application.get("onPremisesPublishing") or {}
    sso = publishing.get("singleSignOnSettings") or {}
    kerberos = sso.get("kerberosSignOnSettings") or {}
    certificate = publishing.get("verifiedCustomDomainCertificatesMetadata") or None
    view = {
        "id": application.get("id"),
        "app_id": application.get("appId"),
        "name": application.get("displayName"),
        "published": bool(publishing),
        "external_url": publishing.get("externalUrl"),
        "internal_url": publishing.get("internalUrl"),
        "single_sign_on_mode": sso.get("singleSignOnMode") if publishing else None,
        "kerberos_spn": kerberos.get("kerberosServicePrincipalName"),
        "kerberos_delegated_login_identity": kerberos.get("kerberosSignOnMappingAttributeType"),
        "certificate": {"thumbprint": certificate.get("thumbprint"), "subject": certificate.get("subjectName"),
                        "expiry_date": certificate.get("expiryDate")} if certificate else None,
        "connector_group": {"id": group.get("id"), "name": group.get("name")} if group else None,
    }
    for option, (prop, _default) in PUBLISHING_OPTIONS.items():
        view[option] = publishing.get(prop)
    if assignments is not None:
        view["assignments"] = sorted({a.get("principalId") for a in assignments})
    return view


# ---------------------------------------------------------------- custom-domain certificate

def read_pfx(path, password):
    """The PFX for upload: base64 value, password and the metadata Graph reports, to compare by thumbprint.

    Raises ValueError with the reason (unreadable, wrong password, no private key) before anything is sent.
    """
    try:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.serialization import pkcs12
    except ImportError:
        raise ValueError("reading a PFX needs the Python package cryptography on the controller (pip install "
                         "cryptography)")
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ValueError("cannot read %s (%s)" % (path, exc.strerror))
    try:
        key, cert, _chain = pkcs12.load_key_and_certificates(data, password.encode("utf-8") if password else None)
    except (ValueError, TypeError):
        raise ValueError("%s is not a PFX that certificate_password opens (Microsoft's message for this is \"Invalid "
                         "certificate, possible wrong password\"). Check the password; Microsoft accepts only the "
                         "characters 0-9, A-Z and a-z in it." % path)
    if key is None or cert is None:
        raise ValueError("%s has no private key or no certificate; export the PFX with its private key and "
                         "intermediate certificates." % path)
    not_after = getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    return {"value": base64.b64encode(data).decode("ascii"), "password": password,
            "thumbprint": cert.fingerprint(hashes.SHA1()).hex().upper(),  # nosec - Graph's thumbprint is SHA-1
            "subject": cert.subject.rfc4514_string(), "expiry_date": not_after.strftime("%Y-%m-%dT%H:%M:%SZ")}
