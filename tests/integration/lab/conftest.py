# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab lifecycle tests: run the playbooks on the lab and read back what they left.

Tests in one file share a lab state directory. Under pytest-xdist (make test runs
`-n 2 --dist loadfile`) each worker gets its own, so files on different workers never meet.
"""
from __future__ import annotations

import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

# Set before labrun.py is imported: it reads LAB_STATE_DIR once.
if os.environ.get("PYTEST_XDIST_WORKER") and not os.environ.get("LAB_STATE_DIR"):
    os.environ["LAB_STATE_DIR"] = tempfile.mkdtemp(prefix="lab-%s-" % os.environ["PYTEST_XDIST_WORKER"])
