# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_file (ansible.windows 3.3.0).
from __future__ import annotations


def simulate(host, args, check_mode, diff):
    path = host.expand(args["path"])
    state = args["state"]
    entry = host.file_get(path)
    result = {"changed": False}
    if entry is None and state is None:
        raise host.fail("path %s will not be created" % path)
    if state is None:
        state = "directory" if entry["type"] == "directory" else "file"
    if state == "absent":
        if entry is not None:
            result["changed"] = True
            if not check_mode:
                host.file_delete(path)
    elif state == "touch":
        result["changed"] = True
        if not check_mode:
            if entry is None:
                host.file_write(path, b"")
            host.record("touch", path=path)
    elif state == "directory":
        if entry is not None and entry["type"] != "directory":
            raise host.fail("path %s is not a directory" % path)
        if entry is None:
            result["changed"] = True
            if not check_mode:
                host.mkdir(path)
    elif state == "file":
        if entry is None:
            raise host.fail("path %s will not be created" % path)
        if entry["type"] == "directory":
            raise host.fail("path %s is a directory" % path)
    return result
