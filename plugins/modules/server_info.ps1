#!powershell

# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -PowerShell ..module_utils._ConnectorHost

# Reads raw facts only, as Windows stores them. Every decision (decoding, certificate, trust state,
# layout, words for states) is made by the action plugin of the same name, on the controller.

$spec = @{
    options = @{
        ad_account = @{ type = 'bool'; default = $false }
        events_since = @{ type = 'str' }
        # Given by the action plugin from the read table beside the decoders (plugins/plugin_utils/_host_facts.py).
        registry_keys = @{ type = 'dict' }
        registry_values = @{ type = 'dict' }
        # Handled by the action plugin on the controller, which never passes it here.
        return_raw = @{ type = 'bool'; default = $true }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

$layouts = Get-ConnectorLayout
$files = @{}
$backend = @{}
foreach ($name in $layouts.Keys) {
    $layout = $layouts[$name]
    foreach ($key in 'install_dir', 'updater_dir', 'data_dir', 'service_exe', 'updater_exe', 'register_script', 'module_dir') {
        $files[$layout[$key]] = Get-RawFile -Path $layout[$key]
    }
    foreach ($key in 'config_file', 'updater_config_file', 'trust_settings_file') {
        $files[$layout[$key]] = Get-RawFile -Path $layout[$key] -Content
    }
    $backend[$name] = Get-RawRegistryValue -Path $layout.registry_key -Name 'UseDefaultProxyForBackendRequests'
}

$registry = @{}
foreach ($read in $module.Params.registry_values.GetEnumerator()) {
    $registry[$read.Key] = Get-RawRegistryValue -Path $read.Value[0] -Name $read.Value[1]
}
$keys = @{}
foreach ($read in $module.Params.registry_keys.GetEnumerator()) {
    $keys[$read.Key] = Test-Path -LiteralPath $read.Value
}
# Volatile key written by entra.app_proxy.reboot_marker: Windows drops it at the next restart.
$keys.entra_app_proxy = Test-Path -LiteralPath (Get-RebootMarkerKey)

$storeLocation = Get-TrustStoreLocation
$certificates = @{ machine = @(); network_service_registry = @(); network_service_files = @() }
foreach ($certificate in Get-ChildItem -LiteralPath $storeLocation.machine) {
    $certificates.machine += @{ name = $certificate.Thumbprint; content = [Convert]::ToBase64String($certificate.RawData) }
}
foreach ($entry in Get-ChildItem -LiteralPath $storeLocation.network_service_registry -ErrorAction SilentlyContinue) {
    $blob = $entry.GetValue('Blob', $null)
    if ($blob -is [byte[]]) {
        $certificates.network_service_registry += @{ name = $entry.PSChildName; content = [Convert]::ToBase64String($blob) }
    }
}
foreach ($entry in Get-ChildItem -LiteralPath $storeLocation.network_service_files -File -Force -ErrorAction SilentlyContinue) {
    $certificates.network_service_files += @{ name = $entry.Name; content = [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($entry.FullName)) }
}

$serviceNames = [ordered]@{
    connector = $layouts.new.service_name
    updater = $layouts.new.updater_service_name
    password_protection_proxy = 'AzureADPasswordProtectionProxy'
    firewall = 'MpsSvc'
}
$services = @{}
foreach ($slot in $serviceNames.Keys) {
    $name = $serviceNames[$slot]
    $service = Get-CimInstance -ClassName Win32_Service -Filter "Name='$name'"
    $services[$slot] = @{ name = $name; exists = $null -ne $service; state = $null; start_mode = $null; display_name = $null; delayed_autostart = $null }
    if ($null -ne $service) {
        $services[$slot].state = [String]$service.State
        $services[$slot].start_mode = [String]$service.StartMode
        $services[$slot].display_name = $service.DisplayName
        # Win32_Service does not tell delayed start apart from automatic; the service key does.
        $services[$slot].delayed_autostart = (Get-RawRegistryValue -Path "HKLM:\SYSTEM\CurrentControlSet\Services\$name" -Name 'DelayedAutostart').value
    }
}

# A stopped firewall service makes the COM policy and Get-NetFirewallProfile throw: that is a fact to report.
$firewall = @{ error = $null; rules = @(); profiles = @() }
try {
    $policy = New-Object -ComObject HNetCfg.FwPolicy2
    foreach ($rule in $policy.Rules) {
        # Only the rules this collection creates: their names start with 'entra.app_proxy '.
        if ($rule.Name.StartsWith('entra.app_proxy ', [StringComparison]::OrdinalIgnoreCase)) {
            $firewall.rules += @{
                name = $rule.Name; grouping = $rule.Grouping; description = $rule.Description
                enabled = [bool]$rule.Enabled; direction = [int]$rule.Direction; action = [int]$rule.Action
                protocol = [int]$rule.Protocol; remote_ports = $rule.RemotePorts; application_name = $rule.ApplicationName
                profiles = [int]$rule.Profiles
            }
        }
    }
    foreach ($firewallProfile in Get-NetFirewallProfile -PolicyStore ActiveStore -ErrorAction Stop) {
        $firewall.profiles += @{ name = [String]$firewallProfile.Name; default_outbound_action = [String]$firewallProfile.DefaultOutboundAction }
    }
}
catch {
    $firewall.error = $_.Exception.Message
}

$os = Get-CimInstance -ClassName Win32_OperatingSystem
$computer = Get-CimInstance -ClassName Win32_ComputerSystem
$ipProperties = [System.Net.NetworkInformation.IPGlobalProperties]::GetIPGlobalProperties()

$uninstallEntries = @()
$uninstallNames = @()
foreach ($layout in $layouts.Values) {
    $uninstallNames += $layout.uninstall_names.connector + $layout.uninstall_names.updater
}
foreach ($root in 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Uninstall', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Windows\CurrentVersion\Uninstall') {
    foreach ($entry in Get-ChildItem -LiteralPath $root -ErrorAction SilentlyContinue) {
        $displayName = $entry.GetValue('DisplayName', $null)
        if ($uninstallNames -contains $displayName) {
            $uninstallEntries += @{
                key = $entry.PSChildName; display_name = $displayName
                display_version = $entry.GetValue('DisplayVersion', $null); publisher = $entry.GetValue('Publisher', $null)
                uninstall_string = $entry.GetValue('UninstallString', $null)
                quiet_uninstall_string = $entry.GetValue('QuietUninstallString', $null)
            }
        }
    }
}

# Registration and trust errors land in the connector's Admin log (event 1000: trust certificate
# expired) and, with the connector as source, in the Application log (troubleshoot-connectors).
$events = @()
if ($module.Params.events_since) {
    try {
        $styles = [Globalization.DateTimeStyles]::AssumeUniversal -bor [Globalization.DateTimeStyles]::AdjustToUniversal
        $since = [DateTime]::ParseExact($module.Params.events_since, "yyyy-MM-dd'T'HH:mm:ss'Z'", [Globalization.CultureInfo]::InvariantCulture, $styles)
    }
    catch {
        $module.FailJson("events_since must be a UTC time such as 2026-01-31T08:00:00Z: $($_.Exception.Message)", $_)
    }
    foreach ($layout in $layouts.Values) {
        $filters = @(
            @{ LogName = $layout.connector_event_channel; Level = 2; StartTime = $since.ToLocalTime() }
            @{ LogName = 'Application'; ProviderName = $layout.application_source; Level = 2; StartTime = $since.ToLocalTime() }
        )
        foreach ($filter in $filters) {
            # A log or source that does not exist (the other layout) or has no match is not an error here.
            foreach ($record in Get-WinEvent -FilterHashtable $filter -MaxEvents 20 -ErrorAction SilentlyContinue) {
                $events += @{
                    log = $record.LogName; provider = $record.ProviderName; id = $record.Id
                    time_filetime = $record.TimeCreated.ToFileTimeUtc(); message = $record.Message
                }
            }
        }
    }
}

# The host's own computer object in AD, read only when asked. ADSI authenticates as the account the module
# runs as: under become SYSTEM that is the computer account (a computer may read its own object); over a
# plain WinRM logon there are no credentials to pass on to a domain controller, and that error is the fact.
$adAccount = $null
if ($module.Params.ad_account) {
    $adAccount = @{ error = $null; found = $false; attributes = @{} }
    try {
        # Without a search root, DirectorySearcher searches the domain the host is joined to.
        $searcher = New-Object -TypeName System.DirectoryServices.DirectorySearcher
        $searcher.Filter = "(&(objectCategory=computer)(sAMAccountName=$($env:COMPUTERNAME)`$))"
        $names = 'distinguishedName', 'sAMAccountName', 'objectSid', 'userAccountControl', 'msDS-AllowedToDelegateTo'
        foreach ($name in $names) {
            [void]$searcher.PropertiesToLoad.Add($name)
        }
        $found = $searcher.FindOne()
        if ($null -ne $found) {
            $adAccount.found = $true
            foreach ($name in $names) {
                $adAccount.attributes[$name] = @(foreach ($value in $found.Properties[$name]) {
                        if ($value -is [byte[]]) { [Convert]::ToBase64String($value) } else { $value }
                    })
            }
            # tokenGroups is constructed: AD computes it only on a base-scope read of the object itself.
            $entry = $found.GetDirectoryEntry()
            $entry.RefreshCache([string[]]@('tokenGroups'))
            $adAccount.attributes['tokenGroups'] = @(foreach ($value in $entry.Properties['tokenGroups']) {
                    [Convert]::ToBase64String([byte[]]$value)
                })
        }
    }
    catch {
        $adAccount.error = $_.Exception.Message
    }
}

$module.Result.raw = @{
    schema = 1
    layouts = $layouts; files = $files; backend_proxy = $backend; uninstall_entries = $uninstallEntries
    registry = $registry; keys = $keys; certificates = $certificates; services = $services; firewall = $firewall
    os = @{
        caption = $os.Caption; version = $os.Version; build_number = $os.BuildNumber; product_type = [int]$os.ProductType
        last_boot_filetime = $os.LastBootUpTime.ToFileTimeUtc()
    }
    computer = @{
        computer_name = $env:COMPUTERNAME; host_name = $ipProperties.HostName; primary_dns_suffix = $ipProperties.DomainName
        part_of_domain = [bool]$computer.PartOfDomain; domain = $computer.Domain; dns_host_name = $computer.DNSHostName
    }
    events = $events
    # HKCU is the hive of this account: under become it is not the connecting user's.
    identity = [Security.Principal.WindowsIdentity]::GetCurrent().User.Value
    ad_account = $adAccount
}

$module.ExitJson()
