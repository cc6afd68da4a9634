# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn a server_info read and a role's settings into the role's plan.

Documentation: connector_plan.yml, firewall_plan.yml and proxy_plan.yml beside this file.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ..plugin_utils._lazy import lazy


def _plan(name, module):
    """The filter ``name``, imported on first call (plugin_utils/_lazy.py); a bad setting is a filter error."""
    build = lazy(module, name)

    def plan(*args, **kwargs):
        try:
            return build(*args, **kwargs)
        except ValueError as e:
            raise AnsibleFilterError("%s: %s" % (name, e))
    return plan


class FilterModule:
    def filters(self):
        return {
            "connector_plan": _plan("connector_plan", "._connector_plan"),
            "firewall_plan": _plan("firewall_plan", "._firewall"),
            "proxy_plan": _plan("proxy_plan", "._proxy_plan"),
        }
