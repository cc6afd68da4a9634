# -*- coding: utf-8 -*-
# Test-only: build a host's state file from a human-friendly seed (tests/lab/states/<host>.json).
from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import typing as t

from ansible_collections.lab.windows.plugins.module_utils import installers
from ansible_collections.lab.windows.plugins.module_utils.host_state import HostState, make_certificate

# Sections copied as they are; the rest go through the HostState API so the layout stays in one place.
_PLAIN = ("facts", "network", "domain", "boot", "proxy", "installers", "env", "available_features", "on_reboot")


def _merge(base: dict[str, t.Any], over: dict[str, t.Any]) -> dict[str, t.Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        elif isinstance(v, list) and isinstance(out.get(k), list) and k in ("services", "packages", "firewall_rules", "features"):
            out[k] = out[k] + v
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_seed(seed_dir: str, name: str) -> dict[str, t.Any]:
    with open(os.path.join(seed_dir, name + ".json"), encoding="utf-8") as f:
        seed = json.load(f)
    parent = seed.pop("extends", None)
    seed.pop("description", None)
    if parent:
        seed = _merge(load_seed(seed_dir, parent), seed)
    return seed


def build_state(host_name: str, seed: dict[str, t.Any], state_dir: str) -> dict[str, t.Any]:
    host = HostState(host_name, {}, state_dir)
    for k in _PLAIN:
        if k in seed:
            host.state[k] = copy.deepcopy(seed[k])
    for path, values in seed.get("registry", {}).items():
        host.reg_create_key(path)
        for name, (vtype, data) in values.items():
            host.reg_set_value(path, name, data, vtype)
    for path, spec in seed.get("files", {}).items():
        if isinstance(spec, dict) and spec.get("type") == "directory":
            host.mkdir(path)
        elif isinstance(spec, dict):
            host.file_write(path, spec.get("text", ""), version=spec.get("version"))
        else:
            host.file_write(path, spec)
    for svc in seed.get("services", []):
        host.service_put(svc)
    for pkg in seed.get("packages", []):
        host.package_put(pkg)
    for feat in seed.get("features", []):
        host.feature_set(feat, True)
    for rule in seed.get("firewall_rules", []):
        host.firewall_rule_put(rule)
    for lay in seed.get("layouts", []):
        if lay.get("kind") == "connector":
            layout = installers.layout_of(lay["version"])
            installers.install_layout(host, layout, lay["version"])
            thumbprint, in_user_store = lay.get("trust_settings_thumbprint"), False
            if lay.get("certificate"):
                thumbprint, in_user_store = _certificate(host, lay["certificate"])
            if thumbprint:
                host.file_write(installers.LAYOUTS[layout]["data"] + "\\Config\\TrustSettings.xml",
                                '<?xml version="1.0" encoding="utf-8"?>\n<ConnectorTrustSettingsFile>\n  <CloudProxyTrust>\n'
                                '    <Thumbprint>%s</Thumbprint>\n    <IsInUserStore>%s</IsInUserStore>\n'
                                '  </CloudProxyTrust>\n</ConnectorTrustSettingsFile>\n'
                                % (thumbprint, "true" if in_user_store else "false"))
            for svc_name, st in (lay.get("service_states") or {}).items():
                host.service_get(svc_name)["state"] = st
    for k, v in seed.get("state", {}).items():  # raw escape hatch for other parts of the lab
        host.state[k] = copy.deepcopy(v)
    host.state["history"] = []
    return host.state


def _certificate(host: HostState, spec: dict[str, t.Any]) -> tuple[str, bool]:
    """A connector trust certificate where spec["location"] says: "machine" (LocalMachine\\My), or, as after
    an automatic renewal, the Network Service store's "registry" Blob or roaming-profile "file".
    Returns (thumbprint, IsInUserStore)."""
    subject = spec.get("subject", "CN={5b2c7f0e-2d7a-4e62-9a3e-0c0ffee00099}")
    issuer = spec.get("issuer", "CN=connectorregistrationca.msappproxy.net")
    der = make_certificate(subject, issuer, spec.get("not_after", "2030-01-01T00:00:00Z"))
    thumbprint = hashlib.sha1(der).hexdigest().upper()  # noqa: S324 - Windows' thumbprint is SHA-1
    if spec.get("location", "machine") == "machine":
        host.state.setdefault("certificates", {}).setdefault("LocalMachine\\My", {})[thumbprint] = {
            "thumbprint": thumbprint, "subject": subject, "issuer": issuer,
            "not_after": spec.get("not_after", "2030-01-01T00:00:00Z"), "der": base64.b64encode(der).decode()}
        return thumbprint, False
    host.network_service_certificate_put(thumbprint, der, spec["location"])
    return thumbprint, True


def reset(seed_dir: str, state_dir: str, hosts: dict[str, str] | None = None) -> list[str]:
    """Write <state_dir>/<host>.json for every seed (or hosts: name -> seed) and the shared AD db."""
    os.makedirs(state_dir, exist_ok=True)
    if hosts is None:
        hosts = {os.path.splitext(f)[0]: os.path.splitext(f)[0] for f in sorted(os.listdir(seed_dir))
                 if f.endswith(".json") and not f.startswith("_")}
    for host_name, seed_name in hosts.items():
        state = build_state(host_name, load_seed(seed_dir, seed_name), state_dir)
        _write(os.path.join(state_dir, host_name + ".json"), state)
    domains = os.path.join(seed_dir, "_domains.json")
    if os.path.exists(domains):
        with open(domains, encoding="utf-8") as f:
            _write(os.path.join(state_dir, "_domains.json"), json.load(f))
    return sorted(hosts)


def _write(path: str, data: dict[str, t.Any]) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)
