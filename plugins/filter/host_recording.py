# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ..plugin_utils._lazy import lazy

_recording = lazy("._host_facts", "recording")


def host_recording(raw):
    if not isinstance(raw, dict) or "layouts" not in raw:
        raise AnsibleFilterError("host_recording expects the raw key of an entra.app_proxy.server_info result")
    return _recording(raw)


class FilterModule:
    def filters(self):
        return {"host_recording": host_recording}
