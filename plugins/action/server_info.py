# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import datetime
import typing as t

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase

from ..plugin_utils import _host_facts, _x509

MODULE_NAME = "entra.app_proxy.server_info"


def normalize_since(value: str | None) -> str | None:
    """events_since as the module reads it (UTC, to the second); ValueError names the fix."""
    if value in (None, ""):
        return None
    text = str(value).strip()
    try:
        moment = datetime.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text)
    except ValueError:
        raise ValueError("events_since %r is not an ISO 8601 date and time; give one such as 2026-01-31T08:00:00Z" % text)
    if moment.tzinfo is None:  # documented: without a zone it is UTC
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return _host_facts.iso(moment)


class ActionModule(ActionBase):
    """Runs the Windows module, which reads raw facts, and decodes them here (see _host_facts)."""

    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("ad_account", "events_since", "return_raw"))
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        try:
            since = normalize_since(self._task.args.get("events_since"))
        except ValueError as e:
            result.update(failed=True, msg=str(e))
            return result
        try:
            ad_account = boolean(self._task.args.get("ad_account", False), strict=True)
        except TypeError as e:
            result.update(failed=True, msg="ad_account must be true or false: %s" % e)
            return result
        try:
            return_raw = boolean(self._task.args.get("return_raw", True), strict=True)
        except TypeError as e:
            result.update(failed=True, msg="return_raw must be true or false: %s" % e)
            return result
        # The registry reads have their one home beside the decoders of their slots; the module reads what it is given.
        args: dict[str, t.Any] = _host_facts.registry_reads()
        if since:
            args["events_since"] = since
        if ad_account:
            args["ad_account"] = True
        module = self._execute_module(module_name=MODULE_NAME, module_args=args, task_vars=task_vars)
        if module.get("failed") or "raw" not in module:
            result.update(module)
            return result
        raw = module["raw"]
        try:
            result.update(_host_facts.decode(raw, datetime.datetime.now(datetime.timezone.utc)))
        except _x509.MissingCryptography as e:
            result.update(failed=True, msg=str(e))
            return result
        result.update(changed=False, events_since=since or "")
        if return_raw:
            result["raw"] = raw
        for key in ("warnings", "deprecations"):
            if module.get(key):
                result[key] = module[key]
        return result
