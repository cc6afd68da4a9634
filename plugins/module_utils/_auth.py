# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sign-in to Microsoft Entra ID for entra.app_proxy: settings, cloud presets and one class per method.

Controller side only: the action plugins get tokens here (through plugin_utils/_token.py) and hand
modules the access token alone. msal and requests are imported lazily so that importing this file
(for AUTH_ARGSPEC) needs neither.

The options are documented once, in plugins/doc_fragments/graph_auth.py. AUTH_ARGSPEC below is their
one argument spec; change both together.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import os
import re
import sys
import time
import warnings

from ansible.module_utils.basic import env_fallback, missing_required_lib
from ansible.module_utils.parsing.convert_bool import boolean

CLOUDS = {
    "global": {
        "authority_host": "https://login.microsoftonline.com",
        "graph_endpoint": "https://graph.microsoft.com",
        "registration_scope": "https://proxy.cloudwebappproxy.net/registerapp/user_impersonation",
        "environment_name": "AzureCloud",
    },
    "usgov": {
        "authority_host": "https://login.microsoftonline.us",
        "graph_endpoint": "https://graph.microsoft.us",
        # Microsoft documents no token-method registration scope for US Government, so there is
        # no preset: registration asks the user for registration_scope instead of guessing.
        "registration_scope": None,
        "environment_name": "AzureUSGovernment",
    },
}

# The connector's own public client, used by Microsoft's interactive registration samples. Whether
# it allows the device-code flow is not documented, so it is not the default; client_id selects it.
REGISTRATION_CLIENT_ID = "55747057-9b5d-4bd4-b387-abf52a8bd489"
# Azure CLI's first-party public client: pre-authorised for Graph, used in the field for the
# registration scope too, and it allows the device-code flow. One client for both resources means
# one sign-in (one refresh token) per run, so one device-code prompt.
GRAPH_CLIENT_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
DEFAULT_CLIENT_ID = GRAPH_CLIENT_ID

RESOURCES = ("graph", "registration")
_PURPOSE = {"graph": "Microsoft Graph", "registration": "connector registration"}

DEFAULT_TOKEN_CACHE_PATH = "~/.ansible/entra_app_proxy/msal_token_cache.json"
DEFAULT_TIMEOUT = 30
# Entra device codes live 15 minutes; waiting longer than that is pointless.
DEFAULT_DEVICE_CODE_TIMEOUT = 900

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(?=.{4,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$")

# name: (type, environment variable, default, no_log). One table feeds AUTH_ARGSPEC and resolve_settings,
# so a module and an action plugin resolve the same options the same way.
_OPTIONS = {
    "access_token": ("str", "ENTRA_ACCESS_TOKEN", None, True),
    "auth_method": ("str", "ENTRA_AUTH_METHOD", "device_code", False),
    "authority_host": ("str", "ENTRA_AUTHORITY_HOST", None, False),
    "ca_bundle": ("path", "ENTRA_CA_BUNDLE", None, False),
    "certificate_password": ("str", "ENTRA_CERTIFICATE_PASSWORD", None, True),
    "certificate_path": ("path", "ENTRA_CERTIFICATE_PATH", None, False),
    "client_id": ("str", "ENTRA_CLIENT_ID", None, False),
    "client_secret": ("str", "ENTRA_CLIENT_SECRET", None, True),
    "cloud": ("str", "ENTRA_CLOUD", "global", False),
    "device_code_timeout": ("int", "ENTRA_DEVICE_CODE_TIMEOUT", DEFAULT_DEVICE_CODE_TIMEOUT, False),
    "graph_endpoint": ("str", "ENTRA_GRAPH_ENDPOINT", None, False),
    "password": ("str", "ENTRA_PASSWORD", None, True),
    "registration_scope": ("str", "ENTRA_REGISTRATION_SCOPE", None, False),
    "tenant_id": ("str", "ENTRA_TENANT_ID", None, False),
    "timeout": ("int", "ENTRA_TIMEOUT", DEFAULT_TIMEOUT, False),
    "token_cache": ("bool", "ENTRA_TOKEN_CACHE", True, False),
    "token_cache_path": ("path", "ENTRA_TOKEN_CACHE_PATH", DEFAULT_TOKEN_CACHE_PATH, False),
    "username": ("str", "ENTRA_USERNAME", None, False),
}

_SECRET_OPTIONS = tuple(name for name, spec in _OPTIONS.items() if spec[3])


def _argspec_entry(name):
    opt_type, env, default, no_log = _OPTIONS[name]
    entry = {"type": opt_type, "fallback": (env_fallback, [env])}
    if default is not None:
        entry["default"] = default
    if no_log:
        entry["no_log"] = True
    if name == "cloud":
        entry["choices"] = sorted(CLOUDS)
    return entry


# AnsibleModule argument_spec entries; documented in plugins/doc_fragments/graph_auth.py.
AUTH_ARGSPEC = {name: _argspec_entry(name) for name in _OPTIONS}


class EntraAuthError(Exception):
    """A sign-in problem, worded for the admin: which option is wrong and how to fix it."""


@dataclasses.dataclass
class AuthSettings:
    """Resolved, validated auth options. Secrets are left out of repr() so they never reach a log."""

    tenant_id: str | None = None
    auth_method: str = "device_code"
    client_id: str | None = None
    username: str | None = None
    password: str | None = dataclasses.field(default=None, repr=False)
    access_token: str | None = dataclasses.field(default=None, repr=False)
    client_secret: str | None = dataclasses.field(default=None, repr=False)
    certificate_path: str | None = None
    certificate_password: str | None = dataclasses.field(default=None, repr=False)
    cloud: str = "global"
    authority_host: str = CLOUDS["global"]["authority_host"]
    graph_endpoint: str = CLOUDS["global"]["graph_endpoint"]
    registration_scope: str | None = CLOUDS["global"]["registration_scope"]
    ca_bundle: str | None = None
    token_cache: bool = True
    token_cache_path: str = os.path.expanduser(DEFAULT_TOKEN_CACHE_PATH)
    timeout: int = DEFAULT_TIMEOUT
    device_code_timeout: int = DEFAULT_DEVICE_CODE_TIMEOUT

    @property
    def authority(self):
        return "%s/%s" % (self.authority_host, self.tenant_id)

    def secrets(self):
        """The secret values in these settings, for scrubbing text before it is shown."""
        return [v for v in (getattr(self, n) for n in _SECRET_OPTIONS) if v]


def _convert(name, value, source):
    opt_type = _OPTIONS[name][0]
    if opt_type == "bool":
        try:
            return boolean(value, strict=True)
        except TypeError:
            raise EntraAuthError("%s must be a boolean (true or false), got %r from %s."
                                 % (name, value, source)) from None
    if opt_type == "int":
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise EntraAuthError("%s must be a whole number of seconds, got %r from %s."
                                 % (name, value, source)) from None
        if number <= 0:
            raise EntraAuthError("%s must be greater than 0, got %d from %s." % (name, number, source))
        return number
    value = str(value)
    if not _OPTIONS[name][3]:
        # Secrets are used exactly as given; white space around other values is a typo.
        value = value.strip()
    if opt_type == "path":
        value = os.path.expanduser(value)
    return value


def _https_url(name, value):
    value = value.rstrip("/")
    if not value.lower().startswith("https://") or len(value) <= len("https://"):
        raise EntraAuthError(
            "%s must be an https:// URL, got %r. Microsoft Entra ID and MSAL accept only https endpoints."
            % (name, value))
    return value


def resolve_settings(options, environ=None):
    """Turn module/task options into AuthSettings.

    Order: the option, then its ENTRA_* environment variable, then the default; then the cloud preset
    fills authority_host, graph_endpoint and registration_scope when they are unset. Empty strings count
    as unset. environ defaults to os.environ. Raises EntraAuthError naming the option and the fix.
    """
    if environ is None:
        environ = os.environ
    values = {}
    for name, (opt_type, env, default, no_log) in _OPTIONS.items():
        value, source = options.get(name), "option %s" % name
        if value is None or value == "":
            value, source = environ.get(env), "environment variable %s" % env
        if value is None or value == "":
            values[name] = default
            continue
        values[name] = _convert(name, value, source)
    if values["token_cache_path"]:
        values["token_cache_path"] = os.path.expanduser(values["token_cache_path"])

    method = values["auth_method"]
    if method not in AUTH_METHODS:
        raise EntraAuthError("auth_method %r is not supported: choose one of %s." % (method, ", ".join(AUTH_METHODS)))
    cloud = values["cloud"]
    if cloud not in CLOUDS:
        raise EntraAuthError("cloud %r is not supported: choose one of %s, and override authority_host, graph_endpoint "
                             "and registration_scope for any other cloud." % (cloud, ", ".join(sorted(CLOUDS))))
    for name in ("authority_host", "graph_endpoint", "registration_scope"):
        if values[name] is None:
            values[name] = CLOUDS[cloud][name]
    values["authority_host"] = _https_url("authority_host", values["authority_host"])
    values["graph_endpoint"] = _https_url("graph_endpoint", values["graph_endpoint"])

    tenant = values["tenant_id"]
    if tenant is not None and not (_GUID.match(tenant) or _DOMAIN.match(tenant)):
        raise EntraAuthError(
            "tenant_id %r is neither a GUID nor a domain name: use the directory (tenant) ID, such as "
            "00000000-0000-0000-0000-000000000000, or a verified domain, such as contoso.onmicrosoft.com." % tenant)
    bundle = values["ca_bundle"]
    if bundle is not None and not (os.path.isdir(bundle) or os.access(bundle, os.R_OK)):
        raise EntraAuthError("ca_bundle %r cannot be read: give the path of a PEM file of CA certificates to trust "
                             "for authority_host and graph_endpoint." % bundle)

    settings = AuthSettings(**values)
    AUTH_METHODS[method].validate(settings)
    return settings


def client_id_for(resource, settings):
    """The client id that signs in for a resource: the client_id option, else one default for both."""
    return settings.client_id or DEFAULT_CLIENT_ID


def scopes_for(resource, settings):
    """The MSAL scopes for 'graph' or 'registration'."""
    if resource == "graph":
        return ["%s/.default" % settings.graph_endpoint]
    if resource == "registration":
        if not settings.registration_scope:
            raise EntraAuthError(
                "registration_scope is required for cloud=%s: Microsoft documents no connector registration scope "
                "for this cloud. Set registration_scope (or ENTRA_REGISTRATION_SCOPE) to the scope Microsoft support "
                "confirms for it." % settings.cloud)
        return [settings.registration_scope]
    raise EntraAuthError("Unknown token resource %r: use one of %s." % (resource, ", ".join(RESOURCES)))


def build_session(ca_bundle, timeout):
    """A requests.Session for MSAL whose CA bundle (when given) beats REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE.

    requests lets those environment variables replace Session.verify while trust_env is on, and many
    controllers set them. trust_env stays on so HTTPS_PROXY and NO_PROXY still apply.
    """
    import requests

    class _Session(requests.Session):
        def request(self, method, url, **kwargs):
            kwargs.setdefault("timeout", timeout)
            return super().request(method, url, **kwargs)

        def merge_environment_settings(self, url, proxies, stream, verify, cert):
            merged = super().merge_environment_settings(url, proxies, stream, verify, cert)
            if ca_bundle:
                merged["verify"] = ca_bundle
            return merged

    session = _Session()
    if ca_bundle:
        session.verify = ca_bundle
    return session


def _import_msal():
    try:
        import msal
    except ImportError:
        raise EntraAuthError(missing_required_lib("msal", url="https://pypi.org/project/msal/")) from None
    return msal


def _scrub(text, settings):
    for secret in settings.secrets():
        text = text.replace(secret, "********")
    return text


def _aad_codes(result):
    codes = {int(c) for c in result.get("error_codes") or [] if str(c).isdigit()}
    codes.update(int(c) for c in re.findall(r"AADSTS(\d+)", result.get("error_description") or ""))
    return codes


def _first_line(text):
    # Entra appends Trace ID, Correlation ID and Timestamp; the first sentence is the useful part.
    text = re.split(r"\r?\n| Trace ID:", text or "")[0].strip()
    return text[:300]


def error_message(result, settings, client_id, resource="graph"):
    """An admin-facing message for an MSAL error dict. Never includes tokens or secrets."""
    error = result.get("error") or "unknown_error"
    codes = _aad_codes(result)
    who = settings.username or "the signed-in account"

    def has(*wanted):
        return next(("AADSTS%d" % c for c in wanted if c in codes), None)

    if has(50126):
        msg = ("Sign-in as %s failed: wrong username or password (AADSTS50126). Check username and password."
               % who)
    elif has(50076, 50079, 50072, 50074):
        msg = ("Sign-in as %s needs multi-factor authentication (%s), which auth_method=%s cannot complete. "
               "Use auth_method=device_code: you then sign in in your own browser, where MFA works."
               % (who, has(50076, 50079, 50072, 50074), settings.auth_method))
    elif has(50034):
        msg = "The account %s does not exist in tenant %s (AADSTS50034). Check username and tenant_id." % (
            who, settings.tenant_id)
    elif has(700016):
        msg = ("client_id %s is not known in tenant %s (AADSTS700016). Check client_id and tenant_id, or leave "
               "client_id unset to use the default client for this resource." % (client_id, settings.tenant_id))
    elif has(7000215, 7000222):
        msg = ("client_secret is not valid for client_id %s (%s): it is wrong or has expired. Create a new "
               "secret on the app registration and set client_secret." % (client_id, has(7000215, 7000222)))
    elif has(700027, 700024, 700023):
        msg = ("The certificate in certificate_path is not accepted for client_id %s (%s). Upload its public "
               "certificate to the app registration, or check certificate_path."
               % (client_id, has(700027, 700024, 700023)))
    elif has(90002, 900023, 90072) or error == "invalid_tenant":
        msg = ("tenant_id %s was not found at %s (%s). Use your directory (tenant) ID or a verified domain, and "
               "check cloud and authority_host." % (settings.tenant_id, settings.authority_host,
                                                    has(90002, 900023, 90072) or error))
    elif has(65002, 500011):
        msg = ("client_id %s may not get a token for %s (%s). Leave client_id unset to use the default client for "
               "this resource, or set it to a client allowed for both, such as %s." % (
                   client_id, _PURPOSE.get(resource, resource), has(65002, 500011), GRAPH_CLIENT_ID))
    elif has(65001):
        msg = ("client_id %s has no consent in tenant %s (AADSTS65001). An administrator must grant consent to "
               "it, or leave client_id unset to use the default client." % (client_id, settings.tenant_id))
    elif error == "expired_token":
        msg = ("The device code expired before sign-in was completed. Run the play again and finish the sign-in "
               "in the browser while the code is valid.")
    elif error == "authorization_declined":
        msg = "The device code sign-in was declined in the browser. Run the play again and approve the sign-in."
    else:
        msg = "Sign-in with auth_method=%s failed: %s: %s" % (
            settings.auth_method, error, _first_line(result.get("error_description")) or "no description")
    return _scrub(msg, settings)


def _jwt_claims(token):
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    return claims if isinstance(claims, dict) else None


def _network_error(exc, settings):
    import requests

    if isinstance(exc, requests.exceptions.SSLError):
        msg = ("TLS verification failed for %s. If a proxy inspects TLS or the endpoint uses a private CA, set "
               "ca_bundle to the PEM file of that CA." % settings.authority_host)
    elif isinstance(exc, requests.exceptions.Timeout):
        msg = "%s did not answer within timeout=%d seconds. Check the network and proxy, or raise timeout." % (
            settings.authority_host, settings.timeout)
    else:
        msg = ("Could not reach %s (%s). Check the network, the proxy (HTTPS_PROXY) and authority_host."
               % (settings.authority_host, type(exc).__name__))
    return EntraAuthError(_scrub(msg, settings))


def _show(display, message):
    if display is not None:
        # screen_only: the sign-in code is for the person at the terminal, not for log_path.
        display.display(message, screen_only=True)
    else:
        sys.stderr.write(message + "\n")


class _AuthMethod:
    """Base of the sign-in methods. A subclass sets NAME and OPTIONS and implements _acquire()."""

    NAME = ""
    OPTIONS = ()
    # App-only (client credential) methods cannot get the delegated token registration needs.
    APP_ONLY = False

    def __init__(self, settings, token_cache=None, http_client=None):
        self.settings = settings
        self.token_cache = token_cache
        self._http_client = http_client
        self._apps = {}

    @classmethod
    def validate(cls, settings):
        for name in cls.OPTIONS:
            if not getattr(settings, name):
                raise EntraAuthError("%s is required when auth_method=%s: set %s or the %s environment variable."
                                     % (name, cls.NAME, name, _OPTIONS[name][1]))

    def acquire_token(self, scopes, resource="graph", display=None, force_refresh=False):
        """Return {'access_token': str, 'expires_on': epoch seconds} for the scopes, or raise EntraAuthError.

        force_refresh drops the cached access tokens first (a service refused one MSAL still thought valid),
        so a new one is fetched, silently where a refresh token or client credential allows.
        """
        if resource == "registration" and self.APP_ONLY:
            raise EntraAuthError(
                "auth_method=%s cannot get a connector registration token: registration needs a delegated token "
                "of a user with the Application Administrator role. Use auth_method=device_code, password or "
                "access_token for the registration." % self.NAME)
        client_id = client_id_for(resource, self.settings)
        import requests

        msal = _import_msal()
        try:
            app = self._app(client_id)
            if force_refresh:
                for entry in list(app.token_cache.search(msal.TokenCache.CredentialType.ACCESS_TOKEN,
                                                         query={"client_id": client_id})):
                    app.token_cache.remove_at(entry)
            result = self._acquire(app, scopes, display, resource)
        except requests.exceptions.RequestException as exc:
            raise _network_error(exc, self.settings) from None
        except msal.exceptions.MsalServiceError as exc:
            # MSAL raises this for 5xx (and throttled) answers instead of returning an error dict.
            raise EntraAuthError(_scrub(
                "%s answered with an error (%s). The service may be busy or down: run the play again later."
                % (self.settings.authority_host, exc), self.settings)) from None
        except ValueError as exc:
            raise EntraAuthError(_scrub(
                "The answer from %s could not be used (%s). Check authority_host, and that no proxy answers in its "
                "place." % (self.settings.authority_host, exc), self.settings)) from None
        if "access_token" not in result:
            raise EntraAuthError(error_message(result, self.settings, client_id, resource))
        expires_on = int(time.time()) + int(result.get("expires_in", 0))
        return {"access_token": result["access_token"], "expires_on": expires_on}

    def _app(self, client_id):
        if client_id not in self._apps:
            import requests

            msal = _import_msal()
            if self.token_cache is None:
                self.token_cache = msal.SerializableTokenCache()
            if self._http_client is None:
                self._http_client = build_session(self.settings.ca_bundle, self.settings.timeout)
            kwargs = dict(authority=self.settings.authority, instance_discovery=False, token_cache=self.token_cache,
                          http_client=self._http_client)
            try:
                self._apps[client_id] = self._build_app(msal, client_id, kwargs)
            except requests.exceptions.RequestException as exc:
                raise _network_error(exc, self.settings) from None
            except ValueError as exc:
                if "authority configuration" in str(exc) or "OIDC Discovery failed" in str(exc):
                    raise EntraAuthError(error_message({"error": "invalid_tenant"}, self.settings, client_id)) from None
                raise EntraAuthError(_scrub("MSAL rejected the settings: %s" % exc, self.settings)) from None
        return self._apps[client_id]

    def _build_app(self, msal, client_id, kwargs):
        return msal.PublicClientApplication(client_id, **kwargs)

    def _acquire(self, app, scopes, display, resource):
        raise NotImplementedError

    def _silent(self, app, scopes, display):
        """A token from the cache (refreshed with the cached refresh token if needed), or None."""
        accounts = app.get_accounts(username=self.settings.username) if self.settings.username else app.get_accounts()
        if not self.settings.username and _GUID.match(self.settings.tenant_id or ""):
            accounts = [a for a in accounts if (a.get("realm") or "").lower() in ("", self.settings.tenant_id.lower())]
        if len(accounts) > 1:
            _show(display, "entra.app_proxy: the token cache holds several accounts; set username to choose one "
                           "and keep later runs silent.")
            return None
        if not accounts:
            return None
        result = app.acquire_token_silent(scopes, account=accounts[0])
        return result if result and "access_token" in result else None


class AccessTokenAuth(_AuthMethod):
    """A token obtained elsewhere (a vault, CI, az account get-access-token), used as is."""

    NAME = "access_token"
    OPTIONS = ("access_token",)

    @classmethod
    def validate(cls, settings):
        super().validate(settings)
        token = settings.access_token
        if token.lower().startswith("bearer "):
            raise EntraAuthError("access_token must be the token alone: remove the leading 'Bearer '.")
        if re.search(r"\s", token):
            raise EntraAuthError("access_token contains white space: give the token alone, on one line.")
        exp = (_jwt_claims(token) or {}).get("exp")
        if isinstance(exp, (int, float)) and exp <= time.time():
            raise EntraAuthError(
                "access_token expired at %s UTC. Get a new token (tokens live 60 to 90 minutes) or use "
                "auth_method=device_code." % time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(exp)))

    def acquire_token(self, scopes, resource="graph", display=None, force_refresh=False):
        self.validate(self.settings)
        exp = (_jwt_claims(self.settings.access_token) or {}).get("exp")
        return {"access_token": self.settings.access_token,
                "expires_on": int(exp) if isinstance(exp, (int, float)) else None}


class _AppOnlyAuth(_AuthMethod):
    """Client-credential sign-in as the app itself. Microsoft documents the connector Graph APIs as
    delegated-only, so this works only where a tenant grants the app Graph access."""

    APP_ONLY = True

    def _acquire(self, app, scopes, display, resource):
        return app.acquire_token_for_client(scopes=scopes)


class CertificateAuth(_AppOnlyAuth):
    """App-only sign-in with a certificate (one PEM file holding the certificate and its private key)."""

    NAME = "certificate"
    OPTIONS = ("tenant_id", "client_id", "certificate_path")

    @classmethod
    def validate(cls, settings):
        super().validate(settings)
        cls.load_credential(settings)

    @staticmethod
    def load_credential(settings):
        """MSAL's client_credential dict: the unencrypted private key and the certificate's SHA-1 thumbprint."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        path = settings.certificate_path
        try:
            with open(path, "rb") as handle:
                pem = handle.read()
        except OSError as exc:
            raise EntraAuthError("certificate_path %r cannot be read: %s." % (path, exc.strerror)) from None
        cert_block = re.search(rb"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pem, re.S)
        key_block = re.search(rb"-----BEGIN (?:RSA |ENCRYPTED )?PRIVATE KEY-----.+?-----END (?:RSA |ENCRYPTED )?"
                              rb"PRIVATE KEY-----", pem, re.S)
        if not cert_block:
            raise EntraAuthError("certificate_path %r holds no PEM certificate: give one PEM file with the "
                                 "certificate and its private key." % path)
        if not key_block:
            raise EntraAuthError("certificate_path %r holds no private key: give one PEM file with the certificate "
                                 "and its private key." % path)
        password = settings.certificate_password.encode() if settings.certificate_password else None
        try:
            cert = x509.load_pem_x509_certificate(cert_block.group(0))
            key = serialization.load_pem_private_key(key_block.group(0), password=password)
        except TypeError:
            # cryptography raises TypeError when a password is missing for an encrypted key, or given for a plain one.
            if password is None:
                msg = "The private key in certificate_path %r is encrypted: set certificate_password."
            else:
                msg = "The private key in certificate_path %r is not encrypted: leave certificate_password unset."
            raise EntraAuthError(msg % path) from None
        except ValueError:
            raise EntraAuthError("The private key or certificate in certificate_path %r cannot be loaded: the file is "
                                 "damaged or certificate_password is wrong." % path) from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise EntraAuthError("The private key in certificate_path %r is not an RSA key: Microsoft Entra ID "
                                 "accepts RSA certificates for app sign-in." % path)
        key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                    serialization.NoEncryption()).decode("ascii")
        # The x5t header Entra matches against the registered certificate is its SHA-1 thumbprint.
        thumbprint = hashlib.sha1(cert.public_bytes(serialization.Encoding.DER)).hexdigest().upper()  # nosec
        return {"private_key": key_pem, "thumbprint": thumbprint}

    def _build_app(self, msal, client_id, kwargs):
        return msal.ConfidentialClientApplication(
            client_id, client_credential=self.load_credential(self.settings), **kwargs)


class ClientSecretAuth(_AppOnlyAuth):
    """App-only sign-in with an app registration's client secret."""

    NAME = "client_secret"
    OPTIONS = ("tenant_id", "client_id", "client_secret")

    def _build_app(self, msal, client_id, kwargs):
        return msal.ConfidentialClientApplication(client_id, client_credential=self.settings.client_secret, **kwargs)


class DeviceCodeAuth(_AuthMethod):
    """Delegated sign-in in the admin's own browser: works with MFA and from Server Core or CI shells."""

    NAME = "device_code"
    OPTIONS = ("tenant_id",)

    def _acquire(self, app, scopes, display, resource):
        result = self._silent(app, scopes, display)
        if result:
            return result
        flow = app.initiate_device_flow(scopes=scopes)
        if "user_code" not in flow:
            return flow
        wait = min(int(flow.get("expires_in", 900)), self.settings.device_code_timeout)
        # MSAL polls until expires_at; pulling it in is its documented way to stop early.
        flow["expires_at"] = time.time() + wait
        _show(display, "entra.app_proxy: to sign in to tenant %s for %s, open %s in a browser and enter the code "
                       "%s. Waiting up to %d seconds." % (self.settings.tenant_id, _PURPOSE[resource],
                                                          flow.get("verification_uri"), flow["user_code"], wait))
        result = app.acquire_token_by_device_flow(flow)
        if result.get("error") in ("authorization_pending", "slow_down"):
            raise EntraAuthError(
                "The device code sign-in was not completed within %d seconds. Run the play again, open %s, enter "
                "the code shown and sign in as a user with the needed role; raise device_code_timeout if you need "
                "more time." % (wait, flow.get("verification_uri")))
        if "access_token" in result and self.settings.username:
            signed_in = (result.get("id_token_claims") or {}).get("preferred_username") or ""
            if signed_in and signed_in.lower() != self.settings.username.lower():
                raise EntraAuthError("The browser sign-in was as %s, but username is %s. Sign in as %s, or change "
                                     "username." % (signed_in, self.settings.username, self.settings.username))
        return result


class PasswordAuth(_AuthMethod):
    """Delegated sign-in with a username and password (resource owner password); no MFA possible."""

    NAME = "password"
    OPTIONS = ("tenant_id", "username", "password")

    def _acquire(self, app, scopes, display, resource):
        result = self._silent(app, scopes, display)
        if result:
            return result
        with warnings.catch_warnings():
            # MSAL warns that Microsoft deprecates this flow; docs/authentication.md says so to the admin.
            warnings.simplefilter("ignore", DeprecationWarning)
            return app.acquire_token_by_username_password(self.settings.username, self.settings.password,
                                                          scopes=scopes)


# auth_method -> class, kept in alphabetical order.
AUTH_METHODS = {
    "access_token": AccessTokenAuth,
    "certificate": CertificateAuth,
    "client_secret": ClientSecretAuth,
    "device_code": DeviceCodeAuth,
    "password": PasswordAuth,
}

AUTH_ARGSPEC["auth_method"]["choices"] = list(AUTH_METHODS)
