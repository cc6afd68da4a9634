# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_get_url (ansible.windows 3.3.0) against the lab "internet"
# (the fake tenant's URLs, subject to the host's network model and proxy settings).
from __future__ import annotations

import hashlib

from ansible_collections.lab.windows.plugins.module_utils.simulated import _web

MUTUALLY_EXCLUSIVE = [["checksum", "checksum_url"]]


def simulate(host, args, check_mode, diff):
    url = args["url"]
    if args["checksum_url"]:
        raise host.fail("simwin: win_get_url checksum_url is not simulated")
    dest = host.expand(args["dest"])
    if host.is_dir(dest):
        dest = dest + "\\" + url.rstrip("/").rsplit("/", 1)[-1].split("?")[0]
    algo = args["checksum_algorithm"] or "sha1"
    result = {"changed": False, "url": url, "dest": dest, "elapsed": 0.01, "status_code": 200, "msg": "OK"}
    exists = host.file_exists(dest)
    if exists and not args["force"]:
        current = host.file_read(dest) or b""
        if args["checksum"] and hashlib.new(algo, current).hexdigest() != args["checksum"].lower():
            pass  # mismatching local file: download below
        else:
            # HEAD request only: the lab's resources do not change after they are first fetched
            reach = host.reach_url(url, _web.proxy_for(host, args))
            if not reach["ok"]:
                raise host.fail("Error requesting '%s'. %s" % (url, reach["error"]), status_code=-1, url=url, dest=dest)
            result["size"] = len(current)
            return result
    parent = dest.rsplit("\\", 1)[0]
    if not host.is_dir(parent):
        raise host.fail("The path '%s' does not exist for destination '%s', or is not visible to the current user. "
                        "Ensure download destination folder exists (perhaps using win_file state=directory) before "
                        "win_get_url runs." % (parent, dest), url=url, dest=dest)
    body = _web.download(host, url, args, check_mode=check_mode)
    src_sum = hashlib.new(algo, body).hexdigest()
    if args["checksum"] and src_sum != args["checksum"].lower():
        raise host.fail("The checksum for %s did not match '%s', it was '%s'" % (dest, args["checksum"], src_sum),
                        url=url, dest=dest)
    result["checksum_src"] = src_sum
    current = host.file_read(dest) if exists else None
    if current is None or hashlib.new(algo, current).hexdigest() != src_sum:
        result["changed"] = True
        if not check_mode:
            host.file_write(dest, body)
    result["checksum_dest"] = src_sum
    result["size"] = len(body)
    return result
