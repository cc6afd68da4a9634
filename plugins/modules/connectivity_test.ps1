#!powershell

# Copyright (c) 2026 entra.app_proxy maintainers
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
        proxy = @{ type = 'str' }
        timeout = @{ type = 'int'; default = 5 }
        trusted_issuers = @{ type = 'list'; elements = 'str'; default = @('Microsoft', 'DigiCert') }
        use_winhttp_proxy = @{ type = 'bool'; default = $false }
    }
    supports_check_mode = $true
}

$module = [Ansible.Basic.AnsibleModule]::Create($args, $spec)
$module.Result.changed = $false

$endpoints = $module.Params.endpoints
$proxy = $module.Params.proxy
$timeout = $module.Params.timeout
$trustedIssuers = $module.Params.trusted_issuers
$useWinHttpProxy = $module.Params.use_winhttp_proxy
$timeoutMs = $timeout * 1000

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

Function Get-WinHttpProxyUrl {
    <# Returns the WinHTTP proxy as http://host:port, or $null for direct access. #>
    [CmdletBinding()]
    param ()
    $path = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections'
    $key = Get-Item -LiteralPath $path -ErrorAction SilentlyContinue
    if ($null -eq $key) {
        return $null
    }
    $blob = $key.GetValue('WinHttpSettings', $null)
    if ($null -eq $blob -or $blob.Length -lt 20) {
        return $null
    }
    $flags = [BitConverter]::ToInt32($blob, 8)
    $length = [BitConverter]::ToInt32($blob, 12)
    if (($flags -band 2) -eq 0 -or $length -le 0) {
        return $null
    }
    $value = [System.Text.Encoding]::ASCII.GetString($blob, 16, $length)
    # A per-scheme list looks like "http=p1:80;https=p2:8080"; the connector's traffic is https.
    foreach ($part in $value.Split(';')) {
        if ($part.StartsWith('https=')) {
            $value = $part.Substring(6)
        }
    }
    if ($value.Contains('=')) {
        $value = $value.Split(';')[0].Split('=')[1]
    }
    # netsh winhttp set proxy also accepts a value with its scheme (http://p:8080); keep it whole.
    if ($value.Contains('://')) {
        return $value
    }
    return "http://$value"
}

Function Open-Connection {
    <# Opens a TCP connection, with a timeout that TcpClient.Connect lacks. #>
    [CmdletBinding()]
    param ([String]$HostName, [int]$Port, [int]$TimeoutMs)
    # TcpClient() is IPv4 only; a dual-mode IPv6 socket reaches IPv4 and IPv6 addresses alike.
    $client = New-Object -TypeName System.Net.Sockets.TcpClient -ArgumentList ([System.Net.Sockets.AddressFamily]::InterNetworkV6)
    $client.Client.DualMode = $true
    $attempt = $client.BeginConnect($HostName, $Port, $null, $null)
    if (-not $attempt.AsyncWaitHandle.WaitOne($TimeoutMs)) {
        $client.Close()
        throw "timed out after $($TimeoutMs / 1000) s"
    }
    $client.EndConnect($attempt)
    $client.ReceiveTimeout = $TimeoutMs
    $client.SendTimeout = $TimeoutMs
    return $client
}

Function Open-ProxyTunnel {
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
    $statusLine = $reply.ToString().Split("`n")[0].Trim()
    if ($statusLine -notmatch '^HTTP/1\.[01] 200') {
        throw "the proxy refused CONNECT $Target with '$statusLine'"
    }
}

Function Test-TlsHandshake {
    <# Makes a TLS 1.2 handshake; every certificate is accepted so that its issuer can be reported. #>
    [CmdletBinding()]
    param ($Stream, [String]$HostName)
    $seen = @{ errors = $null }
    $callback = [System.Net.Security.RemoteCertificateValidationCallback]{
        param($source, $certificate, $chain, $policyErrors)
        $seen.errors = $policyErrors
        return $true
    }
    $ssl = New-Object -TypeName System.Net.Security.SslStream -ArgumentList $Stream, $false, $callback
    try {
        $ssl.AuthenticateAsClient($HostName, $null, [System.Security.Authentication.SslProtocols]::Tls12, $false)
        $issuer = $ssl.RemoteCertificate.Issuer
    }
    finally {
        $ssl.Dispose()
    }
    return @{ issuer = $issuer; errors = $seen.errors.ToString() }
}

$proxyUsed = $null
if ($proxy) {
    $proxyUsed = $proxy
}
elseif ($useWinHttpProxy) {
    $proxyUsed = Get-WinHttpProxyUrl
}
$proxyUri = $null
if ($proxyUsed) {
    $proxyUri = $proxyUsed -as [Uri]
    if ($null -eq $proxyUri -or $proxyUri.Scheme -ne 'http' -or $proxyUri.Port -le 0) {
        $module.FailJson("proxy '$proxyUsed' is not valid: give it as http://host:port (the connector needs the http:// prefix even for an IP address)")
    }
}

$results = @()
foreach ($endpoint in $endpoints) {
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    $target = "$($endpoint.host):$($endpoint.port)"
    $result = @{
        host = $endpoint.host
        port = $endpoint.port
        tls = $endpoint.tls
        ok = $false
        resolved = $false
        addresses = @()
        tcp_ok = $false
        tls_ok = $null
        tls_issuer = $null
        tls_inspection_suspected = $null
        via_proxy = $null -ne $proxyUri
        error = $null
        elapsed_ms = 0
    }
    $problems = @()

    try {
        $lookup = [System.Net.Dns]::BeginGetHostAddresses($endpoint.host, $null, $null)
        if ($lookup.AsyncWaitHandle.WaitOne($timeoutMs)) {
            $addresses = [System.Net.Dns]::EndGetHostAddresses($lookup)
            $result.addresses = @($addresses | ForEach-Object { $_.IPAddressToString })
            $result.resolved = $result.addresses.Count -gt 0
        }
        else {
            $problems += "DNS lookup of $($endpoint.host) timed out after $timeout s"
        }
    }
    catch {
        $problems += "DNS lookup of $($endpoint.host) failed: $(Get-InnerMessage -ErrorRecord $_)"
    }

    $client = $null
    if ($result.resolved -or $null -ne $proxyUri) {
        try {
            if ($null -ne $proxyUri) {
                $client = Open-Connection -HostName $proxyUri.Host -Port $proxyUri.Port -TimeoutMs $timeoutMs
                Open-ProxyTunnel -Stream $client.GetStream() -Target $target
            }
            else {
                $client = Open-Connection -HostName $endpoint.host -Port $endpoint.port -TimeoutMs $timeoutMs
            }
            $result.tcp_ok = $true
        }
        catch {
            $how = 'TCP connect to'
            if ($null -ne $proxyUri) {
                $how = "Tunnel through $proxyUsed to"
            }
            $problems += "$how $target failed: $(Get-InnerMessage -ErrorRecord $_)"
        }
    }

    if ($result.tcp_ok -and $endpoint.tls) {
        try {
            $handshake = Test-TlsHandshake -Stream $client.GetStream() -HostName $endpoint.host
            $result.tls_issuer = $handshake.issuer
            $result.tls_ok = $handshake.errors -eq 'None'
            if (-not $result.tls_ok) {
                $problems += "The certificate of $target does not validate ($($handshake.errors)); issuer '$($handshake.issuer)'"
            }
            $result.tls_inspection_suspected = $true
            foreach ($text in $trustedIssuers) {
                if ($handshake.issuer.IndexOf($text, [StringComparison]::OrdinalIgnoreCase) -ge 0) {
                    $result.tls_inspection_suspected = $false
                }
            }
            if ($result.tls_inspection_suspected) {
                $module.Warn("TLS inspection suspected on ${target}: its certificate is issued by '$($handshake.issuer)', not by a Microsoft or DigiCert CA. Microsoft does not support TLS inspection of connector traffic; exempt the connector's endpoints from inspection.")
            }
        }
        catch {
            $result.tls_ok = $false
            $problems += "TLS 1.2 handshake with $target failed: $(Get-InnerMessage -ErrorRecord $_)"
        }
    }
    if ($null -ne $client) {
        $client.Close()
    }

    $reachable = $result.tcp_ok -and ($result.resolved -or $null -ne $proxyUri)
    $result.ok = $reachable -and (-not $endpoint.tls -or $result.tls_ok -eq $true)
    if ($problems.Count -gt 0) {
        $result.error = $problems -join '; '
    }
    $result.elapsed_ms = [int]$watch.ElapsedMilliseconds
    $results += $result
}

$module.Result.endpoints = $results
$module.Result.proxy_used = $proxyUsed
$module.Result.all_ok = @($results | Where-Object { -not $_.ok }).Count -eq 0

$module.ExitJson()
