"""Issuing and checking the fake tenant's tokens."""
from __future__ import annotations

import secrets
import time

from .crypto import b64url_json, sign_jwt, verify_jwt
from .model import DEFAULT_USER_ROLE, TokenRecord, User, new_id

REFRESH_LIFETIME = 90 * 24 * 3600


def lookup_access_token(server, token: str) -> TokenRecord | None:
    """The record of an access token this tenant issued and signed, else None."""
    claims = verify_jwt(token, server.tenant.secret)
    if not claims:
        return None
    return server.tenant.tokens.get(claims.get("uti", ""))


def issue(server, client_id: str, resource: str, audience: str, scopes: list, user: User | None,
          auth_level: str, roles: list | None = None, scope_text: str | None = None) -> dict:
    """Mint an access token (plus refresh, id token and client_info for a user) and
    return the token endpoint's JSON response."""
    tenant = server.tenant
    now = int(time.time())
    lifetime = int(server.options.token_lifetime)
    uti = new_id().replace("-", "")
    claims = {
        "aud": audience, "iss": "%s/%s/v2.0" % (server.base_url, tenant.tenant_id), "iat": now, "nbf": now,
        "exp": now + lifetime, "tid": tenant.tenant_id, "appid": client_id, "azp": client_id,
        "appidacr": auth_level, "uti": uti, "ver": "1.0",
    }
    if user is None:
        claims.update({"oid": tenant.app["object_id"], "sub": client_id, "idtyp": "app",
                       "roles": list(roles or [])})
    else:
        claims.update({"oid": user.object_id, "sub": user.object_id, "name": user.display_name,
                       "upn": user.username, "unique_name": user.username, "scp": " ".join(scopes),
                       "idtyp": "user", "acct": 1 if user.guest else 0})
        wids = list(user.roles) + ([] if user.guest else [DEFAULT_USER_ROLE])
        if wids:
            claims["wids"] = wids
        if user.guest:
            claims["idp"] = "https://sts.windows.net/%s/" % user.home_tenant_id
    record = TokenRecord(uti, "access", client_id, user.key if user else None, resource, audience, list(scopes),
                         list(roles or []), now, now + lifetime)
    with tenant.lock:
        tenant.tokens[uti] = record
    if scope_text is None:
        scope_text = " ".join(scopes) if user else "%s/.default" % audience
    out = {"token_type": "Bearer", "scope": scope_text, "expires_in": lifetime, "ext_expires_in": lifetime,
           "access_token": sign_jwt(claims, tenant.secret)}
    if user is not None:
        out["refresh_token"] = new_refresh_token(server, client_id, user)
        out["id_token"] = sign_jwt({
            "aud": client_id, "iss": "%s/%s/v2.0" % (server.base_url, tenant.tenant_id), "iat": now, "nbf": now,
            "exp": now + lifetime, "name": user.display_name, "oid": user.object_id,
            "preferred_username": user.username, "sub": user.object_id, "tid": tenant.tenant_id, "ver": "2.0",
        }, tenant.secret)
        home = user.home_tenant_id or tenant.tenant_id
        out["client_info"] = b64url_json({"uid": user.object_id, "utid": home}).rstrip("=")
    return out


def new_refresh_token(server, client_id: str, user: User) -> str:
    tenant = server.tenant
    value = "fake-rt." + secrets.token_urlsafe(48)
    now = time.time()
    with tenant.lock:
        tenant.refresh_tokens[value] = TokenRecord(value, "refresh", client_id, user.key, "", "", [], [], now,
                                                   now + REFRESH_LIFETIME)
    return value
