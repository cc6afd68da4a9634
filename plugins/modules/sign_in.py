#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: the action plugin of the same name does the work.

DOCUMENTATION = r"""
module: sign_in
short_description: Sign in to Microsoft Entra ID before a run changes anything
description:
  - Gets, on the controller, each token a run will need (Microsoft Graph, connector registration), so that a refused
    consent, a wrong client id, a guest account or a missing role fails the run before any host is touched, with
    the fix in the message.
  - The tokens go into the controller's token cache (options
    O(token_cache) and O(token_cache_path)), so the tasks that use them later sign in silently and the run shows at
    most one device-code prompt. With O(token_cache=false) nothing is kept and this task proves the sign-in only.
  - For the registration token, the claims Microsoft Entra puts in it are read where present (C(acct) and C(wids)).
    A guest account, or an account whose directory roles include neither Application Administrator nor Global
    Administrator, is refused here. When the token carries neither claim the registration service decides.
  - No token is returned, logged or written anywhere but the token cache (mode 0600).
  - Run it once per run, on the controller (C(run_once), C(delegate_to=localhost)). C(entra.app_proxy.site) does so
    in its first play.
version_added: 0.1.0
options:
  resources:
    description:
      - The tokens to get. V(registration) needs a delegated sign-in (not O(auth_method=client_secret) or
        O(auth_method=certificate)).
    type: list
    elements: str
    choices: [graph, registration]
    default: [graph]
extends_documentation_fragment: [entra.app_proxy.graph_auth]
seealso:
  - module: entra.app_proxy.connector_registration
  - module: entra.app_proxy.connector_info
attributes:
  check_mode:
    support: full
    details: Signs in as in a normal run; it changes nothing.
  diff_mode:
    support: none
  platform:
    platforms:
      - posix
"""

EXAMPLES = r"""
- name: Sign in for Graph and connector registration before any host changes
  entra.app_proxy.sign_in:
    tenant_id: contoso.onmicrosoft.com
    resources: [graph, registration]
  delegate_to: localhost
  run_once: true
"""

RETURN = r"""
signed_in:
  description: Per resource, who signed in; never the token.
  returned: success
  type: dict
  contains:
    graph:
      description: The Graph sign-in, when asked for.
      type: dict
      returned: when O(resources) holds V(graph)
      contains:
        account:
          description: The account's user principal name, null for app-only sign-in or an opaque token.
          type: str
        tenant_id:
          description: The tenant GUID the token was issued in.
          type: str
        expires_on:
          description: When the access token expires, in seconds since the epoch.
          type: int
    registration:
      description: The registration sign-in, with the keys of RV(signed_in.graph).
      type: dict
      returned: when O(resources) holds V(registration)
  sample:
    graph:
      account: admin@contoso.onmicrosoft.com
      tenant_id: 00000000-0000-0000-0000-000000000000
      expires_on: 1796810000
    registration:
      account: admin@contoso.onmicrosoft.com
      tenant_id: 00000000-0000-0000-0000-000000000000
      expires_on: 1796810000
"""
