# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Sign-in to Microsoft Entra ID on the controller: one small class per auth_method.

Controller side only (msal): the action plugins get tokens here, through _token.py, and hand a
module the access token alone. The options and settings these classes read are in
plugins/module_utils/_auth.py.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
import warnings

from ansible.module_utils.basic import missing_required_lib

from ..module_utils._auth import (
    AUTH_METHOD_OPTIONS,
    GRAPH_CLIENT_ID,
    _GUID,
    _PURPOSE,
    EntraAuthError,
    build_session,
    client_id_for,
    jwt_claims,
)


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
    """Base of the sign-in methods. A subclass sets NAME and implements _acquire()."""

    NAME = ""

    def __init__(self, settings, token_cache=None, http_client=None):
        self.settings = settings
        self.token_cache = token_cache
        self._http_client = http_client
        self._apps = {}

    def acquire_token(self, scopes, resource="graph", display=None, force_refresh=False):
        """Return {'access_token': str, 'expires_on': epoch seconds} for the scopes, or raise EntraAuthError.

        force_refresh drops the cached access tokens first (a service refused one MSAL still thought valid),
        so a new one is fetched, silently where a refresh token or client credential allows.
        """
        if resource == "registration" and AUTH_METHOD_OPTIONS[self.NAME][1]:
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

    def acquire_token(self, scopes, resource="graph", display=None, force_refresh=False):
        exp = (jwt_claims(self.settings.access_token) or {}).get("exp")
        return {"access_token": self.settings.access_token,
                "expires_on": int(exp) if isinstance(exp, (int, float)) else None}


class _AppOnlyAuth(_AuthMethod):
    """Client-credential sign-in as the app itself. Microsoft documents the connector Graph APIs as
    delegated-only, so this works only where a tenant grants the app Graph access."""

    def _acquire(self, app, scopes, display, resource):
        return app.acquire_token_for_client(scopes=scopes)


class CertificateAuth(_AppOnlyAuth):
    """App-only sign-in with a certificate (one PEM file holding the certificate and its private key)."""

    NAME = "certificate"

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

    def _build_app(self, msal, client_id, kwargs):
        return msal.ConfidentialClientApplication(client_id, client_credential=self.settings.client_secret, **kwargs)


class _DelegatedAuth(_AuthMethod):
    """Sign-in as a user: silently from the token cache when it can, else with the method's own _sign_in()."""

    def _acquire(self, app, scopes, display, resource):
        return self._silent(app, scopes, display) or self._sign_in(app, scopes, display, resource)

    def _sign_in(self, app, scopes, display, resource):
        raise NotImplementedError


class DeviceCodeAuth(_DelegatedAuth):
    """Delegated sign-in in the admin's own browser: works with MFA and from Server Core or CI shells."""

    NAME = "device_code"

    def _sign_in(self, app, scopes, display, resource):
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


class PasswordAuth(_DelegatedAuth):
    """Delegated sign-in with a username and password (resource owner password); no MFA possible."""

    NAME = "password"

    def _sign_in(self, app, scopes, display, resource):
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
