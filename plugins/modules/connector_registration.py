#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# Documentation only: the action plugin of the same name does the work (see plugins/plugin_utils/_registration.py).

DOCUMENTATION = r"""
module: connector_registration
short_description: Register a Microsoft Entra private network connector with the tenant
description:
  - Registers the connector installed on a Windows Server with a Microsoft Entra tenant by running Microsoft's
    C(RegisterConnector.ps1) in token mode.
  - The registration token is a delegated token of an account with the Application Administrator role. This
    action gets it on the controller with the authentication options below and hands it to the Windows host
    in memory only. The token is never on a command line, never written to the host's disk, never logged and
    never returned.
  - Whether to register is read from O(server_info), the result of M(entra.app_proxy.server_info) for the host.
    That module is the one place that decides the trust state (registered, expired, missing, not registered);
    this action registers unless it says V(registered), or when O(force=true). Nothing is signed in to and
    nothing runs on the host when no registration is due.
  - C(RegisterConnector.ps1) runs through M(ansible.windows.win_powershell) in a Windows PowerShell 5.1 process
    of its own (C(powershell.exe -NoProfile -ExecutionPolicy Bypass)), not inside Ansible's module runspace.
    There it inherits none of the runspace's settings (C($ErrorActionPreference=Stop), redirected host output,
    the connection's execution policy), TLS 1.2 is added to C([Net.ServicePointManager]::SecurityProtocol)
    (Windows PowerShell 5.1 offers it only where C(SchUseStrongCrypto) is set, and Entra accepts nothing older),
    and its output, error, warning, verbose, debug and information streams and its exit status come back
    separately. The token reaches it as a C(SecureString) parameter through the process's named pipe.
  - Success is read on the controller from the script's error records, C($?) and exit code. Re-read
    M(entra.app_proxy.server_info) afterwards to see the new trust state.
  - Works with both product layouts, the AAD App Proxy Connector up to 1.5.3437 and the Microsoft Entra private
    network connector from 1.5.3829 on. The paths of C(RegisterConnector.ps1) and its PowerShell module come from
    O(server_info); when the script is missing the task fails naming every path that was tried.
  - In check mode no token is requested and nothing runs on the host.
version_added: 0.1.0
options:
  force:
    description:
      - Register even when O(server_info) shows the connector registered.
      - Use it when the tenant no longer lists the connector (it drops inactive connectors after 10 days).
    type: bool
    default: false
  proxy:
    description:
      - The outbound proxy the registration's HTTPS calls go through, for example V(http://proxy.contoso.com:8080).
      - Set it on a host that reaches the internet only through a proxy. It is set as the .NET default proxy of
        the registration's own process, so it applies whichever account runs the task. Under C(become) as
        SYSTEM, .NET would otherwise use SYSTEM's Internet Options proxy, not the one of the connecting admin.
      - Credentials in the URL are not supported.
    type: str
  server_info:
    description:
      - The registered result of M(entra.app_proxy.server_info) for this host, read before this task (and after
        any install in the same play).
      - Its C(registration) facts say whether a registration is due; its C(connector) facts give the layout, the
        path of C(RegisterConnector.ps1), the paths that were searched for it, and the PowerShell module's path
        and name.
    type: dict
    required: true
extends_documentation_fragment: [entra.app_proxy.graph_auth]
seealso:
  - module: entra.app_proxy.server_info
  - module: entra.app_proxy.connector_info
  - module: entra.app_proxy.connector_group_member
  - module: ansible.windows.win_powershell
  - name: Create an unattended installation script for the private network connector
    description: Microsoft's silent install and token registration.
    link: https://learn.microsoft.com/entra/global-secure-access/how-to-register-connector-powershell
attributes:
  become:
    description: Is usable alongside become keywords.
    support: full
    details:
      - Recommended, as SYSTEM (C(become_method=ansible.builtin.runas), C(become_user=SYSTEM)). A WinRM network
        logon has no loaded profile and no usable DPAPI keys, and the registration creates a key pair and a
        certificate. SYSTEM's proxy is not the admin's, so set O(proxy) on a proxy-only host.
  check_mode:
    support: full
    details:
      - Reports whether a registration would happen and why (RV(reason)), without getting a token or touching the
        host.
  diff_mode:
    support: full
  platform:
    platforms:
      - windows
notes:
  - The tenant lists a new connector as active a few seconds after registration. The C(entra.app_proxy.connector)
    role waits for it with M(entra.app_proxy.connector_info).
  - The account must be a member of the tenant. Guests and Microsoft accounts cannot register a connector, the
    registration is always made in the account's home tenant.
  - C(RegisterConnector.ps1) wants the tenant GUID; the action takes it from the token's C(tid) claim, so
    O(tenant_id) may be a verified domain.
  - Requires ansible.windows 2.4.0 or later on the controller (C(sensitive_parameters) of
    M(ansible.windows.win_powershell)).
"""

EXAMPLES = r"""
- name: Read the host's connector facts
  entra.app_proxy.server_info:
  register: server

- name: Register the connector, signing in with a device code shown on the controller
  entra.app_proxy.connector_registration:
    tenant_id: contoso.onmicrosoft.com
    server_info: "{{ server }}"
  become: true
  become_method: ansible.builtin.runas
  become_user: SYSTEM

- name: Register through a proxy, with a token taken from a vault
  entra.app_proxy.connector_registration:
    auth_method: access_token
    access_token: "{{ vault_registration_token }}"
    server_info: "{{ server }}"
    proxy: http://proxy.contoso.com:8080
  become: true
  become_method: ansible.builtin.runas
  become_user: SYSTEM

- name: Register again, because the tenant dropped the connector
  entra.app_proxy.connector_registration:
    tenant_id: contoso.onmicrosoft.com
    server_info: "{{ server }}"
    force: true
"""

RETURN = r"""
registered:
  description:
    - Whether the connector is registered after the task, as far as the task knows. V(true) after a registration
      whose script reported success; otherwise what O(server_info) said.
  returned: success
  type: bool
  sample: true
reason:
  description:
    - Why a registration happened or would happen, the C(registration.state) of O(server_info)
      (V(expired), V(missing), V(not_registered)), V(forced), or V(not_installed) (check mode only). Null when
      nothing was due.
  returned: always
  type: str
  sample: not_registered
layout:
  description:
    - The product layout, V(new) (Microsoft Entra private network connector) or V(old) (AAD App Proxy Connector).
  returned: always
  type: str
  sample: new
script_path:
  description:
    - The C(RegisterConnector.ps1) used, or that would be used.
  returned: always
  type: str
  sample: C:\Program Files\Microsoft Entra private network connector\RegisterConnector.ps1
exit_code:
  description:
    - The exit code C(RegisterConnector.ps1) left in C($LASTEXITCODE), 0 when it set none.
  returned: when the registration script ran
  type: int
  sample: 0
host_out:
  description: What the script wrote to the host (C(Write-Host)) and the console.
  returned: when the registration script ran
  type: str
  sample: Connector registration completed successfully.
host_err:
  description: What the script wrote to the console's error output.
  returned: when the registration script ran
  type: str
  sample: ''
output:
  description: The objects the script wrote to its output stream, as M(ansible.windows.win_powershell) returns them.
  returned: when the registration script ran
  type: list
  elements: raw
  sample: []
error:
  description: The script's error records, as M(ansible.windows.win_powershell) returns them.
  returned: when the registration script ran
  type: list
  elements: dict
  sample: []
warning:
  description: The script's warning messages.
  returned: when the registration script ran
  type: list
  elements: str
  sample: []
verbose:
  description: The script's verbose messages.
  returned: when the registration script ran
  type: list
  elements: str
  sample: []
debug:
  description: The script's debug messages.
  returned: when the registration script ran
  type: list
  elements: str
  sample: []
information:
  description: The script's information records, as M(ansible.windows.win_powershell) returns them.
  returned: when the registration script ran
  type: list
  elements: dict
  sample: []
"""
