#!/usr/bin/env bash
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Galaxy's own import check on the built tarball. Its ansible-test and ansible-lint steps are off: sanity and
# lint run as stages of their own, and the importer only reports lint findings, it never fails on them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cfg="$ROOT/.cache/galaxy-importer.cfg"
printf '[galaxy-importer]\nRUN_ANSIBLE_TEST = False\nRUN_ANSIBLE_LINT = False\n' >"$cfg"
cd "$ROOT/.cache"  # the importer writes importer_result.json into the working directory
out="$(GALAXY_IMPORTER_CONFIG="$cfg" python -m galaxy_importer.main "$ROOT"/.cache/dist/entra-app_proxy-*.tar.gz 2>&1)"
printf '%s\n' "$out"
# The importer exits 0 even for some rejected imports; its own words decide.
if grep -qE '^(ERROR|CRITICAL)|import failed' <<<"$out"; then
    exit 1
fi
