# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible.module_utils.common.validation import check_type_int, check_type_list
from ansible.plugins.action import ActionBase

from ..plugin_utils import _connectivity

MODULE_NAME = "entra.app_proxy.connectivity_test"


class ActionModule(ActionBase):
    """Runs the Windows module, which only measures, and decides here (see _connectivity)."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("endpoints", "proxy", "timeout", "trusted_issuers"))
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        proxy = args.get("proxy") or None
        try:
            timeout = check_type_int(args.get("timeout", 5))
            trusted = check_type_list(args.get("trusted_issuers", list(_connectivity.DEFAULT_TRUSTED_ISSUERS)))
        except TypeError:
            timeout, trusted = None, None
        problem = _connectivity.args_problem(proxy, timeout, trusted)
        if problem:
            result.update(failed=True, msg=problem)
            return result
        module_args = {k: v for k, v in (("endpoints", args.get("endpoints")), ("proxy", proxy), ("timeout", timeout))
                       if v is not None}
        module = self._execute_module(module_name=MODULE_NAME, module_args=module_args, task_vars=task_vars)
        if module.get("failed") or "raw" not in module:
            result.update(module)
            return result
        decided, warnings = _connectivity.decide(module["raw"], proxy, timeout, trusted)
        result.update(decided, changed=False, raw=module["raw"])
        warnings = list(module.get("warnings") or []) + warnings
        if warnings:
            result["warnings"] = warnings
        if module.get("deprecations"):
            result["deprecations"] = module["deprecations"]
        return result
