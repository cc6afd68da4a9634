# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared set-up for the unit tests.

1. Plain ``pytest tests/unit`` imports ``ansible_collections.entra.app_proxy`` from this source tree, not
   from the installed build: .cache/src/ansible_collections/entra/app_proxy is a symlink to the repository
   root, and Ansible's collection finder searches .cache/src before .cache/collections (which holds the
   upstream Windows collections). Under ansible-test, which installs its own finder, this does nothing.
2. ``fake_identity``: an in-process fake of the Microsoft identity platform for MSAL, reached through
   MSAL's ``http_client`` hook, and ``fake_identity_https``: the same fake served over HTTPS on 127.0.0.1
   with its own CA, for tests that need separate processes.
3. tests/unit/plugins on sys.path, for the helper modules the tests share (auth_testlib, action_testlib).
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

REPO_ROOT = os.path.realpath(os.path.join(os.path.dirname(__file__), "..", ".."))
SOURCE_PATH = os.path.join(REPO_ROOT, ".cache", "src")
INSTALLED_PATH = os.path.join(REPO_ROOT, ".cache", "collections")


def _collection_finder_installed():
    return any(type(f).__name__ == "_AnsibleCollectionFinder" for f in sys.meta_path)


def _link_source_tree():
    """Point .cache/src/ansible_collections/entra/app_proxy at the repository root (atomically: two
    pytest runs on two venvs may start at once)."""
    parts = REPO_ROOT.split(os.sep)
    if parts[-3:-1] == ["ansible_collections", "entra"] and parts[-1] == "app_proxy":
        return os.sep.join(parts[:-3])  # already laid out as a collection tree
    link = os.path.join(SOURCE_PATH, "ansible_collections", "entra", "app_proxy")
    if os.path.realpath(link) != REPO_ROOT:
        os.makedirs(os.path.dirname(link), exist_ok=True)
        tmp = "%s.%d.tmp" % (link, os.getpid())
        os.symlink(REPO_ROOT, tmp)
        os.replace(tmp, link)
    return SOURCE_PATH


def install_collection_loader():
    """Install Ansible's collection finder over the source tree; safe to call more than once."""
    if _collection_finder_installed():
        return
    from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

    paths = [_link_source_tree()]
    if os.path.isdir(INSTALLED_PATH):
        paths.append(INSTALLED_PATH)
    _AnsibleCollectionFinder(paths=paths, scan_sys_paths=False)._install()


install_collection_loader()

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))


# ---------------------------------------------------------------------------------------------------
# Fake identity platform
# ---------------------------------------------------------------------------------------------------

FAKE_TENANT_ID = "11111111-2222-3333-4444-555555555555"
FAKE_TENANT_DOMAIN = "contoso.example.com"


def _b64url(data):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class FakeIdentityPlatform:
    """Just enough of the Microsoft identity platform v2 endpoints for MSAL, with Entra's error codes.

    Test knobs: ``users`` (username -> {"password", "mfa"}), ``confidential`` (client_id -> secret),
    ``certificates`` (client_id -> PEM certificate), ``device_mode`` ("approve", "decline", "expire",
    "pending"), ``approve_after`` (device-code polls answered "authorization_pending" first),
    ``device_user``, ``expires_in`` (token lifetime) and ``revoked_refresh_tokens``.
    """

    PUBLIC_CLIENTS = ("04b07795-8ddb-461a-bbee-02f9e1bf7b46", "55747057-9b5d-4bd4-b387-abf52a8bd489")

    def __init__(self, base="https://login.fake.test"):
        self.base = base
        self.users = {"admin@contoso.example.com": {"password": "Pa55-admin-secret", "mfa": False},
                      "mfa@contoso.example.com": {"password": "Pa55-mfa-secret", "mfa": True}}
        self.confidential = {"9f0e7a4c-1d2b-4c3d-8e9f-a0b1c2d3e4f5": "client-secret-value-123"}
        self.certificates = {}
        self.device_mode = "approve"
        self.approve_after = 0
        self.device_user = "admin@contoso.example.com"
        self.expires_in = 3600
        self.revoked_refresh_tokens = set()
        self.requests = []  # (method, path, grant_type or None)
        self.device_flows = {}
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    # -- helpers for assertions
    def grants(self, grant_type):
        return sum(1 for _m, _p, g in self.requests if g == grant_type)

    @property
    def device_flow_starts(self):
        return sum(1 for m, p, _g in self.requests if m == "POST" and p.endswith("/devicecode"))

    # -- token issuing
    def _tenant(self, name):
        if name.lower() in (FAKE_TENANT_ID, FAKE_TENANT_DOMAIN):
            return FAKE_TENANT_ID
        return None

    def _access_token(self, tenant, client_id, scope, user):
        now = int(time.time())
        claims = {"aud": (scope.split() or [""])[0].rsplit("/", 1)[0], "tid": tenant, "appid": client_id,
                  "iat": now, "exp": now + self.expires_in, "n": next(self._counter)}
        if user:
            claims["upn"] = user
        return "%s.%s.fakesig" % (_b64url({"alg": "none", "typ": "JWT"}), _b64url(claims))

    def _token(self, tenant, client_id, scope, user=None):
        # Like Entra, answer with the resource scopes only, not the OpenID Connect ones MSAL adds.
        scope = " ".join(s for s in scope.split() if s not in ("openid", "profile", "offline_access"))
        out = {"token_type": "Bearer", "expires_in": self.expires_in, "ext_expires_in": self.expires_in,
               "scope": scope, "access_token": self._access_token(tenant, client_id, scope, user)}
        if user:
            now = int(time.time())
            oid = hashlib.sha256(user.encode()).hexdigest()[:8] + "-0000-0000-0000-000000000000"
            out["id_token"] = "e30.%s.sig" % _b64url({
                "iss": "%s/%s/v2.0" % (self.base, tenant), "aud": client_id, "tid": tenant, "oid": oid,
                "sub": oid, "preferred_username": user, "iat": now, "exp": now + 3600})
            out["client_info"] = _b64url({"uid": oid, "utid": tenant})
            out["refresh_token"] = "rt-%d-%s" % (next(self._counter), user)
        return out

    def _check_client_assertion(self, client_id, form, token_endpoint):
        import jwt
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding

        pem = self.certificates.get(client_id)
        if pem is None:
            return "AADSTS700016"
        cert = x509.load_pem_x509_certificate(pem.encode())
        assertion = form.get("client_assertion", "")
        header = jwt.get_unverified_header(assertion)
        thumb = base64.urlsafe_b64encode(hashlib.sha1(cert.public_bytes(Encoding.DER)).digest()).rstrip(b"=").decode()
        if str(header.get("x5t", "")).rstrip("=") != thumb:  # MSAL pads it; Entra accepts both
            return "AADSTS700027"
        try:
            jwt.decode(assertion, key=cert.public_key(), algorithms=["RS256"], audience=token_endpoint)
        except jwt.PyJWTError:
            return "AADSTS700027"
        return None

    @staticmethod
    def _error(code, error, aadsts, text):
        return code, {"error": error, "error_description": "AADSTS%d: %s Trace ID: 0000 Correlation ID: 0000"
                      % (aadsts, text), "error_codes": [aadsts]}

    def handle(self, method, url, form):
        path = urllib.parse.urlparse(url).path
        with self._lock:
            self.requests.append((method, path, form.get("grant_type")))
            return self._handle(method, path, form)

    def _handle(self, method, path, form):
        parts = [p for p in path.split("/") if p]
        if method == "GET" and parts[:2] == ["common", "userrealm"]:
            return 200, {"ver": "1.0", "account_type": "Managed", "domain_name": parts[2].split("@")[-1]}
        tenant = self._tenant(parts[0]) if parts else None
        if tenant is None:
            return self._error(400, "invalid_tenant", 90002, "Tenant '%s' not found." % (parts[0] if parts else ""))
        base = "%s/%s" % (self.base, parts[0])
        if method == "GET" and parts[-2:] == [".well-known", "openid-configuration"]:
            return 200, {"issuer": "%s/%s/v2.0" % (self.base, tenant),
                         "authorization_endpoint": base + "/oauth2/v2.0/authorize",
                         "token_endpoint": base + "/oauth2/v2.0/token",
                         "device_authorization_endpoint": base + "/oauth2/v2.0/devicecode",
                         "jwks_uri": base + "/discovery/v2.0/keys"}
        client_id = form.get("client_id", "")
        known = client_id in self.PUBLIC_CLIENTS or client_id in self.confidential or client_id in self.certificates
        if method == "POST" and parts[-1] in ("devicecode", "token") and not known:
            return self._error(400, "unauthorized_client", 700016,
                               "Application with identifier '%s' was not found in the directory." % client_id)
        if method == "POST" and parts[-1] == "devicecode":
            code = "dc-%d" % next(self._counter)
            self.device_flows[code] = {"polls": 0, "scope": form.get("scope", "")}
            return 200, {"device_code": code, "user_code": "FAKE-%04d" % len(self.device_flows),
                         "verification_uri": self.base + "/devicelogin", "expires_in": 900, "interval": 1,
                         "message": "Open %s/devicelogin" % self.base}
        if method != "POST" or parts[-1] != "token":
            return 404, {"error": "not_found"}
        grant, scope = form.get("grant_type"), form.get("scope", "")
        if grant == "client_credentials":
            if "client_assertion" in form:
                failure = self._check_client_assertion(client_id, form, base + "/oauth2/v2.0/token")
                if failure:
                    return self._error(401, "invalid_client", int(failure[6:]), "Client assertion is not valid.")
            elif self.confidential.get(client_id) != form.get("client_secret"):
                return self._error(401, "invalid_client", 7000215, "Invalid client secret provided.")
            return 200, self._token(tenant, client_id, scope)
        if grant == "password":
            user = self.users.get(form.get("username", "").lower())
            if not user or user["password"] != form.get("password"):
                return self._error(400, "invalid_grant", 50126, "Error validating credentials due to invalid "
                                   "username or password.")
            if user["mfa"]:
                return self._error(400, "invalid_grant", 50076, "Due to a configuration change made by your "
                                   "administrator, you must use multi-factor authentication.")
            return 200, self._token(tenant, client_id, scope, user=form["username"].lower())
        if grant == "urn:ietf:params:oauth:grant-type:device_code":
            flow = self.device_flows.get(form.get("device_code"))
            if flow is None or self.device_mode == "expire":
                return 400, {"error": "expired_token", "error_description": "AADSTS70020: The provided value for "
                             "the input parameter 'device_code' is not valid."}
            if self.device_mode == "decline":
                return 400, {"error": "authorization_declined", "error_description": "AADSTS70000: declined"}
            flow["polls"] += 1
            if self.device_mode == "pending" or flow["polls"] <= self.approve_after:
                return 400, {"error": "authorization_pending", "error_description": "AADSTS70016: pending"}
            del self.device_flows[form["device_code"]]
            # the token request of this grant carries no scope: Entra uses the one given to /devicecode
            return 200, self._token(tenant, client_id, flow["scope"], user=self.device_user)
        if grant == "refresh_token":
            token = form.get("refresh_token", "")
            if not token.startswith("rt-") or token in self.revoked_refresh_tokens:
                return self._error(400, "invalid_grant", 700082, "The refresh token has expired due to inactivity.")
            return 200, self._token(tenant, client_id, scope, user=token.split("-", 2)[2])
        return 400, {"error": "unsupported_grant_type"}


class _Response:
    def __init__(self, status, payload):
        self.status_code = status
        self.text = json.dumps(payload)
        self.headers = {"Content-Type": "application/json"}

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError("HTTP %d" % self.status_code)


class FakeHttpClient:
    """Stands in for requests.Session as far as MSAL uses it."""

    def __init__(self, idp):
        self.idp = idp

    def get(self, url, params=None, headers=None, **kwargs):
        return _Response(*self.idp.handle("GET", url, {}))

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        form = dict(urllib.parse.parse_qsl(data)) if isinstance(data, str) else dict(data or {})
        return _Response(*self.idp.handle("POST", url, form))

    def close(self):
        pass


@pytest.fixture
def fake_identity():
    """(idp, http_client): an in-process fake identity platform and the http_client that reaches it."""
    idp = FakeIdentityPlatform()
    return idp, FakeHttpClient(idp)


@pytest.fixture
def fake_identity_https(tmp_path):
    """A FakeIdentityPlatform served over HTTPS on 127.0.0.1; .ca_bundle is the PEM of its CA."""
    import ssl

    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    server_cert = ca.issue_cert("127.0.0.1", "localhost")
    ca_path = tmp_path / "fake-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    idp = FakeIdentityPlatform()

    class Handler(BaseHTTPRequestHandler):
        def _reply(self, method):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            status, payload = idp.handle(method, self.path, dict(urllib.parse.parse_qsl(body)))
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            self._reply("GET")

        def do_POST(self):
            self._reply("POST")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_cert.configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    idp.base = "https://127.0.0.1:%d" % server.server_address[1]
    idp.ca_bundle = str(ca_path)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield idp
    server.shutdown()
    server.server_close()
