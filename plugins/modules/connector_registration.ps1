#!powershell

# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        # The authentication options are consumed by the action plugin on the controller. Only access_token
        # reaches the host: the action plugin puts the registration token it got there.
        access_token = @{
            no_log = $true
            type = 'str'
        }
        auth_method = @{
            choices = 'access_token', 'certificate', 'client_secret', 'device_code', 'password'
            default = 'device_code'
            type = 'str'
        }
        authority_host = @{
            type = 'str'
        }
        ca_bundle = @{
            type = 'path'
        }
        certificate_password = @{
            no_log = $true
            type = 'str'
        }
        certificate_path = @{
            type = 'path'
        }
        client_id = @{
            type = 'str'
        }
        client_secret = @{
            no_log = $true
            type = 'str'
        }
        cloud = @{
            choices = 'global', 'usgov'
            default = 'global'
            type = 'str'
        }
        device_code_timeout = @{
            default = 900
            type = 'int'
        }
        force = @{
            default = $false
            type = 'bool'
        }
        graph_endpoint = @{
            type = 'str'
        }
        install_path = @{
            type = 'path'
        }
        password = @{
            no_log = $true
            type = 'str'
        }
        registration_scope = @{
            type = 'str'
        }
        tenant_id = @{
            type = 'str'
        }
        timeout = @{
            default = 30
            type = 'int'
        }
        token_cache = @{
            default = $true
            type = 'bool'
        }
        token_cache_path = @{
            default = '~/.ansible/entra_app_proxy/msal_token_cache.json'
            type = 'path'
        }
        username = @{
            type = 'str'
        }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$force = $module.Params.force
$install_path = $module.Params.install_path
$tenant_id = $module.Params.tenant_id
$token = $module.Params.access_token

$module.Result.changed = $false
$module.Result.layout = $null
$module.Result.reason = $null
$module.Result.registered = $false
$module.Result.script_path = $null
$module.Result.certificate_expires = $null
$module.Result.thumbprint = $null
$module.Result.previous_thumbprint = $null

# Both product layouts: the 2024 rename (1.5.3829.0) changed every folder and module name.
$programFiles = $env:ProgramFiles
$programData = $env:ProgramData
$layouts = @(
    @{
        name = 'new'
        folder = Join-Path $programFiles 'Microsoft Entra private network connector'
        module_name = 'MicrosoftEntraPrivateNetworkConnectorPSModule'
        data = Join-Path $programData 'Microsoft\Microsoft Entra private network connector'
    },
    @{
        name = 'old'
        folder = Join-Path $programFiles 'Microsoft AAD App Proxy Connector'
        module_name = 'AppProxyPSModule'
        data = Join-Path $programData 'Microsoft\Microsoft AAD Application Proxy Connector'
    }
)

if ($install_path) {
    $layouts[0].folder = $install_path
    $layouts[1].folder = $install_path
}

$tried = [System.Collections.Generic.List[string]]@()
$found = $null
foreach ($layout in $layouts) {
    $candidate = Join-Path $layout.folder 'RegisterConnector.ps1'
    if (-not $tried.Contains($candidate)) {
        $tried.Add($candidate)
    }
    $moduleDir = Join-Path $layout.folder ("Modules\{0}" -f $layout.module_name)
    if ((Test-Path -LiteralPath $candidate) -and (Test-Path -LiteralPath $moduleDir)) {
        $found = $layout
        break
    }
}
if (($null -eq $found) -and $module.CheckMode) {
    # In check mode an install earlier in the play happened only virtually, so registration would follow it.
    $module.Result.changed = $true
    $module.Result.reason = 'not_installed'
    $module.ExitJson()
}
if ($null -eq $found) {
    $list = $tried -join "', '"
    $module.FailJson("Failed to find RegisterConnector.ps1 with its PowerShell module; tried '$list'. Install the connector first or set install_path.")
}
$scriptPath = Join-Path $found.folder 'RegisterConnector.ps1'
$trustPath = Join-Path $found.data 'Config\TrustSettings.xml'
$module.Result.layout = $found.name
$module.Result.script_path = $scriptPath

Function Get-TrustState {
    param([string]$Path)

    $state = @{ thumbprint = $null; expires = $null; valid = $false; reason = 'trust_missing' }
    if (-not (Test-Path -LiteralPath $Path)) {
        return $state
    }
    [xml]$trust = Get-Content -LiteralPath $Path -Raw
    $thumbprint = [string]$trust.ConnectorTrustSettingsFile.CloudProxyTrust.Thumbprint
    $inUserStore = [string]$trust.ConnectorTrustSettingsFile.CloudProxyTrust.IsInUserStore
    if (-not $thumbprint) {
        return $state
    }
    $state.thumbprint = $thumbprint.Trim()
    # A renewed certificate lives in the Network Service user store (IsInUserStore=true).
    $storePath = 'Cert:\LocalMachine\My\{0}' -f $state.thumbprint
    if ($inUserStore -eq 'true') {
        $userKey = 'Registry::HKEY_USERS\S-1-5-20\Software\Microsoft\SystemCertificates\My\Certificates\{0}' -f $state.thumbprint
        if (Test-Path -LiteralPath $userKey) {
            $state.valid = $true
            $state.reason = $null
        }
        else {
            $state.reason = 'certificate_missing'
        }
        return $state
    }
    $cert = Get-Item -LiteralPath $storePath -ErrorAction SilentlyContinue
    if ($null -eq $cert) {
        $state.reason = 'certificate_missing'
        return $state
    }
    $state.expires = $cert.NotAfter.ToUniversalTime().ToString('o')
    if ($cert.NotAfter -le (Get-Date)) {
        $state.reason = 'certificate_expired'
        return $state
    }
    $state.valid = $true
    $state.reason = $null
    return $state
}

try {
    $before = Get-TrustState -Path $trustPath
}
catch {
    $module.FailJson("Failed to read the connector trust settings '$trustPath': $($_.Exception.Message)", $_)
}
$module.Result.previous_thumbprint = $before.thumbprint
$module.Result.thumbprint = $before.thumbprint
$module.Result.certificate_expires = $before.expires
$module.Diff.before = @{ registered = $before.valid; thumbprint = $before.thumbprint }

if ($before.valid -and -not $force) {
    $module.Result.registered = $true
    $module.Diff.after = $module.Diff.before
    $module.ExitJson()
}

$module.Result.reason = $before.reason
if ($force) {
    $module.Result.reason = 'forced'
}
$module.Result.changed = $true
$module.Diff.after = @{ registered = $true; thumbprint = '(issued at registration)' }
if ($module.CheckMode) {
    $module.ExitJson()
}

if (-not $tenant_id) {
    $module.FailJson("Failed to register the connector: tenant_id is required")
}
if (-not $token) {
    $module.FailJson("Failed to register the connector: no registration token was supplied; run this module through its action plugin, which gets one on the controller")
}

# The token is wrapped in memory only; it is never written to disk or to the command line.
$secureToken = ConvertTo-SecureString -String $token -AsPlainText -Force
$registerParams = @{
    modulePath = Join-Path $found.folder 'Modules\'
    moduleName = $found.module_name
    Authenticationmode = 'Token'
    Token = $secureToken
    TenantId = $tenant_id
    Feature = 'ApplicationProxy'
}
$global:LASTEXITCODE = 0
try {
    $output = & $scriptPath @registerParams *>&1 | Out-String
}
catch {
    $module.Result.output = [string]$_.Exception.Message
    $module.FailJson("Failed to register the connector with '$scriptPath': $($_.Exception.Message)", $_)
}
$module.Result.output = $output.Trim()

$after = Get-TrustState -Path $trustPath
if ((-not $after.valid) -or ($LASTEXITCODE -ne 0)) {
    $module.FailJson("Failed to register the connector with '$scriptPath' (exit code $LASTEXITCODE, trust state '$($after.reason)'): $($module.Result.output)")
}
$module.Result.registered = $true
$module.Result.thumbprint = $after.thumbprint
$module.Result.certificate_expires = $after.expires
$module.Diff.after = @{ registered = $true; thumbprint = $after.thumbprint }
$module.ExitJson()
