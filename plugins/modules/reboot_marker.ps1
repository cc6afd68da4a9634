#!powershell

# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic
#AnsibleRequires -PowerShell ..module_utils._ConnectorHost

$spec = @{
    options = @{}
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

# HKLM:\SOFTWARE\... as a path under the LocalMachine hive, which the .NET registry API takes.
$path = (Get-RebootMarkerKey) -replace '^HKLM:\\', ''
$module.Result.key = Get-RebootMarkerKey
$existing = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey($path)
$module.Result.changed = $null -eq $existing
if ($null -ne $existing) {
    $existing.Dispose()
}
elseif (-not $module.CheckMode) {
    # The parent stays a normal key: under a volatile parent no other program could create a stable key.
    $parent = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey($path.Substring(0, $path.LastIndexOf('\')))
    # Volatile: the key lives in memory only and is gone after the next restart, so no clock is compared.
    $key = $parent.CreateSubKey($path.Substring($path.LastIndexOf('\') + 1), [Microsoft.Win32.RegistryKeyPermissionCheck]::ReadWriteSubTree,
        [Microsoft.Win32.RegistryOptions]::Volatile)
    $key.Dispose()
    $parent.Dispose()
}

$module.ExitJson()
