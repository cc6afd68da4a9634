# -*- coding: utf-8 -*-
# Shared registry data handling for the registry simulations (conversions as win_regedit does them).
from __future__ import annotations

import re

_PS_PATH = re.compile(r"^HK(CC|CR|CU|LM|U):\\", re.I)


def check_ps_path(host, path):
    if not _PS_PATH.match(path or ""):
        raise host.fail("path: %s is not a valid powershell path, see module documentation for examples." % path)


def hex_to_bytes(s):
    s = re.sub(r"^hex:", "", s.lower())
    s = re.sub(r"[^a-f0-9\\,x\-:]", "", s).replace(",", ":")
    if not s:
        return []
    if len(s) == 1:
        return [int(s, 16)]
    if ":" not in s and len(s) % 2 == 0:
        return [int(s[i:i + 2], 16) for i in range(0, len(s), 2)]
    if ":" in s:
        return [int(x, 16) for x in re.split(":+", s) if x]
    return []


def _to_uint(host, data):
    if isinstance(data, bool):
        data = int(data)
    if isinstance(data, str):
        s = data.strip()
        try:
            return int(s, 16) if s.lower().startswith("0x") else int(s)
        except ValueError:
            raise host.fail("Cannot convert value \"%s\" to type \"System.UInt64\"." % data)
    if isinstance(data, float):
        if data % 1:
            raise host.fail("data '%s' cannot be a decimal or float value with a remainder when type is dword or qword" % data)
        return int(data)
    return int(data)


def convert(host, vtype, data, name):
    """Normalise data like win_regedit; dword/qword stored signed like .NET GetValue returns them."""
    if vtype in ("binary", "none"):
        if data is None:
            data = ""
        if isinstance(data, str):
            return hex_to_bytes(data)
        if isinstance(data, int):
            if data > 255:
                raise host.fail("cannot convert binary data '%s' to byte array, please specify this value as a yaml "
                                "byte array or a comma separated hex value string" % data)
            return [data]
        return [int(x) for x in data]
    if vtype in ("dword", "qword"):
        n = 0 if data is None else _to_uint(host, data)
        if vtype == "dword":
            if n > 0xFFFFFFFF:
                raise host.fail("data cannot be larger than 0xffffffff when type is dword")
            return n - (1 << 32) if n > 0x7FFFFFFF else n
        if n > 0xFFFFFFFFFFFFFFFF:
            raise host.fail("data cannot be larger than 0xffffffffffffffff when type is qword")
        return n - (1 << 64) if n > 0x7FFFFFFFFFFFFFFF else n
    if vtype == "multistring":
        if data is None:
            return []
        if isinstance(data, list):
            return [str(x) for x in data]
        return [str(data)]
    if data is None and name:
        return ""
    return data if data is None else str(data)


def diff_value(vtype, value):
    if vtype in ("binary", "none"):
        return {"type": vtype.capitalize() if vtype != "none" else "None", "value": ["0x%02x" % b for b in value]}
    if vtype == "dword":
        return {"type": "DWord", "value": "0x%08x" % (value & 0xFFFFFFFF)}
    if vtype == "qword":
        return {"type": "QWord", "value": "0x%016x" % (value & 0xFFFFFFFFFFFFFFFF)}
    names = {"string": "String", "expandstring": "ExpandString", "multistring": "MultiString"}
    return {"type": names.get(vtype, vtype), "value": value}
