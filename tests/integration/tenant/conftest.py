"""Lab integration tests of the Graph modules: real ansible-playbook against the fake tenant.

Run with the toolchain in LAB_TOOLCHAIN (newest by default):

    .venv/newest/bin/python -m pytest tests/integration/tenant
    LAB_TOOLCHAIN=oldest .venv/newest/bin/python -m pytest tests/integration/tenant
"""
from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from lab import Lab  # noqa: E402


@pytest.fixture(scope="module")
def lab_factory(tmp_path_factory):
    started = []

    def start(**tenant_options):
        lab = Lab(tmp_path_factory.mktemp("lab"), **tenant_options)
        started.append(lab)
        return lab

    yield start
    for lab in started:
        lab.stop()
