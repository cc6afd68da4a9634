# -*- coding: utf-8 -*-
# Shared: the lab "internet" as win_get_url / win_package see it.
from __future__ import annotations


def proxy_for(host, args):
    """The proxy a WebRequest module uses: proxy_url, else the user's Internet Options proxy when use_proxy."""
    if args.get("proxy_url"):
        return args["proxy_url"]
    if args.get("use_proxy", True):
        p = host.inet_proxy().get("proxy")
        if isinstance(p, dict):
            p = p.get("https") or p.get("http")
        return p or None
    return None


def download(host, url, args, check_mode=False):
    """GET url from the lab (also in check mode, like the real modules); returns bytes or raises."""
    status, _headers, body = host.http_request(url, proxy=proxy_for(host, args))
    if status >= 400:
        raise host.fail("Error downloading '%s' to '%s': The remote server returned an error: (%d)."
                        % (url, args.get("dest") or "", status), status_code=status, url=url)
    host.count_download(url, persist=not check_mode)
    return body
