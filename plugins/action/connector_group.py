# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin for entra.app_proxy.connector_group: signs in on the controller, then runs the module."""

from __future__ import annotations

from ..plugin_utils._graph_action import GraphActionBase


class ActionModule(GraphActionBase):
    MODULE = "connector_group"
