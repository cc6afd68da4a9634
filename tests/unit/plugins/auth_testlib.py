# -*- coding: utf-8 -*-
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the auth unit tests (module_utils/test__auth.py, plugin_utils/test__sign_in.py): sample identities,
settings resolved the way an action plugin resolves them, and a display that records."""

from __future__ import annotations

import base64
import json
import os
from unittest import mock

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.entra.app_proxy.plugins.module_utils._auth import (
    AUTH_ARGSPEC,
    EntraAuthError,
    resolve_settings,
)

TENANT = "11111111-2222-3333-4444-555555555555"
ADMIN, ADMIN_PW = "admin@contoso.example.com", "Pa55-admin-secret"
APP_ID, APP_SECRET = "9f0e7a4c-1d2b-4c3d-8e9f-a0b1c2d3e4f5", "client-secret-value-123"


class Display:
    """Records what would be shown to the user."""

    def __init__(self):
        self.messages = []

    def display(self, msg, screen_only=False):
        assert screen_only, "sign-in prompts must stay out of log_path"
        self.messages.append(msg)

    def vvv(self, msg):
        self.messages.append(msg)

    def warning(self, msg):
        self.messages.append(msg)


def settle(options, environ=None):
    """Settings as an action plugin gets them: the argument spec (with its ENTRA_* fallbacks), then resolve_settings."""
    with mock.patch.dict(os.environ, environ or {}, clear=True):
        validated = ArgumentSpecValidator(AUTH_ARGSPEC).validate(options)
    if validated.error_messages:
        raise EntraAuthError("; ".join(validated.error_messages))
    return resolve_settings(validated.validated_parameters)


def make_settings(idp=None, environ=None, **options):
    options.setdefault("tenant_id", TENANT)
    options.setdefault("token_cache", False)
    if idp is not None:
        options.setdefault("authority_host", idp.base)
    return settle(options, environ)


def assert_no_secret(text, *extra):
    for secret in (ADMIN_PW, "Pa55-mfa-secret", APP_SECRET, "wrong-password-Zq9", "wrong-secret-Zq9",
                   "cert-pass-Zq9") + extra:
        assert secret not in text


def jwt_with(claims):
    def enc(d):
        return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

    return "%s.%s.sig" % (enc({"alg": "RS256", "typ": "JWT"}), enc(claims))
