#!/usr/bin/env bash
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The whole test suite (README "Run the tests"; CI runs it through .ci/run).
# Does its own set-up, runs every stage even when one fails, prints a summary, and
# exits non-zero if any stage failed.
#
#   tools/test.sh [STAGE...]      default: every stage, in this order
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LOGS="$ROOT/.cache/test-logs"
ALL_STAGES=(lint changelog powershell sanity importer ee docs units-newest units-oldest lab-newest lab-oldest molecule)
STAGES=("$@")
[ ${#STAGES[@]} -gt 0 ] || STAGES=("${ALL_STAGES[@]}")

if ! tools/setup.sh all; then
    echo "set-up failed; nothing was tested" >&2
    exit 1
fi
rm -rf "$LOGS"
mkdir -p "$LOGS"

use() {  # use newest|oldest: put that toolchain and the lab collections on the path
    export PATH="$ORIG_PATH"
    # shellcheck source=tools/env.sh
    . "$ROOT/tools/env.sh" "$1"
    export LAB_TOOLCHAIN="$1"
}

# The tenant tests sign in with MSAL's password flow, which asks /common/userrealm on port 443 whatever the
# authority's port, and Linux keeps port 443 for root. An ordinary user runs pytest in a private user and
# network namespace (root there, with its own loopback), so the same flows run unchanged; the lab itself
# runs off 443 with a device code as an ordinary user (tests/integration/lab/test_lab_port.py).
private_net() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif unshare --map-root-user --net true 2>/dev/null; then
        unshare --map-root-user --net sh -c 'PATH="$PATH:/usr/sbin:/sbin"; ip link set lo up && exec "$@"' sh "$@"
    else
        echo "the tenant tests need port 443: run as root, or allow unprivileged user namespaces" >&2
        "$@"
    fi
}
ORIG_PATH="$PATH"
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0

pytest_run() {  # pytest_run NAME PATHS...: JUnit XML per stage, so the summary can add the counts up
    local name="$1"
    shift
    local paths=()
    for p in "$@"; do [ -e "$p" ] && paths+=("$p"); done
    if [ ${#paths[@]} -eq 0 ]; then
        echo "no tests under $*" >&2
        return 1
    fi
    private_net python -m pytest -q -rfE -p no:cacheprovider -n 2 --dist loadfile --no-loadscope-reorder --durations=15 \
        --junitxml="$LOGS/$name.xml" "${paths[@]}"
}

stage_lint() { use newest; env -u ANSIBLE_COLLECTIONS_SCAN_SYS_PATH ansible-lint --offline; }
stage_changelog() { use newest; antsibull-changelog lint; }
stage_powershell() { use newest; python tools/ps_check.py "$ROOT"; }
stage_sanity() { use newest; tools/sanity.sh; }
stage_importer() { use newest; tools/galaxy_import.sh; }
stage_ee() { use newest; tools/ee_check.sh; }
stage_docs() { use newest; python tools/docs_check.py && python tools/role_readme.py --check; }
stage_units-newest() { use newest; pytest_run units-newest tests/unit; }
stage_units-oldest() { use oldest; pytest_run units-oldest tests/unit; }
# pytest-xdist's loadfile hands out whole files in the order they are collected (--no-loadscope-reorder): the
# longest files go first, so the two workers finish together (the longest alone is a quarter of the stage).
LONGEST_LAB_FILES=(tests/integration/lab/test_baseline_roles.py tests/integration/tenant/test_graph_modules.py
    tests/integration/lab/test_prerequisites.py tests/integration/tenant/test_publishing.py
    tests/integration/lab/test_targets.py tests/integration/lab/test_site.py)
stage_lab-newest() {
    use newest
    pytest_run lab-newest "${LONGEST_LAB_FILES[@]}" tests/integration/lab tests/integration/tenant tests/lab/tests
}
# On the oldest ansible-core, what depends on the ansible-core version: the Windows payload format and the
# module runs through the simulated connection (the simwin tests that run ansible), the action plugins and
# Graph modules (tenant), and the whole site flow with its -vvvv secrets check. The roles' per-role suites
# are the same YAML on both, and the fake tenant's and the simulator's own unit tests run no ansible: they
# run on newest only.
stage_lab-oldest() {
    use oldest
    pytest_run lab-oldest tests/integration/tenant/test_graph_modules.py tests/integration/tenant/test_publishing.py \
        tests/integration/lab/test_site.py tests/integration/tenant tests/integration/lab/test_preflight_playbook.py \
        tests/lab/tests/test_simwin_playbook.py tests/lab/tests/test_simwin_pipeline.py \
        tests/lab/tests/test_simwin_nolog.py tests/lab/tests/test_simwin_fidelity.py
}
stage_molecule() { use newest; molecule test -s default; }

declare -A STATUS SECONDS_TAKEN
for stage in "${STAGES[@]}"; do
    if ! declare -F "stage_$stage" >/dev/null; then
        echo "unknown stage '$stage'; stages are: ${ALL_STAGES[*]}" >&2
        exit 2
    fi
done

# Stages that share nothing with the others and mostly use one core run beside them (Molecule has its own
# lab state directory and tenant address); their output is shown after the stages run in the foreground.
BACKGROUND=(lint importer molecule)
in_background() { [[ " ${BACKGROUND[*]} " == *" $1 "* ]] && [ ${#STAGES[@]} -gt 1 ]; }
background_stage() {
    local stage="$1" start rc
    start=$(date +%s)
    ( "stage_$stage" ) >"$LOGS/$stage.log" 2>&1
    rc=$?
    echo "$rc $(( $(date +%s) - start ))" >"$LOGS/$stage.status"
}
for stage in "${STAGES[@]}"; do
    if in_background "$stage"; then background_stage "$stage" & fi
done

for stage in "${STAGES[@]}"; do
    in_background "$stage" && continue
    echo
    echo "=================== $stage ==================="
    start=$(date +%s)
    ( "stage_$stage" ) 2>&1 | tee "$LOGS/$stage.log"
    rc=${PIPESTATUS[0]}
    SECONDS_TAKEN[$stage]=$(( $(date +%s) - start ))
    if [ "$rc" -eq 0 ]; then STATUS[$stage]=passed; else STATUS[$stage]="FAILED (exit $rc)"; fi
done
wait
for stage in "${STAGES[@]}"; do
    in_background "$stage" || continue
    echo
    echo "=================== $stage (ran beside the others) ==================="
    cat "$LOGS/$stage.log"
    read -r rc "SECONDS_TAKEN[$stage]" <"$LOGS/$stage.status"
    if [ "$rc" -eq 0 ]; then STATUS[$stage]=passed; else STATUS[$stage]="FAILED (exit $rc)"; fi
done

echo
echo "=================== summary ==================="
failed=0
for stage in "${STAGES[@]}"; do
    printf '%-14s %-18s %4ss\n' "$stage" "${STATUS[$stage]}" "${SECONDS_TAKEN[$stage]}"
    [ "${STATUS[$stage]}" = passed ] || failed=$((failed + 1))
done
# One closing line with the pytest totals across both toolchains.
python3 - "$LOGS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
tests = failures = skipped = 0
for path in glob.glob(sys.argv[1] + "/*.xml"):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests += int(suite.get("tests", 0))
        failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
print("tests: %d passed, %d failed, %d skipped" % (tests - failures - skipped, failures, skipped))
PY
if [ "$failed" -ne 0 ]; then
    echo "$failed stage(s) failed; logs in .cache/test-logs/"
    exit 1
fi
echo "all stages passed"
