# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import time

import pytest

pytest.importorskip("msal")

from ansible_collections.entra.app_proxy.plugins.module_utils._auth import (  # noqa: E402
    AUTH_METHOD_OPTIONS,
    GRAPH_CLIENT_ID,
    REGISTRATION_CLIENT_ID,
    EntraAuthError,
    client_id_for,
    jwt_claims,
    scopes_for,
)
from ansible_collections.entra.app_proxy.plugins.plugin_utils import _sign_in  # noqa: E402
from ansible_collections.entra.app_proxy.plugins.plugin_utils._sign_in import (  # noqa: E402
    AUTH_METHODS,
    AccessTokenAuth,
    CertificateAuth,
    ClientSecretAuth,
    DeviceCodeAuth,
    PasswordAuth,
)

from auth_testlib import (  # noqa: E402
    ADMIN,
    ADMIN_PW,
    APP_ID,
    APP_SECRET,
    TENANT,
    Display,
    assert_no_secret,
    jwt_with,
    make_settings,
)


def graph_token_error(auth, **kwargs):
    """The message of the EntraAuthError that asking ``auth`` for a Graph token raises."""
    with pytest.raises(EntraAuthError) as err:
        auth.acquire_token(scopes_for("graph", auth.settings), **kwargs)
    return str(err.value)


# --- the methods ---------------------------------------------------------------------------------

def test_auth_methods_selector_is_alphabetical_and_complete():
    assert list(AUTH_METHODS) == sorted(AUTH_METHODS)
    assert {name: cls.NAME for name, cls in AUTH_METHODS.items()} == {name: name for name in AUTH_METHODS}
    assert list(AUTH_METHODS) == list(AUTH_METHOD_OPTIONS)


# --- device code -----------------------------------------------------------------------------------

def test_device_code_success_and_second_acquisition_is_silent(fake_identity):
    idp, http = fake_identity
    display = Display()
    auth = DeviceCodeAuth(make_settings(idp), http_client=http)
    scopes = scopes_for("graph", auth.settings)
    first = auth.acquire_token(scopes, resource="graph", display=display)
    assert first["access_token"].count(".") == 2
    assert first["expires_on"] >= int(time.time()) + 3500
    assert len(display.messages) == 1
    assert display.messages[0] == (
        "entra.app_proxy: to sign in to tenant %s for Microsoft Graph, open %s/devicelogin in a browser and enter "
        "the code FAKE-0001. Waiting up to 900 seconds." % (TENANT, idp.base))
    assert first["access_token"] not in display.messages[0]
    second = auth.acquire_token(scopes, resource="graph", display=display)
    assert second["access_token"] == first["access_token"]
    assert idp.device_flow_starts == 1 and len(display.messages) == 1
    # the device flow asked for the default Graph client
    assert ("POST", "/%s/oauth2/v2.0/devicecode" % TENANT, None) in idp.requests


def test_client_ids_per_resource_and_override(fake_identity):
    idp, http = fake_identity
    assert client_id_for("registration", make_settings(idp)) == GRAPH_CLIENT_ID
    assert client_id_for("graph", make_settings(idp)) == GRAPH_CLIENT_ID
    own = make_settings(idp, client_id=REGISTRATION_CLIENT_ID)
    assert client_id_for("registration", own) == REGISTRATION_CLIENT_ID
    one = make_settings(idp, client_id=GRAPH_CLIENT_ID)
    assert client_id_for("registration", one) == client_id_for("graph", one) == GRAPH_CLIENT_ID
    # one public client for both resources: one prompt, the second resource comes from the refresh token
    auth = DeviceCodeAuth(one, http_client=http)
    display = Display()
    auth.acquire_token(scopes_for("registration", one), resource="registration", display=display)
    auth.acquire_token(scopes_for("graph", one), resource="graph", display=display)
    assert idp.device_flow_starts == 1
    assert idp.grants("refresh_token") == 1
    assert "for connector registration" in display.messages[0]


def test_device_code_refreshes_expired_access_token(fake_identity):
    idp, http = fake_identity
    idp.expires_in = 120  # MSAL treats tokens with under 5 minutes left as expired
    auth = DeviceCodeAuth(make_settings(idp), http_client=http)
    scopes = scopes_for("graph", auth.settings)
    first = auth.acquire_token(scopes, display=Display())
    second = auth.acquire_token(scopes, display=Display())
    assert second["access_token"] != first["access_token"]
    assert (idp.device_flow_starts, idp.grants("refresh_token")) == (1, 1)


@pytest.mark.parametrize("mode, message", [
    ("decline", "The device code sign-in was declined in the browser. Run the play again and approve the sign-in."),
    ("expire", "The device code expired before sign-in was completed. Run the play again and finish the sign-in in "
               "the browser while the code is valid."),
])
def test_device_code_declined_or_expired(fake_identity, mode, message):
    idp, http = fake_identity
    idp.device_mode = mode
    auth = DeviceCodeAuth(make_settings(idp), http_client=http)
    assert graph_token_error(auth, display=Display()) == message


def test_device_code_never_approved_times_out(fake_identity):
    idp, http = fake_identity
    idp.device_mode = "pending"
    auth = DeviceCodeAuth(make_settings(idp, device_code_timeout=2), http_client=http)
    started = time.monotonic()
    error = graph_token_error(auth, display=Display())
    assert time.monotonic() - started < 10
    assert error == (
        "The device code sign-in was not completed within 2 seconds. Run the play again, open %s/devicelogin, "
        "enter the code shown and sign in as a user with the needed role; raise device_code_timeout if you need "
        "more time." % idp.base)


@pytest.mark.parametrize("options, message", [
    ({"username": "someone@contoso.example.com"},
     "The browser sign-in was as admin@contoso.example.com, but username is someone@contoso.example.com. Sign in "
     "as someone@contoso.example.com, or change username."),
    ({"tenant_id": "fabrikam.example.com"},
     "tenant_id fabrikam.example.com was not found at {base} (invalid_tenant). Use your directory (tenant) ID or a "
     "verified domain, and check cloud and authority_host."),
    ({"client_id": "00000000-0000-0000-0000-00000000dead"},
     "client_id 00000000-0000-0000-0000-00000000dead is not known in tenant {tenant} (AADSTS700016). Check client_id "
     "and tenant_id, or leave client_id unset to use the default client for this resource."),
], ids=["signed_in_as_other_user", "unknown_tenant", "unknown_client"])
def test_device_code_sign_in_refused(fake_identity, options, message):
    idp, http = fake_identity
    auth = DeviceCodeAuth(make_settings(idp, **options), http_client=http)
    assert graph_token_error(auth, display=Display()) == message.format(base=idp.base, tenant=TENANT)


# --- password ------------------------------------------------------------------------------------

def test_password_success_then_silent(fake_identity):
    idp, http = fake_identity
    auth = PasswordAuth(make_settings(idp, auth_method="password", username=ADMIN, password=ADMIN_PW),
                        http_client=http)
    scopes = scopes_for("registration", auth.settings)
    first = auth.acquire_token(scopes, resource="registration")
    second = auth.acquire_token(scopes, resource="registration")
    assert first["access_token"] == second["access_token"]
    assert idp.grants("password") == 1
    claims = jwt_claims(first["access_token"])
    assert claims["appid"] == GRAPH_CLIENT_ID
    assert claims["aud"] == "https://proxy.cloudwebappproxy.net/registerapp"


@pytest.mark.parametrize("username, password, message", [
    (ADMIN, "wrong-password-Zq9",
     "Sign-in as admin@contoso.example.com failed: wrong username or password (AADSTS50126). Check username and "
     "password."),
    ("mfa@contoso.example.com", "Pa55-mfa-secret",
     "Sign-in as mfa@contoso.example.com needs multi-factor authentication (AADSTS50076), which auth_method=password "
     "cannot complete. Use auth_method=device_code: you then sign in in your own browser, where MFA works."),
])
def test_password_errors(fake_identity, username, password, message):
    idp, http = fake_identity
    auth = PasswordAuth(make_settings(idp, auth_method="password", username=username, password=password),
                        http_client=http)
    error = graph_token_error(auth)
    assert error == message
    assert_no_secret(error)


# --- client secret -------------------------------------------------------------------------------

def test_client_secret_success(fake_identity):
    idp, http = fake_identity
    auth = ClientSecretAuth(make_settings(idp, auth_method="client_secret", client_id=APP_ID,
                                          client_secret=APP_SECRET), http_client=http)
    result = auth.acquire_token(scopes_for("graph", auth.settings))
    assert jwt_claims(result["access_token"])["appid"] == APP_ID
    assert idp.grants("client_credentials") == 1
    assert set(result) == {"access_token", "expires_on"}


def test_client_secret_wrong(fake_identity):
    idp, http = fake_identity
    auth = ClientSecretAuth(make_settings(idp, auth_method="client_secret", client_id=APP_ID,
                                          client_secret="wrong-secret-Zq9"), http_client=http)
    error = graph_token_error(auth)
    assert error == (
        "client_secret is not valid for client_id %s (AADSTS7000215): it is wrong or has expired. Create a new secret "
        "on the app registration and set client_secret." % APP_ID)
    assert_no_secret(error)


@pytest.mark.parametrize("method, extra", [
    ("client_secret", {"client_secret": APP_SECRET}),
    ("certificate", None),
])
def test_app_only_cannot_register(fake_identity, method, extra, tmp_path):
    idp, http = fake_identity
    if extra is None:
        extra = {"certificate_path": write_pem(tmp_path)[0]}
    auth = AUTH_METHODS[method](make_settings(idp, auth_method=method, client_id=APP_ID, **extra), http_client=http)
    with pytest.raises(EntraAuthError) as err:
        auth.acquire_token(["https://proxy.cloudwebappproxy.net/registerapp/user_impersonation"],
                           resource="registration")
    assert str(err.value) == (
        "auth_method=%s cannot get a connector registration token: registration needs a delegated token of a user "
        "with the Application Administrator role. Use auth_method=device_code, password or access_token for the "
        "registration." % method)
    assert idp.requests == []


# --- certificate ---------------------------------------------------------------------------------

def write_pem(tmp_path, password=None, key_type="rsa", name="app.pem", with_key=True):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(65537, 2048) if key_type == "rsa" else ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "entra-app-proxy-test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    encryption = (serialization.BestAvailableEncryption(password.encode()) if password
                  else serialization.NoEncryption())
    key_pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    path = tmp_path / name
    path.write_bytes((key_pem if with_key else b"") + cert_pem)
    return str(path), cert_pem.decode()


@pytest.mark.parametrize("password", [None, "cert-pass-Zq9"])
def test_certificate_success(fake_identity, tmp_path, password):
    idp, http = fake_identity
    path, cert_pem = write_pem(tmp_path, password=password)
    idp.certificates[APP_ID] = cert_pem  # the fake checks the assertion's x5t and RS256 signature
    auth = CertificateAuth(make_settings(idp, auth_method="certificate", client_id=APP_ID, certificate_path=path,
                                         certificate_password=password), http_client=http)
    result = auth.acquire_token(scopes_for("graph", auth.settings))
    assert jwt_claims(result["access_token"])["appid"] == APP_ID


def test_certificate_not_registered(fake_identity, tmp_path):
    idp, http = fake_identity
    path = write_pem(tmp_path)[0]
    idp.certificates[APP_ID] = write_pem(tmp_path, name="other.pem")[1]
    auth = CertificateAuth(make_settings(idp, auth_method="certificate", client_id=APP_ID, certificate_path=path),
                           http_client=http)
    assert graph_token_error(auth) == (
        "The certificate in certificate_path is not accepted for client_id %s (AADSTS700027). Upload its public "
        "certificate to the app registration, or check certificate_path." % APP_ID)


@pytest.mark.parametrize("pem_kwargs, given_password, message", [
    ({"password": "cert-pass-Zq9"}, None, "The private key in certificate_path {p!r} is encrypted: set "
                                          "certificate_password."),
    ({}, "cert-pass-Zq9", "The private key in certificate_path {p!r} is not encrypted: leave certificate_password "
                          "unset."),
    ({"password": "cert-pass-Zq9"}, "wrong-password-Zq9",
     "The private key or certificate in certificate_path {p!r} cannot be loaded: the file is damaged or "
     "certificate_password is wrong."),
    ({"with_key": False}, None, "certificate_path {p!r} holds no private key: give one PEM file with the certificate "
                                "and its private key."),
    ({"key_type": "ec"}, None, "The private key in certificate_path {p!r} is not an RSA key: Microsoft Entra ID "
                               "accepts RSA certificates for app sign-in."),
])
def test_certificate_validation(tmp_path, pem_kwargs, given_password, message):
    path = write_pem(tmp_path, **pem_kwargs)[0]
    settings = make_settings(auth_method="certificate", client_id=APP_ID, certificate_path=path,
                             certificate_password=given_password)
    with pytest.raises(EntraAuthError) as err:
        CertificateAuth.load_credential(settings)
    assert str(err.value) == message.format(p=path)
    assert_no_secret(str(err.value))


def test_certificate_unreadable_or_without_certificate(tmp_path):
    missing = str(tmp_path / "missing.pem")
    with pytest.raises(EntraAuthError) as err:
        CertificateAuth.load_credential(make_settings(auth_method="certificate", client_id=APP_ID,
                                                      certificate_path=missing))
    assert str(err.value) == "certificate_path %r cannot be read: No such file or directory." % missing
    junk = tmp_path / "junk.pem"
    junk.write_text("not a pem file")
    with pytest.raises(EntraAuthError) as err:
        CertificateAuth.load_credential(make_settings(auth_method="certificate", client_id=APP_ID,
                                                      certificate_path=str(junk)))
    assert str(err.value) == ("certificate_path %r holds no PEM certificate: give one PEM file with the certificate "
                              "and its private key." % str(junk))


def test_certificate_thumbprint_is_sha1_of_der(tmp_path):
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    path, cert_pem = write_pem(tmp_path)
    credential = CertificateAuth.load_credential(make_settings(auth_method="certificate", client_id=APP_ID,
                                                               certificate_path=path))
    der = x509.load_pem_x509_certificate(cert_pem.encode()).public_bytes(Encoding.DER)
    assert credential["thumbprint"] == hashlib.sha1(der).hexdigest().upper()
    assert "ENCRYPTED" not in credential["private_key"]


# --- supplied access token -----------------------------------------------------------------------

def test_access_token_jwt_and_opaque():
    exp = int(time.time()) + 3000
    token = jwt_with({"aud": "https://graph.microsoft.com", "exp": exp})
    auth = AccessTokenAuth(make_settings(auth_method="access_token", access_token=token, tenant_id=None))
    assert auth.acquire_token(["https://graph.microsoft.com/.default"]) == {"access_token": token, "expires_on": exp}
    opaque = AccessTokenAuth(make_settings(auth_method="access_token", access_token="opaque-token-value"))
    assert opaque.acquire_token(["x"]) == {"access_token": "opaque-token-value", "expires_on": None}


# --- transport -----------------------------------------------------------------------------------

def test_session_reaches_private_ca_despite_env_bundle(fake_identity_https, monkeypatch):
    idp = fake_identity_https
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    auth = DeviceCodeAuth(make_settings(idp, ca_bundle=idp.ca_bundle))
    result = auth.acquire_token(scopes_for("graph", auth.settings), display=Display())
    assert "access_token" in result and idp.device_flow_starts == 1


def test_tls_failure_names_ca_bundle(fake_identity_https, monkeypatch):
    idp = fake_identity_https
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/ca-certificates.crt")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    auth = DeviceCodeAuth(make_settings(idp))
    assert graph_token_error(auth, display=Display()) == (
        "TLS verification failed for %s. If a proxy inspects TLS or the endpoint uses a private CA, set ca_bundle to "
        "the PEM file of that CA." % idp.base)


def test_unreachable_authority(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    auth = PasswordAuth(make_settings(authority_host="https://127.0.0.1:9", auth_method="password", username=ADMIN,
                                      password=ADMIN_PW, timeout=3))
    with pytest.raises(EntraAuthError) as err:
        auth.acquire_token(["https://graph.microsoft.com/.default"])
    assert str(err.value) == ("Could not reach https://127.0.0.1:9 (ConnectionError). Check the network, the proxy "
                              "(HTTPS_PROXY) and authority_host.")


# --- error mapping never leaks secrets -------------------------------------------------------------

def test_unknown_errors_are_summarised_and_scrubbed():
    settings = make_settings(auth_method="password", username=ADMIN, password=ADMIN_PW)
    message = _sign_in.error_message({"error": "server_error", "error_description": "AADSTS1: echo %s\r\nTrace ID: 1"
                                      % ADMIN_PW}, settings, GRAPH_CLIENT_ID)
    assert message == "Sign-in with auth_method=password failed: server_error: AADSTS1: echo ********"
    assert_no_secret(message)
