# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_reg_stat (ansible.windows 3.3.0).
from __future__ import annotations

_TYPES = {"binary": "REG_BINARY", "string": "REG_SZ", "dword": "REG_DWORD", "qword": "REG_QWORD",
          "multistring": "REG_MULTI_SZ", "expandstring": "REG_EXPAND_SZ", "none": "REG_NONE"}


def _prop(host, v):
    t, data = v["type"], v["data"]
    if t in ("binary", "none"):
        return {"type": _TYPES[t], "value": data, "raw_value": ["0x%02x" % b for b in data]}
    if t == "dword":
        data = data & 0xFFFFFFFF
        return {"type": _TYPES[t], "value": data, "raw_value": data}
    if t == "qword":
        data = data & 0xFFFFFFFFFFFFFFFF
        return {"type": _TYPES[t], "value": data, "raw_value": data}
    value = host.expand(data) if t == "expandstring" else data
    return {"type": _TYPES.get(t, "REG_SZ"), "value": value, "raw_value": data}


def simulate(host, args, check_mode, diff):
    import re
    path, name = args["path"], args["name"]
    if not re.match(r"^HK(CC|CR|CU|LM|U):\\", path):
        raise host.fail("path: %s is not a valid registry path, see module documentation for examples." % path)
    key = host.reg_get_key(path)
    result = {"changed": False}
    if key is None:
        result["exists"] = False
    elif name is None:
        result["exists"] = True
        result["properties"] = {v["name"]: _prop(host, v) for v in key["values"].values()}
        result["sub_keys"] = host.reg_subkeys(path)
    else:
        v = host.reg_get_value(path, name)
        result["exists"] = v is not None
        if v is not None:
            result.update(_prop(host, v))
    return result
