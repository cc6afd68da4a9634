#!/usr/bin/env bash
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The README's main job: the site playbook on the lab (fake tenant + simulated Windows hosts), run twice,
# checked (state read back from the hosts and the tenant, second run changed=0) and summarised.
# Exits non-zero when any check fails.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${LAB_VENV:-newest}"
tools/setup.sh "$VENV"
# shellcheck source=tools/env.sh
. tools/env.sh "$VENV"
export LAB_VENV="$VENV"
exec python tests/integration/lab/lab_main.py
