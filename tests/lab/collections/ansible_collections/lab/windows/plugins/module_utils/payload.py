# -*- coding: utf-8 -*-
# Test-only: decode what ansible-core sends to a Windows host (exec_command cmd + stdin).
from __future__ import annotations

import base64
import json
import typing as t

SEP_219 = b"\n\0\0\0\0\n"  # ansible.executor.powershell.module_manifest, >= 2.19
SEP_LEGACY = b"\0\0\0\0"    # <= 2.18


def encoded_command(cmd: str) -> str | None:
    """The script of 'PowerShell ... -EncodedCommand <base64 utf-16-le>', or None."""
    parts = cmd.split()
    for i, p in enumerate(parts[:-1]):
        if p.lower() in ("-encodedcommand", "-enc", "-e"):
            try:
                return base64.b64decode(parts[i + 1]).decode("utf-16-le")
            except ValueError:
                return None
    return None


def fqcn_from_script_name(script_name: str) -> str:
    """'ansible_collections.ansible.windows.plugins.modules.win_regedit.ps1' -> 'ansible.windows.win_regedit'."""
    base = script_name[:-4] if script_name.lower().endswith(".ps1") else script_name
    bits = base.split(".")
    if bits[0] == "ansible_collections" and len(bits) >= 6:
        return "%s.%s.%s" % (bits[1], bits[2], bits[-1])
    return bits[-1]


def _ps_sources(scripts: dict[str, t.Any], module_script: str) -> list[str]:
    """The module's PowerShell text and its PowerShell module_utils (not ansible's exec wrappers)."""
    out = []
    for name, info in scripts.items():
        if name == module_script or name.startswith(("ansible_collections.", "Ansible.ModuleUtils.")):
            out.append(base64.b64decode(info["script"]).decode("utf-8-sig", "replace"))
    return out


def decode(cmd: str, in_data: bytes | None) -> dict[str, t.Any]:
    """Return {'kind': 'module'|'exec_action'|'raw', ...}.

    >= 2.19: stdin = bootstrap JSON, SEP, exec manifest JSON [, SEP, extra stdin]; the module call
             is the action 'module_wrapper.ps1' (params.Script names the module, Variables holds
             complex_args); other actions (powershell_mkdtemp.ps1, ...) are exec actions.
    <= 2.18: stdin = exec_wrapper.ps1 text, NUL x4, manifest JSON with module_args (incl.
             _ansible_module_name) and module_entry; without module_entry it is an exec action.
    """
    script = encoded_command(cmd)
    if not in_data or SEP_LEGACY not in in_data:
        return {"kind": "raw", "script": script if script is not None else cmd}

    if in_data.lstrip().startswith(b"{") and SEP_219 in in_data:
        boot_json, rest = in_data.split(SEP_219, 1)
        bootstrap = json.loads(boot_json)
        manifest_json, _sep, extra = rest.partition(SEP_219)
        manifest = json.loads(manifest_json)
        actions = manifest.get("actions") or [{"name": "?"}]
        last = actions[-1]
        out: dict[str, t.Any] = {
            "format": "2.19+",
            "kind": "exec_action",
            "bootstrap": bootstrap.get("name"),
            "action": last["name"],
            "params": last.get("params", {}),
            "actions": [a["name"] for a in actions],
            "stdin": extra,
            "become": any(a["name"] == "become_wrapper.ps1" for a in actions),
        }
        if last["name"] == "module_wrapper.ps1":
            p = last["params"]
            args = next((v["Value"] for v in p.get("Variables", []) if v.get("Name") == "complex_args"), {})
            out.update(kind="module", module=fqcn_from_script_name(p["Script"]), args=args or {},
                       ps_sources=_ps_sources(manifest.get("scripts") or {}, p["Script"]))
        elif last["name"] in ("async_watchdog.ps1", "async_wrapper.ps1"):
            out["kind"] = "unsupported"
        return out

    _wrapper, _sep, manifest_json = in_data.partition(SEP_LEGACY)
    manifest = json.loads(manifest_json)
    actions = manifest.get("actions") or []
    if "module_entry" not in manifest:
        return {"format": "<=2.18", "kind": "exec_action", "action": actions[-1] if actions else "?",
                "actions": actions, "params": manifest}
    if "async_watchdog" in actions or "async_wrapper" in actions:
        return {"format": "<=2.18", "kind": "unsupported", "action": actions[-1], "actions": actions}
    args = manifest.get("module_args", {}) or {}
    return {"format": "<=2.18", "kind": "module", "action": actions[-1] if actions else "?", "actions": actions,
            # ansible-core up to 2.18 names the action become_wrapper in its exec manifest.
            "become": "become_wrapper" in actions,
            "module": args.get("_ansible_module_name", ""), "args": args,
            "module_source": base64.b64decode(manifest["module_entry"]).decode("utf-8", "replace"),
            "ps_sources": [base64.b64decode(manifest["module_entry"]).decode("utf-8", "replace")]
            + [base64.b64decode(v).decode("utf-8", "replace") for v in (manifest.get("powershell_modules") or {}).values()]}
