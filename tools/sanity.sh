#!/usr/bin/env bash
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# ansible-test sanity on a copy of the tracked tree (ansible-test needs .../ansible_collections/entra/app_proxy).
#   tools/sanity.sh [ansible-test sanity args...]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.cache/sanity/ansible_collections/entra/app_proxy"
rm -rf "$DEST"
mkdir -p "$DEST"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 -I{} cp --parents {} "$DEST" 2>/dev/null || true)
cd "$DEST"
# ansible-test lists files with git; without a repo of its own it would ask the enclosing
# checkout, where .cache/ is ignored, and find nothing.
git init -q . && git add -A >/dev/null
# pslint and validate-modules' PowerShell argument-spec step need pwsh, which cannot be installed
# here: tools/ps_check.py covers syntax and $spec-versus-docs for the .ps1 modules instead, and
# validate-modules runs on the Python modules only.
test="$ROOT/.venv/newest/bin/ansible-test"
rc=0
"$test" sanity --venv --python 3.12 --color no --skip-test pslint --skip-test validate-modules "$@" || rc=$?
"$test" sanity --venv --python 3.12 --color no --test validate-modules plugins/modules/*.py || rc=$?
exit "$rc"
