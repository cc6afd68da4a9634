"""pytest fixtures for the fake tenant.

Use from a test module (with tests/lab on sys.path)::

    pytest_plugins = ["fake_tenant.pytest_plugin"]

    def test_groups(fake_tenant, graph_token):
        session = fake_tenant.session()
        ...
"""
from __future__ import annotations

import pytest

from .client import password_token
from .server import start_tenant


@pytest.fixture
def fake_tenant_factory(tmp_path):
    """start(**options) -> a running tenant in its own state dir; all stopped at teardown."""
    started = []

    def start(**options):
        tenant = start_tenant(tmp_path / ("fake-tenant-%d" % len(started)), **options)
        started.append(tenant)
        return tenant

    yield start
    for tenant in started:
        tenant.stop()


@pytest.fixture(scope="session")
def fake_tenant_shared(tmp_path_factory):
    """One tenant with default options for the whole session (see fake_tenant)."""
    tenant = start_tenant(tmp_path_factory.mktemp("fake-tenant"))
    yield tenant
    tenant.stop()


@pytest.fixture
def fake_tenant(fake_tenant_shared):
    """The shared tenant, reset for this test: only the Default group, no tokens, no
    faults, no device codes, counts at zero. Users, passwords and the app stay the same."""
    fake_tenant_shared.admin.reset(tokens=True)
    return fake_tenant_shared


@pytest.fixture
def graph_token(fake_tenant):
    """A delegated Graph token of the Application Administrator."""
    return password_token(fake_tenant, "admin")
