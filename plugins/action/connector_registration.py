# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.entra.app_proxy.plugins.plugin_utils._registration import Registration

display = Display()


class ActionModule(ActionBase):
    """Gets the registration token on the controller, then runs the Windows module with it."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset()  # checked against the auth and module argument spec in Registration

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        try:
            result.update(Registration(self, display).run(task_vars or {}))
        except AnsibleActionFail as e:
            result.update(failed=True, msg=getattr(e, "message", None) or str(e))
        return result
