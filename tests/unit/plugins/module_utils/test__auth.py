# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import pytest
import yaml

from ansible_collections.entra.app_proxy.plugins.doc_fragments.graph_auth import ModuleDocFragment  # noqa: E402
from ansible_collections.entra.app_proxy.plugins.module_utils._auth import (  # noqa: E402
    AUTH_ARGSPEC,
    AUTH_METHOD_OPTIONS,
    CLOUDS,
    EntraAuthError,
    build_session,
    scopes_for,
)

from auth_testlib import (  # noqa: E402
    ADMIN,
    ADMIN_PW,
    APP_ID,
    APP_SECRET,
    TENANT,
    assert_no_secret,
    jwt_with,
    make_settings,
    settle,
)


# --- settings: presets, environment fallbacks, validation ----------------------------------------

def test_global_cloud_preset():
    s = settle({"tenant_id": TENANT}, environ={})
    assert (s.authority_host, s.graph_endpoint) == ("https://login.microsoftonline.com", "https://graph.microsoft.com")
    assert s.authority == "https://login.microsoftonline.com/" + TENANT
    assert scopes_for("graph", s) == ["https://graph.microsoft.com/.default"]
    assert scopes_for("registration", s) == ["https://proxy.cloudwebappproxy.net/registerapp/user_impersonation"]
    assert (s.auth_method, s.cloud, s.token_cache, s.timeout, s.device_code_timeout) == (
        "device_code", "global", True, 30, 900)
    assert s.token_cache_path == os.path.expanduser("~/.ansible/entra_app_proxy/msal_token_cache.json")
    assert CLOUDS["global"]["environment_name"] == "AzureCloud"


def test_usgov_cloud_preset_and_missing_registration_scope():
    s = settle({"tenant_id": TENANT, "cloud": "usgov"}, environ={})
    assert (s.authority_host, s.graph_endpoint) == ("https://login.microsoftonline.us", "https://graph.microsoft.us")
    assert CLOUDS["usgov"]["environment_name"] == "AzureUSGovernment"
    assert scopes_for("graph", s) == ["https://graph.microsoft.us/.default"]
    with pytest.raises(EntraAuthError) as err:
        scopes_for("registration", s)
    assert str(err.value) == (
        "registration_scope is required for cloud=usgov: Microsoft documents no connector registration scope for "
        "this cloud. Set registration_scope (or ENTRA_REGISTRATION_SCOPE) to the scope Microsoft support confirms "
        "for it.")
    s = settle({"tenant_id": TENANT, "cloud": "usgov", "registration_scope": "https://x.example/r/u"}, environ={})
    assert scopes_for("registration", s) == ["https://x.example/r/u"]


def test_overrides_beat_preset_and_lose_trailing_slash():
    s = settle({"tenant_id": "contoso.onmicrosoft.com", "authority_host": "https://login.lab.test/",
                "graph_endpoint": "https://graph.lab.test//"}, environ={})
    assert (s.authority_host, s.graph_endpoint) == ("https://login.lab.test", "https://graph.lab.test")
    assert s.authority == "https://login.lab.test/contoso.onmicrosoft.com"


def test_environment_fallbacks_and_precedence(tmp_path):
    env = {"ENTRA_TENANT_ID": TENANT, "ENTRA_AUTH_METHOD": "password", "ENTRA_USERNAME": ADMIN,
           "ENTRA_PASSWORD": ADMIN_PW, "ENTRA_TOKEN_CACHE": "no", "ENTRA_TIMEOUT": "12",
           "ENTRA_DEVICE_CODE_TIMEOUT": "60", "ENTRA_CLOUD": "usgov", "ENTRA_CLIENT_ID": APP_ID,
           "ENTRA_TOKEN_CACHE_PATH": str(tmp_path / "c.json"), "ENTRA_GRAPH_ENDPOINT": "https://graph.lab.test"}
    s = settle({}, environ=env)
    assert (s.tenant_id, s.auth_method, s.username, s.password) == (TENANT, "password", ADMIN, ADMIN_PW)
    assert (s.token_cache, s.timeout, s.device_code_timeout, s.cloud, s.client_id) == (False, 12, 60, "usgov", APP_ID)
    assert s.token_cache_path == str(tmp_path / "c.json")
    assert (s.authority_host, s.graph_endpoint) == ("https://login.microsoftonline.us", "https://graph.lab.test")
    s = settle({"username": "other@contoso.example.com", "timeout": 5}, environ=env)
    assert (s.username, s.timeout) == ("other@contoso.example.com", 5)


def test_secrets_are_not_in_repr_and_kept_verbatim():
    s = settle({"tenant_id": TENANT, "auth_method": "password", "username": ADMIN,
                "password": " padded-secret "}, environ={})
    assert s.password == " padded-secret "
    assert "padded-secret" not in repr(s)


@pytest.mark.parametrize("options, missing", [
    ({"tenant_id": None}, "tenant_id"),
    ({"auth_method": "client_secret", "client_id": APP_ID}, "client_secret"),
    ({"auth_method": "client_secret", "client_secret": APP_SECRET}, "client_id"),
    ({"auth_method": "certificate", "client_id": APP_ID}, "certificate_path"),
    ({"auth_method": "password", "password": ADMIN_PW}, "username"),
    ({"auth_method": "password", "username": ADMIN}, "password"),
    ({"auth_method": "access_token"}, "access_token"),
])
def test_required_option_messages(options, missing):
    options = dict({"tenant_id": TENANT}, **options)
    method = options.get("auth_method", "device_code")
    with pytest.raises(EntraAuthError) as err:
        settle(options, environ={})
    assert str(err.value) == ("%s is required when auth_method=%s: set %s or the ENTRA_%s environment variable."
                              % (missing, method, missing, missing.upper()))
    assert_no_secret(str(err.value))


@pytest.mark.parametrize("option, value", [("authority_host", "http://login.lab.test"),
                                           ("graph_endpoint", "graph.microsoft.com")])
def test_endpoints_must_be_https(option, value):
    with pytest.raises(EntraAuthError) as err:
        settle({"tenant_id": TENANT, option: value}, environ={})
    assert str(err.value) == ("%s must be an https:// URL, got %r. Microsoft Entra ID and MSAL accept only https "
                              "endpoints." % (option, value))


@pytest.mark.parametrize("options, environ, message", [
    pytest.param({"tenant_id": "not a tenant"}, {},
                 "tenant_id 'not a tenant' is neither a GUID nor a domain name: use the directory (tenant) ID, such "
                 "as 00000000-0000-0000-0000-000000000000, or a verified domain, such as contoso.onmicrosoft.com.",
                 id="tenant_id"),
    pytest.param({"cloud": "china"}, {}, "value of cloud must be one of: global, usgov, got: china", id="cloud"),
    pytest.param({"auth_method": "interactive"}, {},
                 "value of auth_method must be one of: access_token, certificate, client_secret, device_code, "
                 "password, got: interactive", id="auth_method"),
    # the argument spec's own words, which vary with ansible-core
    pytest.param({}, {"ENTRA_TIMEOUT": "soon"}, "argument 'timeout' is of type", id="timeout-from-environ"),
    pytest.param({"device_code_timeout": 0}, {}, "device_code_timeout must be greater than 0, got 0.",
                 id="device_code_timeout"),
    pytest.param({"token_cache": "maybe"}, {}, "argument 'token_cache' is of type", id="token_cache"),
    pytest.param({"ca_bundle": "/nonexistent/ca.pem"}, {},
                 "ca_bundle '/nonexistent/ca.pem' cannot be read: give the path of a PEM file of CA certificates to "
                 "trust for authority_host and graph_endpoint.", id="ca_bundle"),
])
def test_validation_messages(options, environ, message):
    options = dict({"tenant_id": TENANT}, **options)
    with pytest.raises(EntraAuthError) as err:
        settle(options, environ=environ)
    assert str(err.value).startswith(message)
    assert_no_secret(str(err.value))


def test_tenant_domain_name_is_accepted():
    assert settle({"tenant_id": "Contoso.OnMicrosoft.com"}, environ={}).tenant_id == "Contoso.OnMicrosoft.com"


def test_scopes_for_unknown_resource():
    with pytest.raises(EntraAuthError, match="Unknown token resource 'vault'"):
        scopes_for("vault", settle({"tenant_id": TENANT}, environ={}))


# --- argument spec and documentation stay in step --------------------------------------------------

def test_argspec_matches_doc_fragment():
    doc = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)["options"]
    assert list(doc) == sorted(doc), "doc fragment options must be alphabetical"
    assert sorted(AUTH_ARGSPEC) == sorted(doc)
    for name, spec in AUTH_ARGSPEC.items():
        assert spec["type"] == doc[name]["type"], name
        assert spec.get("default") == doc[name].get("default"), name
        assert spec.get("choices") == doc[name].get("choices"), name
        env = spec["fallback"][1][0]
        assert env == "ENTRA_" + name.upper()
        assert "E(%s)" % env in " ".join(doc[name]["description"]), name
        secret = name in ("access_token", "certificate_password", "client_secret", "password")
        assert spec.get("no_log", False) is secret, name
        assert ("never logged" in " ".join(doc[name]["description"])) is secret, name


def test_argspec_works_with_ansible_validator():
    from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

    result = ArgumentSpecValidator(AUTH_ARGSPEC).validate({"tenant_id": TENANT, "password": ADMIN_PW})
    assert result.error_messages == []
    assert result.validated_parameters["auth_method"] == "device_code"
    assert ADMIN_PW in result._no_log_values


# --- supplied access token -----------------------------------------------------------------------

@pytest.mark.parametrize("token, message", [
    (jwt_with({"exp": 1700000000}), "access_token expired at 2023-11-14 22:13:20 UTC. Get a new token (tokens live 60 "
                                    "to 90 minutes) or use auth_method=device_code."),
    ("Bearer abc.def.ghi", "access_token must be the token alone: remove the leading 'Bearer '."),
    ("abc def", "access_token contains white space: give the token alone, on one line."),
])
def test_access_token_refused(token, message):
    with pytest.raises(EntraAuthError) as err:
        make_settings(auth_method="access_token", access_token=token)
    assert str(err.value) == message
    assert token not in str(err.value)


# --- transport -----------------------------------------------------------------------------------

def test_session_ca_bundle_beats_requests_ca_bundle(monkeypatch, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("x")
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/env-bundle.pem")
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.lab.test:3128")
    pinned = build_session(str(bundle), 7).merge_environment_settings("https://login.lab.test/", {}, None, None, None)
    assert pinned["verify"] == str(bundle)
    assert pinned["proxies"].get("https") == "http://proxy.lab.test:3128"  # trust_env still applies to proxies
    default = build_session(None, 7).merge_environment_settings("https://login.lab.test/", {}, None, None, None)
    assert default["verify"] == "/etc/ssl/certs/env-bundle.pem"


def test_auth_method_table_is_alphabetical_and_marks_the_app_only_methods():
    assert list(AUTH_METHOD_OPTIONS) == sorted(AUTH_METHOD_OPTIONS)
    assert AUTH_ARGSPEC["auth_method"]["choices"] == list(AUTH_METHOD_OPTIONS)
    assert [n for n, (opts, app_only) in AUTH_METHOD_OPTIONS.items() if app_only] == ["certificate", "client_secret"]


def test_module_payload_carries_no_sign_in_code():
    """The Graph modules ship this file to where they run; the msal sign-in stays on the controller."""
    from ansible_collections.entra.app_proxy.plugins.module_utils import _auth, _graph_module

    for module in (_auth, _graph_module):
        with open(module.__file__, encoding="utf-8") as handle:
            source = handle.read()
        for needle in ("import msal", "ClientApplication", "plugins.plugin_utils", "acquire_token"):
            assert needle not in source, (module.__name__, needle)
