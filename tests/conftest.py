# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's pytest fixtures, for every lab test (tests/lab/tests, tests/integration/lab, tests/integration/tenant).

Each fixture gives its test a private lab: its own state directory under pytest's tmp dir, so its own fake
tenant address, and so files on different pytest-xdist workers (make test: -n 2 --dist loadfile) never meet.
The harness itself is tests/lab/labkit.py.
"""
from __future__ import annotations

import os
import socket
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lab"))


def _port_443_usable() -> bool:
    """The password flow needs the fake tenant on port 443 (MSAL asks /common/userrealm there)."""
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", 443))
        except PermissionError:
            return False
        except OSError:  # taken: bindable by this user all the same
            return True
    return True


@pytest.fixture(scope="module")
def lab_factory(tmp_path_factory):
    """start(**tenant_options) -> a labkit.TenantLab (a fake tenant in this process); all stopped at teardown."""
    import labkit

    if not _port_443_usable():
        pytest.fail("the fake tenant's password flow needs port 443, which Linux keeps for root: run the tests "
                    "through tools/test.sh (it gives them a private network namespace), or as root")
    started = []
    yield lambda **options: _keep(started, labkit.TenantLab(tmp_path_factory.mktemp("tenant-lab"), **options))
    for lab in started:
        lab.stop()


@pytest.fixture(scope="module")
def tenant_lab(lab_factory, request):
    """The test module's fake tenant, started with the module's TENANT_OPTIONS (fake_tenant.model.Options)."""
    return lab_factory(**getattr(request.module, "TENANT_OPTIONS", {}))


@pytest.fixture
def clean_tenant(tenant_lab):
    """tenant_lab for one test: the directory back to the default group and the counts at zero (tokens stay, so
    the token cache keeps runs silent); faults the test added are cleared after it."""
    tenant_lab.admin.reset()
    tenant_lab.admin.reset_counts()
    yield tenant_lab
    tenant_lab.admin.clear_faults()


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory):
    """make_lab(*hosts) -> a labkit.Lab with its own state dir, reset (every host, or the ones named); its fake
    tenant, if one was started, is stopped at teardown."""
    import labkit

    made = []
    yield lambda *hosts: _keep(made, labkit.Lab(tmp_path_factory.mktemp("lab") / "state"), hosts)
    for lab in made:
        lab.tenant_stop()


@pytest.fixture(scope="module")
def module_lab(make_lab, request):
    """The test module's lab: the hosts of the module's LAB_HOSTS (every host without it), reset once."""
    return make_lab(*getattr(request.module, "LAB_HOSTS", ()))


@pytest.fixture
def simlab(make_lab):
    """A fresh private lab for one test (every host reset)."""
    return make_lab()


def _keep(kept, lab, reset_hosts=None):
    if reset_hosts is not None:
        lab.reset(*reset_hosts)
    kept.append(lab)
    return lab
