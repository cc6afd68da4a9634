# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

# The argument spec of these options is AUTH_ARGSPEC in plugins/module_utils/_auth.py; change both together.
# Every task that takes them signs in on the controller, in its action plugin: hence the attributes below, whose
# descriptions every module of this collection that signs in shares (so none names ansible-core's attribute fragments).
# Those modules share their author too. The secret options share one sentence, the YAML anchor never_logged.


class ModuleDocFragment:
    DOCUMENTATION = r"""
author:
  - entra.app_proxy maintainers (@entra-app-proxy)
options:
  access_token:
    description:
      - An access token obtained elsewhere, for example from a vault or a CI secret, used when
        O(auth_method=access_token).
      - Give the token alone, without C(Bearer). A token that is already expired is refused before any change.
      - It must be issued for the resource being called (Microsoft Graph, or the connector registration scope).
      - If not set, the environment variable E(ENTRA_ACCESS_TOKEN) is used.
      - &never_logged This value is never logged.
    type: str
  auth_method:
    description:
      - How to sign in to Microsoft Entra ID.
      - V(device_code) shows a URL and a code; you sign in in your own browser, so multi-factor
        authentication works and nothing interactive is needed on the Windows host. The prompt is shown
        once per run, and later runs are silent while the token cache holds a valid refresh token.
      - V(password) signs in with O(username) and O(password). It fails for accounts that need
        multi-factor authentication.
      - V(access_token) uses O(access_token) as given.
      - V(client_secret) and V(certificate) sign in as an app (app-only). Microsoft documents the
        connector Graph APIs as delegated-only, so they work for Graph only where the tenant allows it,
        and they cannot register a connector.
      - If not set, the environment variable E(ENTRA_AUTH_METHOD) is used.
    type: str
    choices: [access_token, certificate, client_secret, device_code, password]
    default: device_code
  authority_host:
    description:
      - The https URL of the Microsoft identity platform, without the tenant.
      - Defaults to the O(cloud) preset, V(https://login.microsoftonline.com) or V(https://login.microsoftonline.us).
      - If not set, the environment variable E(ENTRA_AUTHORITY_HOST) is used.
    type: str
  ca_bundle:
    description:
      - A PEM file of CA certificates to trust for O(authority_host) and O(graph_endpoint), for example
        the root of a TLS-inspecting proxy.
      - When set it is used even if E(REQUESTS_CA_BUNDLE) or E(CURL_CA_BUNDLE) is set.
      - If not set, the environment variable E(ENTRA_CA_BUNDLE) is used, then the system defaults.
    type: path
  certificate_password:
    description:
      - The password of the private key in O(certificate_path), when it is encrypted.
      - If not set, the environment variable E(ENTRA_CERTIFICATE_PASSWORD) is used.
      - *never_logged
    type: str
  certificate_path:
    description:
      - A PEM file holding the app's certificate and its RSA private key, for O(auth_method=certificate).
      - Upload the certificate (public part) to the app registration.
      - If not set, the environment variable E(ENTRA_CERTIFICATE_PATH) is used.
    type: path
  client_id:
    description:
      - The application (client) ID that signs in.
      - By default both Microsoft Graph and connector registration use the Azure CLI's first-party public
        client V(04b07795-8ddb-461a-bbee-02f9e1bf7b46), which allows the device-code flow, so one sign-in
        (one device-code prompt per run) serves both.
      - Microsoft's interactive registration samples use the connector's own client
        V(55747057-9b5d-4bd4-b387-abf52a8bd489); set it here to use that client instead (it may not get
        Graph tokens, and its support for the device-code flow is not documented).
      - Required for O(auth_method=client_secret) and O(auth_method=certificate).
      - If not set, the environment variable E(ENTRA_CLIENT_ID) is used.
    type: str
  client_secret:
    description:
      - The app registration's client secret, for O(auth_method=client_secret).
      - If not set, the environment variable E(ENTRA_CLIENT_SECRET) is used.
      - *never_logged
    type: str
  cloud:
    description:
      - The Microsoft cloud. It sets the defaults of O(authority_host), O(graph_endpoint) and
        O(registration_scope).
      - Microsoft documents no registration scope for V(usgov), so set O(registration_scope) to register
        connectors there.
      - If not set, the environment variable E(ENTRA_CLOUD) is used.
    type: str
    choices: [global, usgov]
    default: global
  device_code_timeout:
    description:
      - The longest time, in seconds, to wait for the device-code sign-in to be completed in the browser.
      - Microsoft's device codes expire after 15 minutes whatever this is set to.
      - If not set, the environment variable E(ENTRA_DEVICE_CODE_TIMEOUT) is used.
    type: int
    default: 900
  graph_endpoint:
    description:
      - The https URL of Microsoft Graph.
      - Defaults to the O(cloud) preset, V(https://graph.microsoft.com) or V(https://graph.microsoft.us).
      - If not set, the environment variable E(ENTRA_GRAPH_ENDPOINT) is used.
    type: str
  password:
    description:
      - The password of O(username), for O(auth_method=password).
      - If not set, the environment variable E(ENTRA_PASSWORD) is used.
      - *never_logged
    type: str
  registration_scope:
    description:
      - The OAuth scope of the connector registration service.
      - Defaults to V(https://proxy.cloudwebappproxy.net/registerapp/user_impersonation) for
        O(cloud=global); there is no default for O(cloud=usgov).
      - If not set, the environment variable E(ENTRA_REGISTRATION_SCOPE) is used.
    type: str
  tenant_id:
    description:
      - The directory (tenant) ID, a GUID, or a verified domain of the tenant such as
        V(contoso.onmicrosoft.com).
      - Required for every O(auth_method) except V(access_token).
      - If not set, the environment variable E(ENTRA_TENANT_ID) is used.
    type: str
  timeout:
    description:
      - Seconds to wait for each reply from O(authority_host).
      - If not set, the environment variable E(ENTRA_TIMEOUT) is used.
    type: int
    default: 30
  token_cache:
    description:
      - Keep tokens in an MSAL token cache file on the controller, so later tasks and runs sign in silently
        and only one device-code prompt is shown per run.
      - Set to V(false) to write nothing to disk; every task that needs a token then signs in again.
      - If not set, the environment variable E(ENTRA_TOKEN_CACHE) is used.
    type: bool
    default: true
  token_cache_path:
    description:
      - The MSAL token cache file on the controller. It is written with mode C(0600), and a missing
        directory is made with mode C(0700). A lock file beside it (same name plus C(.lock)) lets parallel
        workers share one sign-in.
      - It holds refresh tokens; protect it like a password.
      - If not set, the environment variable E(ENTRA_TOKEN_CACHE_PATH) is used.
    type: path
    default: ~/.ansible/entra_app_proxy/msal_token_cache.json
  username:
    description:
      - The user principal name to sign in as, for O(auth_method=password).
      - With O(auth_method=device_code) it picks the cached account to use silently, and the browser sign-in
        must be done as this user.
      - If not set, the environment variable E(ENTRA_USERNAME) is used.
    type: str
attributes:
  action:
    description: Whether an action plugin on the controller handles the task, before or instead of a module.
    support: full
  async:
    description: Whether the task can run in the background with the C(async) keyword.
    support: none
  bypass_host_loop:
    description: Whether the task runs once for the whole play instead of once for each host.
    support: none
  check_mode:
    description: Whether the task honours check mode (C(--check)), and how.
  diff_mode:
    description: Whether the task shows what it changes with C(--diff).
  platform:
    description: The systems the task can act on.
    support: N/A
requirements:
  - msal (Python library, on the controller)
  - cryptography (Python library, on the controller; installed with msal)
notes:
  - Tokens are obtained on the controller and are never written to the Windows host, logged, or returned.
  - Registering a connector needs a user with the Application Administrator role. The connector Graph APIs
    need a delegated token of a user who may manage application proxy (for example Application
    Administrator) with the Graph permission C(Directory.ReadWrite.All).
"""
