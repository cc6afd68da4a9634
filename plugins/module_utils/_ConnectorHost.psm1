# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.

# The connector's layout on disk and in the registry, for both
# product names, and raw reads that keep Windows' own formats. It decides nothing: the controller
# (plugins/plugin_utils/_host_facts.py) decodes and judges what these functions return.

Function Get-ConnectorLayout {
    <#
    .SYNOPSIS
    Every path and name of the connector, per product name.

    .DESCRIPTION
    Returns an ordered dictionary with the keys 'new' (Microsoft Entra private network connector,
    1.5.3829.0 and later) and 'old' (Microsoft AAD App Proxy Connector, up to 1.5.3437.0). The names
    come from Microsoft's 1.5.3829.0 rename table; this is the only place of the collection that
    writes them down, the roles take them from server_info.

    .OUTPUTS
    [System.Collections.Specialized.OrderedDictionary]
    #>
    [CmdletBinding()]
    [OutputType([System.Collections.Specialized.OrderedDictionary])]
    param ()

    $products = [ordered]@{
        new = @{
            product_name = 'Microsoft Entra private network connector'
            data_name = 'Microsoft Entra private network connector'
            service_exe_name = 'MicrosoftEntraPrivateNetworkConnectorService.exe'
            updater_exe_name = 'MicrosoftEntraPrivateNetworkConnectorUpdaterService.exe'
            module_name = 'MicrosoftEntraPrivateNetworkConnectorPSModule'
            connector_event_channel = 'Microsoft-Microsoft Entra private network-Connector/Admin'
            updater_event_channel = 'Microsoft-Microsoft Entra private network-Updater/Admin'
            application_source = 'Microsoft Entra private network connector'
            uninstall_names = @{
                connector = @('Microsoft Entra private network connector')
                updater = @('Microsoft Entra private network connector updater')
            }
        }
        old = @{
            product_name = 'Microsoft AAD App Proxy Connector'
            data_name = 'Microsoft AAD Application Proxy Connector'
            service_exe_name = 'ApplicationProxyConnectorService.exe'
            updater_exe_name = 'ApplicationProxyConnectorUpdaterService.exe'
            module_name = 'AppProxyPSModule'
            connector_event_channel = 'Microsoft-AadApplicationProxy-Connector/Admin'
            updater_event_channel = 'Microsoft-AadApplicationProxy-Updater/Admin'
            application_source = 'Microsoft AAD Application Proxy Connector'
            # Microsoft documents no old Add/Remove Programs names; both spellings the old product used are kept.
            uninstall_names = @{
                connector = @('Microsoft AAD App Proxy Connector', 'Microsoft AAD Application Proxy Connector')
                updater = @('Microsoft AAD App Proxy Connector Updater', 'Microsoft AAD Application Proxy Connector Updater')
            }
        }
    }

    $layouts = [ordered]@{}
    foreach ($name in $products.Keys) {
        $product = $products[$name]
        $installDir = Join-Path -Path $env:ProgramFiles -ChildPath $product.product_name
        $updaterDir = "$installDir Updater"
        $dataDir = Join-Path -Path $env:ProgramData -ChildPath "Microsoft\$($product.data_name)"
        $serviceExe = Join-Path -Path $installDir -ChildPath $product.service_exe_name
        $updaterExe = Join-Path -Path $updaterDir -ChildPath $product.updater_exe_name
        $registerScript = Join-Path -Path $installDir -ChildPath 'RegisterConnector.ps1'
        $layouts[$name] = @{
            product_name = $product.product_name
            install_dir = $installDir
            updater_dir = $updaterDir
            data_dir = $dataDir
            service_exe = $serviceExe
            updater_exe = $updaterExe
            config_file = "$serviceExe.config"
            updater_config_file = "$updaterExe.config"
            trust_settings_file = Join-Path -Path $dataDir -ChildPath 'Config\TrustSettings.xml'
            # Microsoft's examples pass -modulePath with a trailing backslash.
            module_path = (Join-Path -Path $installDir -ChildPath 'Modules') + '\'
            module_name = $product.module_name
            module_dir = Join-Path -Path $installDir -ChildPath "Modules\$($product.module_name)"
            registry_key = "HKLM:\SOFTWARE\Microsoft\$($product.product_name)"
            register_script = $registerScript
            register_script_candidates = @($registerScript)
            connector_event_channel = $product.connector_event_channel
            updater_event_channel = $product.updater_event_channel
            application_source = $product.application_source
            service_name = 'WAPCSvc'
            updater_service_name = 'WAPCUpdaterSvc'
            uninstall_names = $product.uninstall_names
        }
    }
    return $layouts
}

Function Get-TrustStoreLocation {
    <#
    .SYNOPSIS
    Where Windows keeps the certificates the connector can trust itself with.

    .DESCRIPTION
    LocalMachine\My holds the certificate of a registration; after an automatic renewal the connector
    keeps it in the Network Service user's My store, which another account reads from that user's
    registry hive (a Blob value per certificate) or from its roaming profile (a file per certificate).

    .OUTPUTS
    [Hashtable]
    #>
    [CmdletBinding()]
    [OutputType([Hashtable])]
    param ()

    return @{
        machine = 'Cert:\LocalMachine\My'
        network_service_registry = 'Registry::HKEY_USERS\S-1-5-20\Software\Microsoft\SystemCertificates\My\Certificates'
        network_service_files = "$env:SystemRoot\ServiceProfiles\NetworkService\AppData\Roaming\Microsoft\SystemCertificates\My\Certificates"
    }
}

Function Get-RebootMarkerKey {
    <#
    .SYNOPSIS
    The volatile registry key that says this collection changed a setting which waits for a restart.

    .DESCRIPTION
    Created volatile (RegistryOptions.Volatile), so Windows drops it at the next restart without any
    clock comparison; server_info reports it as the pending-restart reason 'entra.app_proxy'.

    .OUTPUTS
    [String]
    #>
    [CmdletBinding()]
    [OutputType([String])]
    param ()

    return 'HKLM:\SOFTWARE\Ansible\entra.app_proxy\RebootPending'
}

Function Get-RawRegistryValue {
    <#
    .SYNOPSIS
    One registry value as Windows stores it: its kind and data, binary data as base64.

    .PARAMETER Path
    The key, as a PowerShell registry path.

    .PARAMETER Name
    The value name.

    .OUTPUTS
    [Hashtable] with path, name, key_exists, kind (RegistryValueKind name or $null) and value.
    #>
    [CmdletBinding()]
    [OutputType([Hashtable])]
    param (
        [Parameter(Mandatory = $true)]
        [String]$Path,

        [Parameter(Mandatory = $true)]
        [String]$Name
    )

    $info = @{ path = $Path; name = $Name; key_exists = $false; kind = $null; value = $null }
    $key = Get-Item -LiteralPath $Path -ErrorAction SilentlyContinue
    if ($null -eq $key) {
        return $info
    }
    $info.key_exists = $true
    if ($key.GetValueNames() -notcontains $Name) {
        return $info
    }
    $info.kind = $key.GetValueKind($Name).ToString()
    # Assigned, never returned from a function: a byte[] stays a byte[] (a returned one is unrolled).
    $data = $key.GetValue($Name, $null, [Microsoft.Win32.RegistryValueOptions]::DoNotExpandEnvironmentNames)
    if ($data -is [byte[]]) {
        $info.value = [Convert]::ToBase64String($data)
    }
    elseif ($data -is [string[]]) {
        $info.value = [string[]]$data
    }
    else {
        $info.value = $data
    }
    return $info
}

Function Get-RawFile {
    <#
    .SYNOPSIS
    Whether a path exists, its file version, and optionally its bytes as base64.

    .PARAMETER Path
    The file or folder.

    .PARAMETER Content
    Also return the file's bytes, undecoded, so the controller honours the file's own encoding.

    .OUTPUTS
    [Hashtable] with path, exists, directory, version and content.
    #>
    [CmdletBinding()]
    [OutputType([Hashtable])]
    param (
        [Parameter(Mandatory = $true)]
        [String]$Path,

        [Switch]$Content
    )

    $info = @{ path = $Path; exists = $false; directory = $false; version = $null; content = $null }
    $item = Get-Item -LiteralPath $Path -Force -ErrorAction SilentlyContinue
    if ($null -eq $item) {
        return $info
    }
    $info.exists = $true
    if ($item.PSIsContainer) {
        $info.directory = $true
        return $info
    }
    $info.version = $item.VersionInfo.FileVersion
    if ($Content) {
        $info.content = [Convert]::ToBase64String([System.IO.File]::ReadAllBytes($item.FullName))
    }
    return $info
}

Export-ModuleMember -Function Get-ConnectorLayout, Get-TrustStoreLocation, Get-RebootMarkerKey, Get-RawRegistryValue, Get-RawFile
