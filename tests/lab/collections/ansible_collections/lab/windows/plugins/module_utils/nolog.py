# -*- coding: utf-8 -*-
# Test-only: which options a Windows module marks no_log, read from its PowerShell source.
#
# Ansible.Basic masks every option whose $spec entry says `no_log = $true`, including options
# a module_util merges into the spec (microsoft.ad's _ADObject adds domain_password and
# domain_credentials[].password). Upstream docs do not carry no_log, so the docs alone would
# let those values through to `invocation` - the source is the truth.
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import typing as t

_TOKEN = re.compile(
    r"(?P<comment>#[^\r\n]*)"
    r"|(?P<named>(?<![\w$])\$?(?P<name>[A-Za-z_]\w*)\s*=\s*@\{)"
    r"|(?P<open>\{)"
    r"|(?P<close>\})"
    r"|(?P<nolog>(?<![\w$])no_log\s*=\s*\$true\b)"
    r"|(?P<nameattr>(?<![\w$])Name\s*=\s*['\"](?P<attr>[A-Za-z_]\w*)['\"])",
    re.I,
)


@functools.lru_cache(maxsize=256)
def no_log_paths(source: str) -> frozenset[tuple[str, ...]]:
    """Option paths marked no_log in one PowerShell source, e.g. {('domain_password',), ('domain_credentials', 'password')}.

    A path is the chain of hashtable keys that sit directly under an `options = @{ }` block.
    microsoft.ad's PropertyInfo form (`[PSCustomObject]@{ Name = 'password'; Option = @{ no_log = $true } }`)
    declares a top-level option.
    """
    frames: list[dict[str, t.Any]] = []
    found: set[tuple[str, ...]] = set()
    for m in _TOKEN.finditer(source):
        if m.group("comment"):
            continue
        if m.group("named"):
            frames.append({"name": m.group("name"), "attr": None})
        elif m.group("open"):
            frames.append({"name": None, "attr": None})
        elif m.group("close"):
            if frames:
                frames.pop()
        elif m.group("nameattr"):
            if frames:
                frames[-1]["attr"] = m.group("attr")
        elif m.group("nolog") and frames:
            path = tuple(frames[i]["name"] for i in range(1, len(frames))
                         if (frames[i - 1]["name"] or "").lower() == "options" and frames[i]["name"])
            if path:
                found.add(path)
            elif (frames[-1]["name"] or "").lower() == "option" and len(frames) > 1 and frames[-2]["attr"]:
                found.add((frames[-2]["attr"],))
    return frozenset(found)


def sources_from_files(module_ps1: str) -> list[str]:
    """The module's .ps1 and the PowerShell module_utils it requires (when the payload did not carry them)."""
    out: list[str] = []
    seen: set[str] = set()
    todo = [module_ps1]
    marker = os.sep + "ansible_collections" + os.sep
    root = module_ps1[:module_ps1.rfind(marker) + 1] if marker in module_ps1 else ""
    while todo:
        path = todo.pop()
        if path in seen or not os.path.exists(path):
            continue
        seen.add(path)
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            text = f.read()
        out.append(text)
        for ref in re.findall(r"(?im)^#AnsibleRequires\s+-PowerShell\s+(\S+)", text):
            if ref.startswith("."):
                dots = len(ref) - len(ref.lstrip("."))
                base = os.path.dirname(path)
                for _level in range(dots - 1):
                    base = os.path.dirname(base)
                todo.append(os.path.join(base, *ref.lstrip(".").split(".")) + ".psm1")
            elif ref.startswith("ansible_collections.") and root:
                todo.append(os.path.join(root, *ref.split(".")) + ".psm1")
    return out


def cached_no_log_paths(source: str, cache_dir: str | None = None) -> frozenset[tuple[str, ...]]:
    """no_log_paths, skipping sources without any no_log and keeping results on disk by content hash
    (every task runs in a new worker; the big module_utils take tens of ms to scan)."""
    if "no_log" not in source.lower():
        return frozenset()
    if not cache_dir:
        return no_log_paths(source)
    path = os.path.join(cache_dir, "nolog-%s.json" % hashlib.sha1(source.encode("utf-8", "replace")).hexdigest())
    try:
        with open(path, encoding="utf-8") as f:
            return frozenset(tuple(p) for p in json.load(f))
    except (OSError, ValueError):
        pass
    found = no_log_paths(source)
    try:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = "%s.%d.tmp" % (path, os.getpid())
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(sorted(found), f)
        os.replace(tmp, path)
    except OSError:
        pass
    return found


def apply(options: dict[str, t.Any], sources: t.Iterable[str], cache_dir: str | None = None) -> dict[str, t.Any]:
    """A copy of the documented options with no_log set on every path the sources mark."""
    paths: set[tuple[str, ...]] = set()
    for src in sources:
        paths |= cached_no_log_paths(src, cache_dir)
    if not paths:
        return options
    out = dict(options)
    for path in sorted(paths):
        level = out
        for i, key in enumerate(path):
            match = next((k for k in level if k.lower() == key.lower()), None)
            if match is None:
                break
            spec = dict(level[match])
            level[match] = spec
            if i == len(path) - 1:
                spec["no_log"] = True
            else:
                spec["suboptions"] = dict(spec.get("suboptions") or {})
                level = spec["suboptions"]
    return out


__all__ = ["no_log_paths", "sources_from_files", "apply"]
