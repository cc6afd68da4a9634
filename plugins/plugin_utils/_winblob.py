# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Windows registry values and proxy blobs, decoded on the controller.

``server_info`` returns each registry value as Windows stores it: ``{kind, value}`` with the
``RegistryValueKind`` name and binary data as base64. The two proxy blobs are laid out as:

* ``WinHttpSettings`` (``HKLM\\...\\Internet Settings\\Connections``, written by ``netsh winhttp set
  proxy``): DWORD version, DWORD counter, DWORD flags (0x1 direct, 0x2 named proxy), DWORD length +
  proxy text, DWORD length + bypass text.
* ``DefaultConnectionSettings`` (the Internet Options LAN settings): DWORD version, DWORD counter,
  DWORD flags (0x2 named proxy, 0x4 setup script, 0x8 detect automatically), then proxy, bypass and
  setup script URL, each a DWORD length and text; more fields follow that are not needed here.

All integers are little-endian; the texts are single-byte ANSI without a terminator.
"""

from __future__ import annotations

import base64
import struct
import typing as t

WINHTTP_NAMED_PROXY = 0x2
INET_NAMED_PROXY = 0x2
INET_SETUP_SCRIPT = 0x4
INET_AUTO_DETECT = 0x8


class BlobError(ValueError):
    """A blob is shorter than its own lengths say."""


def reg_value(read: dict[str, t.Any] | None) -> t.Any:
    """The Python value of one raw registry read, or None when the value does not exist."""
    if not read or read.get("kind") is None:
        return None
    kind, value = read["kind"], read.get("value")
    if kind == "DWord":
        return int(value) & 0xFFFFFFFF  # .NET hands a DWORD over as a signed Int32
    if kind == "QWord":
        return int(value) & 0xFFFFFFFFFFFFFFFF
    if kind == "Binary":
        return base64.b64decode(value or "")
    if kind == "MultiString":
        return [] if value is None else [value] if isinstance(value, str) else list(value)
    return value


def reg_dword(read: dict[str, t.Any] | None) -> int | None:
    """A DWORD value; None when absent or of another kind (Windows ignores those too)."""
    if not read or read.get("kind") not in ("DWord", "QWord"):
        return None
    return reg_value(read)


def _texts(blob: bytes, offset: int, count: int) -> list[str]:
    out = []
    for _index in range(count):
        if offset + 4 > len(blob):
            raise BlobError("the blob ends at byte %d, inside a length field" % len(blob))
        (length,) = struct.unpack_from("<I", blob, offset)
        if offset + 4 + length > len(blob):
            raise BlobError("a text of %d bytes at byte %d runs past the end of the blob (%d bytes)"
                            % (length, offset + 4, len(blob)))
        out.append(blob[offset + 4:offset + 4 + length].decode("latin-1"))
        offset += 4 + length
    return out


def _flags(blob: bytes) -> int:
    if len(blob) < 12:
        raise BlobError("the blob has %d bytes, fewer than its 12-byte header" % len(blob))
    return struct.unpack_from("<I", blob, 8)[0]


def winhttp_settings(blob: bytes | None) -> dict[str, str | None]:
    """``{proxy, bypass}`` of a WinHttpSettings blob; both None for direct access or no blob."""
    info: dict[str, str | None] = {"proxy": None, "bypass": None}
    if not blob:
        return info
    flags = _flags(blob)
    if not flags & WINHTTP_NAMED_PROXY:
        return info
    proxy, bypass = _texts(blob, 12, 2)
    info["proxy"] = proxy or None
    info["bypass"] = bypass or None
    return info


def inet_settings(blob: bytes | None) -> dict[str, t.Any]:
    """``{proxy, bypass, auto_detect, auto_config_url}`` of a DefaultConnectionSettings blob.

    Without a blob Windows detects settings automatically, as a new profile does.
    """
    info: dict[str, t.Any] = {"proxy": None, "bypass": None, "auto_detect": False, "auto_config_url": None}
    if not blob:
        return info
    flags = _flags(blob)
    proxy, bypass, script = _texts(blob, 12, 3)
    info["auto_detect"] = bool(flags & INET_AUTO_DETECT)
    if flags & INET_NAMED_PROXY and proxy:
        info["proxy"] = proxy
    info["bypass"] = bypass or None
    if flags & INET_SETUP_SCRIPT and script:
        info["auto_config_url"] = script
    return info
