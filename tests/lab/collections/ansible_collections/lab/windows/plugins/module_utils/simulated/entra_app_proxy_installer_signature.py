# -*- coding: utf-8 -*-
# Simulation of entra.app_proxy.installer_signature (plugins/modules/installer_signature.ps1).
# The lab's fake installers carry no Authenticode signature, so a file's signature is modelled by its
# content: a known installer marker (installers model) counts as signed by Microsoft, unless the blob
# says otherwise with a "signature=..." line (NotSigned, HashMismatch, or signer=... for another publisher).
from __future__ import annotations

MICROSOFT_SIGNER = "CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US"
MICROSOFT_THUMBPRINT = "245D262748012A4FE6CE8BA6C951A4C4AFBC3E5D"
MARKERS = {"FAKE-MS-CONNECTOR-INSTALLER": "Microsoft Entra private network connector"}


def _blob(host, path):
    data = host.file_read(path) or b""
    lines = data.decode("utf-8", "replace").splitlines()
    if not lines:
        return None, {}
    head = lines[0].split()
    info = {}
    for part in head[1:]:
        key, _sep, value = part.partition("=")
        info[key.strip().lower()] = value.strip()
    for line in lines[1:]:
        key, _sep, value = line.partition("=")
        info[key.strip().lower()] = value.strip()
    return (head[0] if head else None), info


def simulate(host, args, check_mode, diff):
    path = host.expand(args["path"])
    result = {"changed": False, "exists": False, "status": None, "status_message": None, "signer_subject": None,
              "signer_thumbprint": None, "file_version": None, "product_name": None}
    if not host.file_exists(path) or host.is_dir(path):
        return result
    result["exists"] = True
    marker, info = _blob(host, path)
    entry = host.file_get(path) or {}
    result["file_version"] = entry.get("version") or info.get("version")
    status = info.get("signature") or ("Valid" if marker in MARKERS else "NotSigned")
    result["status"] = status
    if status == "NotSigned":
        result["status_message"] = "The file %s is not digitally signed. You cannot run this script on the current system." % path
        return result
    result["product_name"] = MARKERS.get(marker)
    result["signer_subject"] = info.get("signer") or MICROSOFT_SIGNER
    result["signer_thumbprint"] = MICROSOFT_THUMBPRINT if "signer" not in info else "0" * 40
    result["status_message"] = "Signature verified." if status == "Valid" else \
        "The contents of file %s might have been changed by an unauthorized user or process." % path
    return result
