#!/usr/bin/env bash
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
