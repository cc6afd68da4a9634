# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test entra.app_proxy.connector_version (docs in the .yml sidecar)."""

from __future__ import annotations

from ..plugin_utils._connector_plan import is_version


class TestModule:
    def tests(self):
        return {"connector_version": is_version}
