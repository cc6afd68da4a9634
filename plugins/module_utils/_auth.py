# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Authentication options of entra.app_proxy: the argument spec, cloud presets and resolved settings.

This file travels with every Graph module payload, so it holds only what a module needs: options,
presets, the settings they resolve to and the HTTP session. The sign-in methods (msal) run on the
controller alone and live in plugins/plugin_utils/_sign_in.py.

The options are documented once, in plugins/doc_fragments/graph_auth.py. AUTH_ARGSPEC below is their
one argument spec; change both together.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import re
import time

from ansible.module_utils.basic import env_fallback

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

# auth_method -> (the options it needs, whether it signs in as an app). Alphabetical. App-only
# (client credential) methods cannot get the delegated token registration needs.
AUTH_METHOD_OPTIONS = {
    "access_token": (("access_token",), False),
    "certificate": (("tenant_id", "client_id", "certificate_path"), True),
    "client_secret": (("tenant_id", "client_id", "client_secret"), True),
    "device_code": (("tenant_id",), False),
    "password": (("tenant_id", "username", "password"), False),
}


# The auth options' argument spec, documented in plugins/doc_fragments/graph_auth.py. Each option also
# falls back to the environment variable ENTRA_ and its name in upper case (_option_env).
_OPTIONS = {
    "access_token": {"type": "str", "no_log": True},
    "auth_method": {"type": "str", "default": "device_code", "choices": list(AUTH_METHOD_OPTIONS)},
    "authority_host": {"type": "str"},
    "ca_bundle": {"type": "path"},
    "certificate_password": {"type": "str", "no_log": True},
    "certificate_path": {"type": "path"},
    "client_id": {"type": "str"},
    "client_secret": {"type": "str", "no_log": True},
    "cloud": {"type": "str", "default": "global", "choices": sorted(CLOUDS)},
    "device_code_timeout": {"type": "int", "default": DEFAULT_DEVICE_CODE_TIMEOUT},
    "graph_endpoint": {"type": "str"},
    "password": {"type": "str", "no_log": True},
    "registration_scope": {"type": "str"},
    "tenant_id": {"type": "str"},
    "timeout": {"type": "int", "default": DEFAULT_TIMEOUT},
    "token_cache": {"type": "bool", "default": True},
    "token_cache_path": {"type": "path", "default": DEFAULT_TOKEN_CACHE_PATH},
    "username": {"type": "str"},
}

SECRET_OPTIONS = tuple(name for name, spec in _OPTIONS.items() if spec.get("no_log"))


def _option_env(name):
    """The environment variable an auth option falls back to."""
    return "ENTRA_" + name.upper()


# AnsibleModule argument_spec entries.
AUTH_ARGSPEC = {name: dict(spec, fallback=(env_fallback, [_option_env(name)])) for name, spec in _OPTIONS.items()}


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
        return [v for v in (getattr(self, n) for n in SECRET_OPTIONS) if v]


def _https_url(name, value):
    value = value.rstrip("/")
    if not value.lower().startswith("https://") or len(value) <= len("https://"):
        raise EntraAuthError(
            "%s must be an https:// URL, got %r. Microsoft Entra ID and MSAL accept only https endpoints."
            % (name, value))
    return value


def jwt_claims(token):
    """The claims of a JWT, unverified (the service that receives it verifies it), or None."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = parts[1] + "=" * (-len(parts[1]) % 4)
        claims = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (ValueError, UnicodeError):
        return None
    return claims if isinstance(claims, dict) else None


def _check_access_token(token):
    if token.lower().startswith("bearer "):
        raise EntraAuthError("access_token must be the token alone: remove the leading 'Bearer '.")
    if re.search(r"\s", token):
        raise EntraAuthError("access_token contains white space: give the token alone, on one line.")
    exp = (jwt_claims(token) or {}).get("exp")
    if isinstance(exp, (int, float)) and exp <= time.time():
        raise EntraAuthError(
            "access_token expired at %s UTC. Get a new token (tokens live 60 to 90 minutes) or use "
            "auth_method=device_code." % time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(exp)))


def resolve_settings(params):
    """Turn the auth options, as validate_argument_spec (or AnsibleModule) returns them, into AuthSettings.

    The argument spec has already applied types, choices, defaults and the ENTRA_* environment
    fallbacks; this adds what a spec cannot say: empty strings count as unset, the cloud preset fills
    authority_host, graph_endpoint and registration_scope, and the cross-field rules. Raises
    EntraAuthError naming the option and the fix.
    """
    values = {}
    for name, spec in _OPTIONS.items():
        value = params.get(name)
        if isinstance(value, str) and not spec.get("no_log"):
            value = value.strip()  # secrets are used exactly as given; white space around others is a typo
        values[name] = spec.get("default") if value is None or value == "" else value
    for name in ("timeout", "device_code_timeout"):
        if values[name] <= 0:
            raise EntraAuthError("%s must be greater than 0, got %d." % (name, values[name]))
    values["token_cache_path"] = os.path.expanduser(values["token_cache_path"])

    method, cloud = values["auth_method"], values["cloud"]  # the spec's choices checked both
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
    for name in AUTH_METHOD_OPTIONS[method][0]:
        if not values[name]:
            raise EntraAuthError("%s is required when auth_method=%s: set %s or the %s environment variable."
                                 % (name, method, name, _option_env(name)))
    if method == "access_token":
        _check_access_token(values["access_token"])
    return AuthSettings(**values)


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
