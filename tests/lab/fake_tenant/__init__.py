"""fake_tenant: a test double of Microsoft Entra ID, Microsoft Graph (beta application
proxy endpoints) and the connector registration service, served over real HTTPS.

Test infrastructure only: never shipped with the collection, never the real thing.
See README.md in this folder for the endpoints, the admin API, faults and limits.

Start it from Python::

    from fake_tenant import start_tenant
    tenant = start_tenant(tmp_path)            # listens on 127.x.y.z:443
    session = tenant.session()                 # trusts only the fake's CA
    tenant.admin.seed(groups=[{"name": "West"}])
    tenant.stop()

or from a shell: ``PYTHONPATH=tests/lab python -m fake_tenant --state-dir DIR``.

Clients must trust the CA in ``ca_bundle`` explicitly. This machine sets
REQUESTS_CA_BUNDLE, which makes requests ignore ``Session.verify`` unless the session
has ``trust_env = False`` (MSAL: pass such a session as ``http_client``).
"""
from __future__ import annotations

from .client import AdminClient, AdminError, password_token
from .model import (APP_ADMIN_ROLE, AZURE_CLI_APP_ID, CONNECTOR_APP_ID, DEFAULT_REGISTRATION_SCOPE, Options)
from .server import FakeTenant, start_tenant

__all__ = ["APP_ADMIN_ROLE", "AZURE_CLI_APP_ID", "AdminClient", "AdminError", "CONNECTOR_APP_ID",
           "DEFAULT_REGISTRATION_SCOPE", "FakeTenant", "Options", "password_token", "start_tenant"]
