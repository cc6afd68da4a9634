# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Filter functions whose code is imported on their first call.

To find one filter of a collection, ansible-core imports every file under plugins/filter, from source (no
bytecode cache), in each task worker that uses it, and every worker is a fresh fork. So the filter files
import nothing heavy at load time: each filter is ``lazy(module, name)``, and a worker compiles only the rules
it calls.
"""

from __future__ import annotations

import importlib


def lazy(module: str, name: str):
    """``name`` of ``module`` (relative to this package, e.g. ``._readiness``), imported when first called."""
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module, __package__), name)(*args, **kwargs)
    call.__name__ = name
    return call
