# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests entra.app_proxy.proxy_url and entra.app_proxy.proxy_bypass (docs in the .yml sidecars)."""

from __future__ import annotations

from ..plugin_utils._proxy_url import proxy_bypass_problem, proxy_url_problem


def proxy_url(value) -> bool:
    return proxy_url_problem(value) is None


def proxy_bypass(value) -> bool:
    return proxy_bypass_problem(value) is None


class TestModule:
    def tests(self):
        return {"proxy_url": proxy_url, "proxy_bypass": proxy_bypass}
