# -*- coding: utf-8 -*-
# Simulation of ansible.windows.win_regedit (ansible.windows 3.3.0 docs and module behaviour).
from __future__ import annotations

from ansible_collections.lab.windows.plugins.module_utils.simulated import _regdata


def simulate(host, args, check_mode, diff):
    path, name, vtype = args["path"], args["name"], (args["type"] or "string").lower()
    result = {"changed": False, "data_changed": False, "data_type_changed": False}
    if name is None and vtype != "string":
        host.warn("the data type when name is not specified can only be 'string', the type has automatically been converted")
        vtype = "string"
    _regdata.check_ps_path(host, path)
    if args["hive"]:
        raise host.fail("simwin: win_regedit hive= (loading an offline hive) is not simulated")
    if name == "":
        name = None
    data = _regdata.convert(host, vtype, args["data"], name)
    d_before, d_after = "", ""
    key = host.reg_get_key(path)

    if args["state"] == "absent":
        if key is None:
            pass
        elif args["delete_key"] and not name:
            result["changed"] = True
            d_before, d_after = {path: {}}, {}
            if not check_mode:
                host.reg_delete_key(path)
        else:
            cur = host.reg_get_value(path, name or "")
            if cur is not None:
                result["changed"] = True
                d_before, d_after = {path: {name: _regdata.diff_value(cur["type"], cur["data"])}}, {path: {}}
                if not check_mode:
                    host.reg_delete_value(path, name or "")
    else:
        if key is None:
            result["changed"] = True
            d_before, d_after = {}, {path: {}}
            if not check_mode:
                host.reg_create_key(path)
        else:
            d_before, d_after = {path: {}}, {path: {}}
        if data is not None and (key is not None or not check_mode):
            cur = host.reg_get_value(path, name or "")
            if cur is not None:
                change = False
                if cur["type"] != vtype:
                    change = True
                    result["data_type_changed"] = True
                    result["data_changed"] = cur["data"] != data
                elif cur["data"] != data:
                    change = True
                    result["data_changed"] = True
                if change:
                    result["changed"] = True
                    d_before[path][name] = _regdata.diff_value(cur["type"], cur["data"])
                    d_after[path][name] = _regdata.diff_value(vtype, data)
                    if not check_mode:
                        host.reg_set_value(path, name or "", data, vtype)
                else:
                    d_before[path][name] = d_after[path][name] = _regdata.diff_value(cur["type"], cur["data"])
            else:
                result["changed"] = True
                d_after[path][name] = _regdata.diff_value(vtype, data)
                if not check_mode:
                    host.reg_set_value(path, name or "", data, vtype)
    if diff:
        result["diff"] = {"before": d_before, "after": d_after}
    return result
