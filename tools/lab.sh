#!/usr/bin/env bash
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The README's main job: the site playbook on the lab (fake tenant + simulated Windows hosts), run twice,
# checked (state read back from the hosts and the tenant, second run changed=0) and summarised.
# Exits non-zero when any check fails. As root the lab signs in with the password flow on port 443; as an
# ordinary user with a device code that the fake tenant approves itself, on an unprivileged port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TOOLCHAIN="${LAB_TOOLCHAIN:-newest}"
tools/setup.sh "$TOOLCHAIN"
export LAB_TOOLCHAIN="$TOOLCHAIN"
exec "$ROOT/.venv/$TOOLCHAIN/bin/python" tests/lab/lab_main.py
