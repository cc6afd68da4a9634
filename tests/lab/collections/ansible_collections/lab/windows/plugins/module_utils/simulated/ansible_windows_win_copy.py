# -*- coding: utf-8 -*-
# Simulation of the module half of ansible.windows.win_copy (ansible.windows 3.3.0); the real
# action plugin runs on the controller and drives it with _copy_mode query/single/remote.
# ansible.windows.win_template goes through the same action and module.
from __future__ import annotations

import hashlib

# Options the action plugin passes that the docs do not list (the module reads them with Get-AnsibleParam).
EXTRA_OPTIONS = {
    "_copy_mode": {"type": "str", "choices": ["explode", "query", "remote", "single"], "default": "single"},
    "_original_basename": {"type": "str"},
    "files": {"type": "list"},
    "directories": {"type": "list"},
    "symlinks": {"type": "list"},
    # passed through from win_template's task args by the action plugins
    "newline_sequence": {"type": "str"}, "block_start_string": {"type": "str"}, "block_end_string": {"type": "str"},
    "variable_start_string": {"type": "str"}, "variable_end_string": {"type": "str"}, "trim_blocks": {"type": "bool"},
    "lstrip_blocks": {"type": "bool"}, "output_encoding": {"type": "str"}, "comment_start_string": {"type": "str"},
    "comment_end_string": {"type": "str"},
}


def _join(a, b):
    return a.rstrip("\\/") + "\\" + b.replace("/", "\\")


def _checksum(host, path):
    data = host.file_read(path)
    return None if data is None else hashlib.sha1(data).hexdigest()


def simulate(host, args, check_mode, diff):
    mode = args["_copy_mode"]
    if args["backup"]:
        host.warn("simwin: win_copy backup=true is not simulated, no backup file is made")
    dest = host.expand(args["dest"]) if args["dest"] else None
    if not dest:
        raise host.fail("Get-AnsibleParam: Missing required argument: dest")
    if mode == "query":
        files, dirs = [], []
        for f in args["files"] or []:
            filepath = _join(dest, f["dest"])
            if host.is_dir(filepath):
                filepath = _join(filepath, f["src"].replace("\\", "/").rsplit("/", 1)[-1])
            if host.file_exists(filepath):
                if args["force"] and _checksum(host, filepath) != f.get("checksum"):
                    files.append(f)
            else:
                files.append(f)
        for d in args["directories"] or []:
            dirpath = _join(dest, d["dest"])
            if host.file_exists(dirpath) and not host.is_dir(dirpath):
                raise host.fail("cannot copy folder to dest '%s': object at path is already a file" % dirpath)
            if not host.is_dir(dirpath):
                dirs.append(d)
        return {"changed": False, "files": files, "directories": dirs, "symlinks": []}
    if mode == "single":
        src = host.expand(args["src"])
        data = host.file_read(src)
        if data is None:
            raise host.fail("Cannot copy src file: '%s' as it does not exist" % src)
        remote = dest
        if args["dest"].endswith(("/", "\\")) or host.is_dir(dest):
            remote = _join(dest, args["_original_basename"] or src.rsplit("\\", 1)[-1])
        parent = remote.rsplit("\\", 1)[0]
        if host.file_exists(parent) and not host.is_dir(parent):
            raise host.fail("object at destination parent dir '%s' is currently a file" % parent)
        if not host.is_dir(parent) and remote == dest:
            raise host.fail("Destination directory '%s' does not exist" % parent)
        if not check_mode:
            host.file_write(remote, data)
        return {"changed": True, "dest": remote, "checksum": hashlib.sha1(data).hexdigest(), "size": len(data),
                "original_basename": args["_original_basename"]}
    if mode == "remote":
        return _remote(host, args, dest, check_mode, diff)
    raise host.fail("simwin: win_copy _copy_mode=%s (copying a directory tree as a zip) is not simulated" % mode)


def _remote(host, args, dest, check_mode, diff):
    """remote_src: the module's Copy-File. force=false never overwrites an existing dest (and returns no checksum)."""
    src = host.expand(args["src"])
    result = {"changed": False, "src": src, "dest": dest}
    if host.is_dir(src):
        raise host.fail("simwin: win_copy remote_src with a directory src is not simulated", **result)
    data = host.file_read(src)
    if data is None:
        raise host.fail("Cannot copy src file: '%s' as it does not exist" % src, **result)
    basename = src.rsplit("\\", 1)[-1]
    result.update(operation="file_copy", original_basename=basename)
    remote = _join(dest, basename) if args["dest"].endswith(("/", "\\")) or host.is_dir(dest) else dest
    result["dest"] = remote
    parent = remote.rsplit("\\", 1)[0]
    if host.file_exists(parent) and not host.is_dir(parent):
        raise host.fail("object at destination parent dir '%s' is currently a file" % parent, **result)
    if not host.is_dir(parent) and remote == dest:
        raise host.fail("Destination directory '%s' does not exist" % parent, **result)
    if host.is_dir(remote):
        raise host.fail("cannot copy file from '%s' to '%s': dest is already a folder" % (src, remote), **result)
    checksum = hashlib.sha1(data).hexdigest() if args["force"] else None
    exists = host.file_exists(remote)
    copy = not exists or (args["force"] and _checksum(host, remote) != checksum)
    prepared = ""
    if copy:
        if not host.is_dir(parent):
            prepared += "+%s\n" % parent
        if exists:
            prepared += "-%s\n" % remote
        prepared += "+%s\n" % remote
        if not check_mode:
            host.file_write(remote, data)
    current = host.file_read(remote)
    result.update(changed=copy, checksum=checksum, size=None if current is None else len(current))
    if diff:
        result["diff"] = {"prepared": prepared}
    return result
