#!powershell

# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        path = @{
            required = $true
            type = 'path'
        }
    }
    supports_check_mode = $true
}
$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)

$path = $module.Params.path

$module.Result.changed = $false
$module.Result.exists = $false
$module.Result.status = $null
$module.Result.status_message = $null
$module.Result.signer_subject = $null
$module.Result.signer_thumbprint = $null
$module.Result.file_version = $null
$module.Result.product_name = $null

if (-not (Test-Path -LiteralPath $path -PathType Leaf)) {
    $module.ExitJson()
}
$module.Result.exists = $true

try {
    $signature = Get-AuthenticodeSignature -LiteralPath $path
}
catch {
    $module.FailJson("Failed to read the Authenticode signature of '$path': $($_.Exception.Message)", $_)
}
$module.Result.status = [string]$signature.Status
$module.Result.status_message = [string]$signature.StatusMessage
if ($null -ne $signature.SignerCertificate) {
    $module.Result.signer_subject = $signature.SignerCertificate.Subject
    $module.Result.signer_thumbprint = $signature.SignerCertificate.Thumbprint
}

$versionInfo = (Get-Item -LiteralPath $path).VersionInfo
$module.Result.file_version = $versionInfo.FileVersion
$module.Result.product_name = $versionInfo.ProductName
$module.ExitJson()
