# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The recorded hosts of tests/unit/fixtures/hosts (see its README): each file as recorded, its raw
server_info facts, and those facts decoded as the server_info action does, at one fixed time."""

from __future__ import annotations

import datetime
import json
import pathlib

from ansible_collections.entra.app_proxy.plugins.plugin_utils import _host_facts

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "fixtures" / "hosts"
NOW = datetime.datetime(2026, 11, 27, 12, 0, 0, tzinfo=datetime.timezone.utc)


def recorded(name):
    return json.loads((FIXTURES / (name + ".json")).read_text())


def raw(name):
    return recorded(name)["raw"]


def decoded(name, now=NOW):
    return _host_facts.decode(raw(name), now)
