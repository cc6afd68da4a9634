# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Source this to use a toolchain by hand:  . tools/env.sh [newest|oldest]
# Every test entry point sets the same variables itself.
_entra_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_entra_tc="${1:-newest}"
export PATH="$_entra_root/.venv/$_entra_tc/bin:$PATH"
# installed build of this collection + upstream Windows collections, then the test-only lab collection
export ANSIBLE_COLLECTIONS_PATH="$_entra_root/.cache/collections:$_entra_root/tests/lab/collections"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false
unset _entra_root _entra_tc
