# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn server_info and connectivity_test results into the readiness report.

Documentation: readiness.yml, fleet_readiness.yml and readiness_lines.yml beside this file.
"""

from __future__ import annotations

from ..plugin_utils._lazy import lazy


class FilterModule:
    def filters(self):
        return {name: lazy("._readiness", name) for name in ("fleet_readiness", "readiness", "readiness_lines")}
