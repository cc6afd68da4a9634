# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Filters and tests whose code is imported when they are first called.

To resolve one filter or test of a collection, ansible-core imports every filter (or test) file of that
collection, in each forked worker, and its collection loader compiles each imported module from source
(no bytecode cache). Deferring the imports keeps each task execution from compiling the code of filters it
does not call, about 20 ms of controller CPU per task and host.
"""

from __future__ import annotations

import functools
import importlib


def deferred(package, module, name):
    """A callable that imports ``module`` (relative to ``package``) on first call and calls its ``name``."""
    @functools.lru_cache(maxsize=None)
    def target():
        return getattr(importlib.import_module(module, package), name)

    def call(*args, **kwargs):
        return target()(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    return call
