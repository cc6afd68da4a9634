# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The attributes and notes every Graph module shares: they run on the controller through an action plugin
that signs in there (plugins/plugin_utils/_graph_action.py). The flow attributes of signing in come with
the graph_auth fragment, with the attributes' descriptions; check_mode and diff_mode with READ_ONLY or WRITES below."""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
attributes:
  action:
    details: The action plugin signs in on the controller and hands the module a token.
  action_group:
    description: The C(module_defaults) groups the module belongs to.
    support: N/A
    membership:
      - entra.app_proxy.graph
  platform:
    platforms: posix
    details: Runs on the Ansible controller.
notes:
  - Runs on the controller; use it on C(localhost) or with C(delegate_to=localhost).
  - Calls the Microsoft Graph beta C(onPremisesPublishingProfiles/applicationProxy) API for connectors and
    connector groups; Microsoft documents it as delegated-only, so sign in as a user (see O(auth_method)).
"""

    # The _info modules: they only read, so check mode runs them unchanged and there is nothing to diff.
    READ_ONLY = r"""
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
"""

    # The modules that change the tenant: check mode reads it and predicts, the diff shows the change.
    WRITES = r"""
attributes:
  check_mode:
    support: full
    details: The tenant is read, never written.
  diff_mode:
    support: full
"""
