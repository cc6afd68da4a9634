#!powershell

# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

#AnsibleRequires -CSharpUtil Ansible.Basic

$spec = @{
    options = @{
        endpoints = @{
            type = 'list'
            elements = 'dict'
            required = $true
            options = @{
                host = @{ type = 'str'; required = $true }
                port = @{ type = 'int'; default = 443 }
                tls = @{ type = 'bool'; default = $false }
            }
        }
        # Given by the action plugin after it validated the URL (plugins/plugin_utils/_proxy_url.py).
        proxy = @{ type = 'str' }
        timeout = @{ type = 'int'; default = 5 }
        # Compared with the issuers on the controller (plugins/plugin_utils/_connectivity.py), not here.
        trusted_issuers = @{ type = 'list'; elements = 'str'; default = @('Microsoft', 'DigiCert') }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

$proxyUri = $null
if ($module.Params.proxy) {
    $proxyUri = [Uri]$module.Params.proxy
}
$timeoutMs = $module.Params.timeout * 1000

Function Get-InnerMessage {
    <# .NET errors reach PowerShell wrapped in MethodInvocationException; the cause is innermost. #>
    [CmdletBinding()]
    param ($ErrorRecord)
    $exception = $ErrorRecord.Exception
    while ($null -ne $exception.InnerException) {
        $exception = $exception.InnerException
    }
    return $exception.Message
}

Function Open-Connection {
    <# Opens a TCP connection, with a timeout that TcpClient.Connect lacks; $null when it timed out. #>
    [CmdletBinding()]
    param ([String]$HostName, [int]$Port, [int]$TimeoutMs)
    # TcpClient() is IPv4 only; a dual-mode IPv6 socket reaches IPv4 and IPv6 addresses alike.
    $client = New-Object -TypeName System.Net.Sockets.TcpClient -ArgumentList ([System.Net.Sockets.AddressFamily]::InterNetworkV6)
    $client.Client.DualMode = $true
    $attempt = $client.BeginConnect($HostName, $Port, $null, $null)
    if (-not $attempt.AsyncWaitHandle.WaitOne($TimeoutMs)) {
        $client.Close()
        return $null
    }
    $client.EndConnect($attempt)
    $client.ReceiveTimeout = $TimeoutMs
    $client.SendTimeout = $TimeoutMs
    return $client
}

Function Read-ProxyReply {
    <# Asks the proxy for a CONNECT tunnel and reads its reply byte by byte, so no TLS byte is consumed. #>
    [CmdletBinding()]
    param ($Stream, [String]$Target)
    $request = "CONNECT $Target HTTP/1.1`r`nHost: $Target`r`n`r`n"
    $bytes = [System.Text.Encoding]::ASCII.GetBytes($request)
    $Stream.Write($bytes, 0, $bytes.Length)
    $reply = New-Object -TypeName System.Text.StringBuilder
    while ($reply.Length -lt 8192 -and -not $reply.ToString().EndsWith("`r`n`r`n")) {
        $byte = $Stream.ReadByte()
        if ($byte -lt 0) {
            break
        }
        [void]$reply.Append([char]$byte)
    }
    return $reply.ToString().Split("`n")[0].Trim()
}

Function Read-TlsHandshake {
    <# Makes a TLS 1.2 handshake and records what validation found; every certificate is accepted so that it can be reported. #>
    [CmdletBinding()]
    param ($Stream, [String]$HostName, $Result)
    # The callback runs synchronously inside AuthenticateAsClient, on this thread.
    $callback = [System.Net.Security.RemoteCertificateValidationCallback]{
        param($source, $certificate, $chain, $policyErrors)
        $Result.tls_policy_errors = $policyErrors.ToString()
        if ($null -ne $certificate) {
            $Result.tls_issuer = $certificate.Issuer
            $Result.tls_subject = $certificate.Subject
        }
        if ($null -ne $chain) {
            $Result.tls_chain_status = @($chain.ChainStatus | ForEach-Object {
                    @{ status = $_.Status.ToString(); information = $_.StatusInformation }
                })
        }
        return $true
    }
    $ssl = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $Stream, $false, $callback
    try {
        $ssl.AuthenticateAsClient($HostName, $null, [System.Security.Authentication.SslProtocols]::Tls12, $false)
    }
    finally {
        $ssl.Dispose()
    }
}

# Raw facts only; the controller decides what they mean (plugins/plugin_utils/_connectivity.py).
$results = @()
foreach ($endpoint in $module.Params.endpoints) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    # One line a phase, in the order they run.
    $result = @{
        host = $endpoint.host; port = $endpoint.port; tls = $endpoint.tls
        dns_addresses = @(); dns_error = $null; dns_timed_out = $false
        tcp_connected = $false; tcp_error = $null; tcp_timed_out = $false
        proxy_status_line = $null
        tls_issuer = $null; tls_subject = $null; tls_policy_errors = $null; tls_chain_status = @(); tls_error = $null
        elapsed_ms = 0
    }

    try {
        $lookup = [System.Net.Dns]::BeginGetHostAddresses($endpoint.host, $null, $null)
        if ($lookup.AsyncWaitHandle.WaitOne($timeoutMs)) {
            $addresses = [System.Net.Dns]::EndGetHostAddresses($lookup)
            $result.dns_addresses = @($addresses | ForEach-Object { $_.IPAddressToString })
        }
        else {
            $result.dns_timed_out = $true
        }
    }
    catch {
        $result.dns_error = Get-InnerMessage -ErrorRecord $_
    }

    # Direct, an unresolved name has nothing to connect to; through a proxy, the proxy resolves it.
    $client = $null
    if ($result.dns_addresses.Count -gt 0 -or $null -ne $proxyUri) {
        try {
            if ($null -ne $proxyUri) {
                $client = Open-Connection -HostName $proxyUri.DnsSafeHost -Port $proxyUri.Port -TimeoutMs $timeoutMs
            }
            else {
                $client = Open-Connection -HostName $endpoint.host -Port $endpoint.port -TimeoutMs $timeoutMs
            }
            $result.tcp_timed_out = $null -eq $client
            $result.tcp_connected = $null -ne $client
            if ($null -ne $client -and $null -ne $proxyUri) {
                $result.proxy_status_line = Read-ProxyReply -Stream $client.GetStream() -Target "$($endpoint.host):$($endpoint.port)"
            }
        }
        catch {
            $result.tcp_error = Get-InnerMessage -ErrorRecord $_
        }
    }

    # The handshake is made whatever the proxy replied: a refused tunnel fails it, and the controller
    # reads the reply first.
    if ($null -ne $client -and $null -eq $result.tcp_error -and $endpoint.tls) {
        try {
            Read-TlsHandshake -Stream $client.GetStream() -HostName $endpoint.host -Result $result
        }
        catch {
            $result.tls_error = Get-InnerMessage -ErrorRecord $_
        }
    }
    if ($null -ne $client) {
        $client.Close()
    }
    $result.elapsed_ms = [int]$watch.ElapsedMilliseconds
    $results += $result
}

$module.Result.raw = @{ endpoints = $results }
$module.ExitJson()
