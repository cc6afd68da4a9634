# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that turn a server_info read and a role's settings into the role's plan.

Documentation: firewall_plan.yml and proxy_plan.yml beside this file.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ..plugin_utils._lazy import lazy

_firewall_plan = lazy("._firewall", "firewall_plan")
_proxy_plan = lazy("._proxy_plan", "proxy_plan")


def firewall_plan(server_info, **settings):
    try:
        return _firewall_plan(server_info, **settings)
    except ValueError as e:
        raise AnsibleFilterError("firewall_plan: %s" % e)


def proxy_plan(server_info, **settings):
    try:
        return _proxy_plan(server_info, **settings)
    except ValueError as e:
        raise AnsibleFilterError("proxy_plan: %s" % e)


class FilterModule:
    def filters(self):
        return {"firewall_plan": firewall_plan, "proxy_plan": proxy_plan}
