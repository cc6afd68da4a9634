# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters entra.app_proxy.proxy_url_problem and entra.app_proxy.proxy_bypass_problem (docs in the .yml sidecars)."""

from __future__ import annotations

from ..plugin_utils._lazy import lazy

_url_problem = lazy("._proxy_url", "proxy_url_problem")
_bypass_problem = lazy("._proxy_url", "proxy_bypass_problem")


class FilterModule:
    def filters(self):
        return {"proxy_url_problem": lambda value: _url_problem(value) or "",
                "proxy_bypass_problem": lambda value: _bypass_problem(value) or ""}
