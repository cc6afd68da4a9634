#!powershell

# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        events_since = @{ type = 'str' }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$events_since = $module.Params.events_since
$module.Result.changed = $false

Function Get-RegistryValue {
    <# Returns a registry value, or $null when the key or the value is absent. #>
    [CmdletBinding()]
    param ([String]$Path, [String]$Name)
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $key) {
        return $null
    }
    return $key.GetValue($Name, $null)
}

Function Get-FileVersion {
    [CmdletBinding()]
    param ([String]$Path)
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
        return $null
    }
    return [System.Diagnostics.FileVersionInfo]::GetVersionInfo($Path).FileVersion
}

Function Get-ServiceState {
    <# Names states and start modes as ansible.windows.win_service does; CIM works on every supported PowerShell. #>
    [CmdletBinding()]
    param ([String]$Name)
    $info = @{ name = $Name; exists = $false; state = $null; start_mode = $null; display_name = $null }
    $service = Get-CimInstance -ClassName Win32_Service -Filter "Name='$Name'"
    if ($null -eq $service) {
        return $info
    }
    $info.exists = $true
    $info.display_name = $service.DisplayName
    $info.state = $service.State.ToLowerInvariant().Replace(' ', '_')
    $modes = @{ Auto = 'auto'; Manual = 'manual'; Disabled = 'disabled'; Boot = 'boot'; System = 'system' }
    $info.start_mode = $modes[$service.StartMode]
    # Win32_Service does not tell delayed start apart from automatic; the service key does.
    $delayed = Get-RegistryValue -Path "HKLM:\SYSTEM\CurrentControlSet\Services\$Name" -Name 'DelayedAutostart'
    if ($info.start_mode -eq 'auto' -and $delayed -eq 1) {
        $info.start_mode = 'delayed'
    }
    return $info
}

Function Get-DefaultProxyConfig {
    <# Reads system.net/defaultProxy of a connector or updater .exe.config. #>
    [CmdletBinding()]
    param ([String]$Path)
    $info = @{
        exists = $false; default_proxy_present = $false; enabled = $null
        proxy_address = $null; bypass_on_local = $null; use_system_default = $null
    }
    if (-not (Test-Path -LiteralPath $Path -PathType Leaf)) {
        return $info
    }
    $info.exists = $true
    [xml]$config = Get-Content -LiteralPath $Path -Raw
    $defaultProxy = $config.SelectSingleNode('/configuration/system.net/defaultProxy')
    if ($null -eq $defaultProxy) {
        return $info
    }
    $info.default_proxy_present = $true
    $enabled = $defaultProxy.GetAttribute('enabled')
    if ($enabled) {
        $info.enabled = $enabled -eq 'true'
    }
    $proxy = $defaultProxy.SelectSingleNode('proxy')
    if ($null -ne $proxy) {
        if ($proxy.GetAttribute('proxyaddress')) {
            $info.proxy_address = $proxy.GetAttribute('proxyaddress')
        }
        if ($proxy.GetAttribute('bypassonlocal')) {
            $info.bypass_on_local = $proxy.GetAttribute('bypassonlocal')
        }
        if ($proxy.GetAttribute('usesystemdefault')) {
            $info.use_system_default = $proxy.GetAttribute('usesystemdefault')
        }
    }
    return $info
}

Function Find-Certificate {
    <# Finds the connector trust certificate in LocalMachine\My, then in the Network Service user store. #>
    [CmdletBinding()]
    param ([String]$Thumbprint)
    $machine = Get-Item -LiteralPath "Cert:\LocalMachine\My\$Thumbprint" -ErrorAction SilentlyContinue
    if ($null -ne $machine) {
        return @{ store = 'LocalMachine\My'; certificate = $machine }
    }
    # After an automatic renewal the certificate lives in the Network Service user store, which another
    # account can only read from its registry hive or its roaming profile; both hold a serialized certificate.
    $userKey = "Registry::HKEY_USERS\S-1-5-20\Software\Microsoft\SystemCertificates\My\Certificates\$Thumbprint"
    $bytes = Get-RegistryValue -Path $userKey -Name 'Blob'
    $file = "$env:SystemRoot\ServiceProfiles\NetworkService\AppData\Roaming\Microsoft\SystemCertificates\My\Certificates\$Thumbprint"
    if ($null -eq $bytes -and (Test-Path -LiteralPath $file -PathType Leaf)) {
        $bytes = [System.IO.File]::ReadAllBytes($file)
    }
    if ($null -ne $bytes) {
        $certificate = New-Object -TypeName System.Security.Cryptography.X509Certificates.X509Certificate2 -ArgumentList @(, $bytes)
        return @{ store = 'NetworkService\My'; certificate = $certificate }
    }
    return $null
}

Function Get-WinHttpProxy {
    <# Decodes the WinHttpSettings blob that netsh winhttp writes. #>
    [CmdletBinding()]
    param ()
    $info = @{ proxy = $null; bypass = $null }
    $path = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections'
    $blob = Get-RegistryValue -Path $path -Name 'WinHttpSettings'
    if ($null -eq $blob -or $blob.Length -lt 20) {
        return $info
    }
    # Layout: version, counter, flags (2 = use the named proxy), proxy length, proxy, bypass length, bypass.
    $flags = [BitConverter]::ToInt32($blob, 8)
    $proxyLength = [BitConverter]::ToInt32($blob, 12)
    if (($flags -band 2) -eq 0 -or $proxyLength -le 0) {
        return $info
    }
    $info.proxy = [System.Text.Encoding]::ASCII.GetString($blob, 16, $proxyLength)
    $bypassOffset = 16 + $proxyLength
    $bypassLength = [BitConverter]::ToInt32($blob, $bypassOffset)
    if ($bypassLength -gt 0) {
        $info.bypass = [System.Text.Encoding]::ASCII.GetString($blob, $bypassOffset + 4, $bypassLength)
    }
    return $info
}

Function Get-InetProxy {
    <# Decodes the DefaultConnectionSettings blob behind the Internet Options LAN settings. #>
    [CmdletBinding()]
    param ()
    $info = @{ proxy = $null; bypass = $null; auto_detect = $false; auto_config_url = $null }
    # With the "Make proxy settings per-machine" policy WinINet keeps them under HKLM, else per user.
    $policy = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings'
    $hive = 'HKCU:'
    if ((Get-RegistryValue -Path $policy -Name 'ProxySettingsPerUser') -eq 0) {
        $hive = 'HKLM:'
    }
    $path = "$hive\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections"
    $blob = Get-RegistryValue -Path $path -Name 'DefaultConnectionSettings'
    if ($null -eq $blob -or $blob.Length -lt 24) {
        return $info
    }
    # Layout: version, counter, flags (2 = named proxy, 4 = setup script, 8 = detect automatically),
    # then proxy, bypass and setup script URL, each as a length and ASCII text.
    $flags = [BitConverter]::ToInt32($blob, 8)
    $info.auto_detect = ($flags -band 8) -ne 0
    $offset = 12
    $texts = @()
    foreach ($index in 1..3) {
        $length = [BitConverter]::ToInt32($blob, $offset)
        $texts += [System.Text.Encoding]::ASCII.GetString($blob, $offset + 4, $length)
        $offset = $offset + 4 + $length
    }
    if (($flags -band 2) -ne 0 -and $texts[0]) {
        $info.proxy = $texts[0]
    }
    if ($texts[1]) {
        $info.bypass = $texts[1]
    }
    if (($flags -band 4) -ne 0 -and $texts[2]) {
        $info.auto_config_url = $texts[2]
    }
    return $info
}

$programFiles = $env:ProgramFiles
$programData = $env:ProgramData
# Product names and paths from Microsoft's 1.5.3829.0 rename table; the new layout is listed first.
$layouts = @(
    @{
        layout = 'new'
        product_name = 'Microsoft Entra private network connector'
        install_dir = "$programFiles\Microsoft Entra private network connector"
        updater_dir = "$programFiles\Microsoft Entra private network connector Updater"
        data_dir = "$programData\Microsoft\Microsoft Entra private network connector"
        service_exe_name = 'MicrosoftEntraPrivateNetworkConnectorService.exe'
        updater_exe_name = 'MicrosoftEntraPrivateNetworkConnectorUpdaterService.exe'
        module_name = 'MicrosoftEntraPrivateNetworkConnectorPSModule'
        registry_key = 'HKLM:\SOFTWARE\Microsoft\Microsoft Entra private network connector'
    },
    @{
        layout = 'old'
        product_name = 'Microsoft AAD App Proxy Connector'
        install_dir = "$programFiles\Microsoft AAD App Proxy Connector"
        updater_dir = "$programFiles\Microsoft AAD App Proxy Connector Updater"
        data_dir = "$programData\Microsoft\Microsoft AAD Application Proxy Connector"
        service_exe_name = 'ApplicationProxyConnectorService.exe'
        updater_exe_name = 'ApplicationProxyConnectorUpdaterService.exe'
        module_name = 'AppProxyPSModule'
        registry_key = 'HKLM:\SOFTWARE\Microsoft\Microsoft AAD App Proxy Connector'
    }
)

$found = $null
foreach ($candidate in $layouts) {
    $exe = Join-Path -Path $candidate.install_dir -ChildPath $candidate.service_exe_name
    if ($null -eq $found -and (Test-Path -LiteralPath $exe -PathType Leaf)) {
        $found = $candidate
    }
}
$layout = $found
if ($null -eq $layout) {
    # Nothing installed: report where an install of the current product puts its files.
    $layout = $layouts[0]
}

$serviceExe = Join-Path -Path $layout.install_dir -ChildPath $layout.service_exe_name
$updaterExe = Join-Path -Path $layout.updater_dir -ChildPath $layout.updater_exe_name
$candidates = @()
foreach ($candidate in $layouts) {
    $candidates += Join-Path -Path $candidate.install_dir -ChildPath 'RegisterConnector.ps1'
}
$registerScript = $null
foreach ($path in $candidates) {
    if ($null -eq $registerScript -and (Test-Path -LiteralPath $path -PathType Leaf)) {
        $registerScript = $path
    }
}

$module.Result.connector = @{
    installed = $null -ne $found
    layout = 'none'
    version = Get-FileVersion -Path $serviceExe
    updater_version = Get-FileVersion -Path $updaterExe
    product_name = $layout.product_name
    install_dir = $layout.install_dir
    updater_dir = $layout.updater_dir
    data_dir = $layout.data_dir
    service_exe = $serviceExe
    updater_exe = $updaterExe
    config_file = "$serviceExe.config"
    updater_config_file = "$updaterExe.config"
    trust_settings_file = Join-Path -Path $layout.data_dir -ChildPath 'Config\TrustSettings.xml'
    module_path = (Join-Path -Path $layout.install_dir -ChildPath 'Modules') + '\'
    module_name = $layout.module_name
    registry_key = $layout.registry_key
    register_script = $registerScript
    register_script_candidates = $candidates
}
if ($null -ne $found) {
    $module.Result.connector.layout = $found.layout
}

$module.Result.services = @{
    connector = Get-ServiceState -Name 'WAPCSvc'
    updater = Get-ServiceState -Name 'WAPCUpdaterSvc'
}

$registration = @{
    registered = $false
    trust_settings_exists = $false
    thumbprint = $null
    is_in_user_store = $null
    certificate_found = $false
    certificate_store = $null
    certificate_not_after = $null
    certificate_expired = $null
    certificate_issuer = $null
}
$trustFile = $module.Result.connector.trust_settings_file
if (Test-Path -LiteralPath $trustFile -PathType Leaf) {
    $registration.trust_settings_exists = $true
    try {
        [xml]$trust = Get-Content -LiteralPath $trustFile -Raw
    }
    catch {
        $module.FailJson("Failed to read the connector trust settings '$trustFile': $($_.Exception.Message)", $_)
    }
    $trustNode = $trust.SelectSingleNode('//CloudProxyTrust')
    if ($null -ne $trustNode) {
        $thumbprintNode = $trustNode.SelectSingleNode('Thumbprint')
        $userStoreNode = $trustNode.SelectSingleNode('IsInUserStore')
        if ($null -ne $thumbprintNode -and $thumbprintNode.InnerText.Trim()) {
            $registration.thumbprint = $thumbprintNode.InnerText.Trim().ToUpperInvariant()
        }
        if ($null -ne $userStoreNode) {
            $registration.is_in_user_store = $userStoreNode.InnerText.Trim() -eq 'true'
        }
    }
}
if ($null -ne $registration.thumbprint) {
    $match = Find-Certificate -Thumbprint $registration.thumbprint
    if ($null -ne $match) {
        $registration.certificate_found = $true
        $registration.certificate_store = $match.store
        $registration.certificate_issuer = $match.certificate.Issuer
        $notAfter = $match.certificate.NotAfter.ToUniversalTime()
        $registration.certificate_not_after = $notAfter.ToString('yyyy-MM-ddTHH:mm:ssZ')
        $registration.certificate_expired = $notAfter -lt [DateTime]::UtcNow
        $registration.registered = -not $registration.certificate_expired
    }
}
$module.Result.registration = $registration

$winHttp = Get-WinHttpProxy
# Both layouts' files and backend values, so the proxy role can tell what exists without a read of its own.
$configFiles = @()
$backendValues = @{}
foreach ($candidate in $layouts) {
    $serviceConfig = (Join-Path -Path $candidate.install_dir -ChildPath $candidate.service_exe_name) + '.config'
    $updaterConfig = (Join-Path -Path $candidate.updater_dir -ChildPath $candidate.updater_exe_name) + '.config'
    $configFiles += @{ layout = $candidate.layout; role = 'connector'; path = $serviceConfig; exists = Test-Path -LiteralPath $serviceConfig -PathType Leaf }
    $configFiles += @{ layout = $candidate.layout; role = 'updater'; path = $updaterConfig; exists = Test-Path -LiteralPath $updaterConfig -PathType Leaf }
    $backendValues[$candidate.layout] = Get-RegistryValue -Path $candidate.registry_key -Name 'UseDefaultProxyForBackendRequests'
}
$inet = Get-InetProxy
$module.Result.proxy = @{
    winhttp_proxy = $winHttp.proxy
    winhttp_bypass = $winHttp.bypass
    inet_proxy = $inet.proxy
    inet_bypass = $inet.bypass
    inet_auto_detect = $inet.auto_detect
    inet_auto_config_url = $inet.auto_config_url
    connector_config = Get-DefaultProxyConfig -Path $module.Result.connector.config_file
    updater_config = Get-DefaultProxyConfig -Path $module.Result.connector.updater_config_file
    config_files = $configFiles
    use_default_proxy_for_backend_requests = $backendValues
}

# The rules this collection's firewall role creates (their names start with 'entra.app_proxy '),
# with the properties the role sets, named as community.windows.win_firewall_rule names them.
$firewallPolicy = New-Object -ComObject HNetCfg.FwPolicy2
$protocols = @{ 6 = 'tcp'; 17 = 'udp'; 256 = 'any' }
$directions = @{ 1 = 'in'; 2 = 'out' }
$actions = @{ 0 = 'block'; 1 = 'allow' }
$profileBits = [ordered]@{ domain = 1; private = 2; public = 4 }
$rules = @()
foreach ($rule in $firewallPolicy.Rules) {
    if (-not $rule.Name.StartsWith('entra.app_proxy ', [StringComparison]::OrdinalIgnoreCase)) {
        continue
    }
    $profiles = @()
    foreach ($name in $profileBits.Keys) {
        if ($rule.Profiles -band $profileBits[$name]) {
            $profiles += $name
        }
    }
    $protocol = $protocols[[int]$rule.Protocol]
    if ($null -eq $protocol) {
        $protocol = [String]$rule.Protocol
    }
    $program = $rule.ApplicationName
    if (-not $program) {
        $program = 'any'
    }
    $remotePort = $rule.RemotePorts
    if (-not $remotePort -or $remotePort -eq '*') {
        $remotePort = 'any'
    }
    $rules += @{
        name = $rule.Name
        group = $rule.Grouping
        description = $rule.Description
        enabled = [bool]$rule.Enabled
        direction = $directions[[int]$rule.Direction]
        action = $actions[[int]$rule.Action]
        protocol = $protocol
        remoteport = $remotePort
        program = $program
        profiles = $profiles
    }
}
$defaultOutbound = @{ domain = $null; private = $null; public = $null }
foreach ($firewallProfile in Get-NetFirewallProfile -PolicyStore ActiveStore) {
    $defaultOutbound[$firewallProfile.Name.ToLowerInvariant()] = ([String]$firewallProfile.DefaultOutboundAction).ToLowerInvariant()
}
$module.Result.firewall = @{
    default_outbound_action = $defaultOutbound
    rules = $rules
}

$schannel = 'HKLM:\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols\TLS 1.2'
$netFramework = 'HKLM:\SOFTWARE\Microsoft\.NETFramework\v4.0.30319'
$module.Result.tls = @{
    client_enabled = Get-RegistryValue -Path "$schannel\Client" -Name 'Enabled'
    client_disabled_by_default = Get-RegistryValue -Path "$schannel\Client" -Name 'DisabledByDefault'
    server_enabled = Get-RegistryValue -Path "$schannel\Server" -Name 'Enabled'
    server_disabled_by_default = Get-RegistryValue -Path "$schannel\Server" -Name 'DisabledByDefault'
    sch_use_strong_crypto = Get-RegistryValue -Path $netFramework -Name 'SchUseStrongCrypto'
    system_default_tls_versions = Get-RegistryValue -Path $netFramework -Name 'SystemDefaultTlsVersions'
}

$module.Result.dotnet = @{
    release = Get-RegistryValue -Path 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -Name 'Release'
}

$activeSetup = 'HKLM:\SOFTWARE\Microsoft\Active Setup\Installed Components'
$module.Result.ie_esc = @{
    admin_is_installed = Get-RegistryValue -Path "$activeSetup\{A509B1A7-37EF-4b3f-8CFC-4F3A74704073}" -Name 'IsInstalled'
    user_is_installed = Get-RegistryValue -Path "$activeSetup\{A509B1A8-37EF-4b3f-8CFC-4F3A74704073}" -Name 'IsInstalled'
}

$module.Result.http2 = @{
    enable_default_http2 = Get-RegistryValue -Path 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\WinHttp' -Name 'EnableDefaultHTTP2'
}

$os = Get-CimInstance -ClassName Win32_OperatingSystem
$computer = Get-CimInstance -ClassName Win32_ComputerSystem
$lastBoot = $os.LastBootUpTime.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ')
$module.Result.os = @{
    caption = $os.Caption.Trim()
    version = $os.Version
    build = [int]$os.BuildNumber
    installation_type = Get-RegistryValue -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion' -Name 'InstallationType'
    product_type = [int]$os.ProductType
    computer_name = $env:COMPUTERNAME
    last_boot_time = $lastBoot
}

$fqdn = $computer.DNSHostName
if ($computer.PartOfDomain) {
    $fqdn = "$($computer.DNSHostName).$($computer.Domain)"
}
$module.Result.domain = @{
    member = [bool]$computer.PartOfDomain
    name = $computer.Domain
    fqdn = "$fqdn".ToLowerInvariant()
}

# The Password Protection Proxy and the connector install incompatible Agent Updater versions.
$pppName = 'AzureADPasswordProtectionProxy'
$module.Result.password_protection_proxy = @{
    installed = $null -ne (Get-CimInstance -ClassName Win32_Service -Filter "Name='$pppName'")
    service_name = $pppName
}

$reasons = @()
if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') {
    $reasons += 'component_based_servicing'
}
if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') {
    $reasons += 'windows_update'
}
$renames = Get-RegistryValue -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' -Name 'PendingFileRenameOperations'
if ($null -ne $renames -and $renames.Count -gt 0) {
    $reasons += 'pending_file_rename'
}
# Registry settings such as SCHANNEL give no sign that they wait for a restart, so the roles
# record the boot time at which they changed one; a restart since then clears the marker.
$marker = Get-RegistryValue -Path 'HKLM:\SOFTWARE\Ansible\entra.app_proxy' -Name 'RebootPendingBootTime'
if ($marker -eq $lastBoot) {
    $reasons += 'entra.app_proxy'
}
$module.Result.reboot_pending = $reasons.Count -gt 0
$module.Result.reboot_pending_reasons = $reasons

# Registration and trust errors land in the connector's Admin log (event 1000: trust certificate
# expired) and, with the connector as source, in the Application log (troubleshoot-connectors).
$events = @()
if ($events_since) {
    try {
        $since = [DateTime]::Parse($events_since, [Globalization.CultureInfo]::InvariantCulture, [Globalization.DateTimeStyles]::AdjustToUniversal)
    }
    catch {
        $module.FailJson("Failed to read events_since '$events_since' as a date and time; give an ISO 8601 time such as 2026-01-31T08:00:00Z: $($_.Exception.Message)", $_)
    }
    $filters = @(
        @{ LogName = 'Microsoft-Microsoft Entra private network-Connector/Admin'; Level = 2; StartTime = $since.ToLocalTime() }
        @{ LogName = 'Microsoft-AadApplicationProxy-Connector/Admin'; Level = 2; StartTime = $since.ToLocalTime() }
        @{ LogName = 'Application'; ProviderName = 'Microsoft Entra private network connector'; Level = 2; StartTime = $since.ToLocalTime() }
    )
    foreach ($filter in $filters) {
        # A log that does not exist (the other layout) or has no match is not an error here.
        $found = Get-WinEvent -FilterHashtable $filter -MaxEvents 20 -ErrorAction SilentlyContinue
        foreach ($record in $found) {
            $events += @{
                log = $record.LogName
                provider = $record.ProviderName
                id = $record.Id
                time = $record.TimeCreated.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'")
                message = $record.Message
            }
        }
    }
}
$module.Result.connector_errors = $events

$module.ExitJson()
