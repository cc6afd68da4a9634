# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the tenant's connectors, as entra.app_proxy.connector_info returns them.

Documentation: connector_index.yml, find_connector.yml, verify_host.yml and verify_groups.yml beside this file.
The matching rule is the one the Graph modules use (module_utils/_connector_match.py).
"""

from __future__ import annotations

from ..plugin_utils._lazy import lazy

_index_by_machine_name = lazy("..module_utils._connector_match", "index_by_machine_name")
_connector_for_host = lazy("..module_utils._connector_match", "connector_for_host")
verify_groups = lazy("._verify", "verify_groups")
verify_host = lazy("._verify", "verify_host")


def connector_index(connectors):
    return _index_by_machine_name(connectors or [], key="machine_name")


def find_connector(connectors, fqdn, host_name=None):
    return _connector_for_host(connectors or [], fqdn, host_name, key="machine_name") or {}


class FilterModule:
    def filters(self):
        return {
            "connector_index": connector_index,
            "find_connector": find_connector,
            "verify_groups": verify_groups,
            "verify_host": verify_host,
        }
