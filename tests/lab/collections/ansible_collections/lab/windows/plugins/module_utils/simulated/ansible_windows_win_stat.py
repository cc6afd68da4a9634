# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_stat (ansible.windows 3.3.0).
from __future__ import annotations

import hashlib


def simulate(host, args, check_mode, diff):
    path = host.expand(args["path"])
    e = host.file_get(path)
    if e is None:
        return {"changed": False, "stat": {"exists": False}}
    isdir = e["type"] == "directory"
    name = path.rsplit("\\", 1)[-1]
    st = {
        "exists": True, "path": path, "isdir": isdir, "isreg": not isdir, "islnk": False, "isjunction": False,
        "isarchive": not isdir, "ishidden": False, "isreadonly": False, "isshared": False, "nlink": 1,
        "attributes": "Directory" if isdir else "Archive", "owner": "BUILTIN\\Administrators",
        "creationtime": 1767225600.0, "lastaccesstime": 1767225600.0, "lastwritetime": 1767225600.0,
        "hlnk_targets": [],
    }
    if not isdir:
        data = host.file_read(path) or b""
        st["filename"] = name
        st["extension"] = ("." + name.rsplit(".", 1)[-1]) if "." in name else ""
        if args["get_size"]:
            st["size"] = len(data)
        if args["get_checksum"]:
            st["checksum"] = hashlib.new(args["checksum_algorithm"], data).hexdigest()
    elif args["get_size"]:
        st["size"] = sum(len(host.file_read(p) or b"") for p in [path + "\\" + n for n in host.listdir(path)])
    return {"changed": False, "stat": st}
