#!/usr/bin/env bash
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# Set up everything the lab and the tests need, from nothing, without Galaxy.
# Idempotent: a second run only rebuilds and reinstalls this collection.
#
#   tools/setup.sh [newest|oldest|all]     (default: newest)
#
# Creates, inside the repository only:
#   .venv/newest, .venv/oldest      virtual environments with the pins in tools/requirements-*.txt
#   .cache/collections              ansible.windows, community.windows and microsoft.ad from a pinned
#                                   `ansible` wheel, plus this collection built and installed
# and, because ansible-test only looks there, the pip bootstrap shim in ~/.ansible/test/cache.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
COLLECTIONS="$CACHE/collections"
WHICH="${1:-newest}"

# The Windows collections ride in this wheel; its sha256 pins the exact content.
ANSIBLE_WHEEL_VERSION="12.3.0"  # ansible.windows 3.3.0, community.windows 3.1.0, microsoft.ad 1.10.0
ANSIBLE_WHEEL_SHA256="cd156f82fa87f7a899212b0efa9f7ca3a24d609212de9f78428a572eb01e5414"
UPSTREAM=(ansible/windows community/windows microsoft/ad)

log() { printf '[setup] %s\n' "$*" >&2; }

find_python() {  # find_python 3.12 NAME -> an interpreter of that version (PATH first, then pyenv)
    local want="$1" c
    for c in "$(command -v "python$want" || true)" "${PYENV_ROOT:-$HOME/.pyenv}"/versions/"$want".*/bin/"python$want"; do
        if [ -n "$c" ] && [ -x "$c" ] && "$c" -c 'import sys' >/dev/null 2>&1; then
            echo "$c"
            return 0
        fi
    done
    log "Python $want is needed for the '$2' toolchain and was not found (tried python$want on PATH and pyenv)."
    return 1
}

make_venv() {  # make_venv NAME PYVER
    local name="$1" pyver="$2" venv="$ROOT/.venv/$1" req="$ROOT/tools/requirements-$1.txt" stamp
    stamp="$venv/.requirements.sha256"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(sha256sum "$req" | cut -d' ' -f1)" ]; then
        log "venv $name is up to date"
    else
        local py
        py="$(find_python "$pyver" "$name")"
        log "creating venv $name with $py"
        rm -rf "$venv"
        "$py" -m venv "$venv"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
        sha256sum "$req" | cut -d' ' -f1 >"$stamp"
    fi
    install_pip_shim "$venv"
}

install_pip_shim() {
    # ansible-test bootstraps pip from a host that cannot be reached from here; it uses a cached
    # get_pip_<version>.py first, so put a shim there that runs ensurepip and then pip.
    local venv="$1" ver dir="$HOME/.ansible/test/cache"
    mkdir -p "$dir"
    for ver in $(grep -rhoE "pip='[0-9.]+'" "$venv"/lib/python3.*/site-packages/ansible_test/_internal/python_requirements.py 2>/dev/null | tr -dc "0-9.\n" | sort -u); do
        cp "$ROOT/tools/get_pip_shim.py" "$dir/get_pip_${ver//./_}.py"
    done
}

extract_upstream() {
    local wheel="$CACHE/downloads/ansible-$ANSIBLE_WHEEL_VERSION-py3-none-any.whl" marker="$COLLECTIONS/.upstream-$ANSIBLE_WHEEL_VERSION"
    if [ -f "$marker" ]; then
        log "upstream Windows collections already extracted"
        return 0
    fi
    mkdir -p "$CACHE/downloads"
    if [ ! -f "$wheel" ]; then
        log "downloading ansible==$ANSIBLE_WHEEL_VERSION (for its bundled Windows collections)"
        "$ROOT/.venv/newest/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps \
            --dest "$CACHE/downloads" "ansible==$ANSIBLE_WHEEL_VERSION"
    fi
    local got
    got="$(sha256sum "$wheel" | cut -d' ' -f1)"
    if [ "$got" != "$ANSIBLE_WHEEL_SHA256" ]; then
        log "ansible-$ANSIBLE_WHEEL_VERSION wheel sha256 is $got, expected $ANSIBLE_WHEEL_SHA256; refusing to use it"
        exit 1
    fi
    log "extracting ${UPSTREAM[*]}"
    "$ROOT/.venv/newest/bin/python" - "$wheel" "$COLLECTIONS" "${UPSTREAM[@]}" <<'PY'
import shutil, sys, zipfile, pathlib
wheel, dest, names = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
with zipfile.ZipFile(wheel) as z:
    for name in names:
        target = dest / "ansible_collections" / name
        shutil.rmtree(target, ignore_errors=True)
        prefix = "ansible_collections/%s/" % name
        for member in z.namelist():
            if member.startswith(prefix) and not member.endswith("/"):
                z.extract(member, dest)
PY
    touch "$marker"
}

install_collection() {
    # Build the tarball exactly as Galaxy users get it (build_ignore applies) and install that.
    # Skip the install when the build's FILES.json (checksums of every file) matches the installed
    # one, and otherwise install beside it and swap, so runs already using the installed copy
    # never see a half-written collection.
    local dist="$CACHE/dist" target="$COLLECTIONS/ansible_collections/entra/app_proxy" stage tarball
    rm -rf "$dist"
    mkdir -p "$dist"
    "$ROOT/.venv/newest/bin/ansible-galaxy" collection build "$ROOT" --output-path "$dist" --force >/dev/null
    tarball="$(ls "$dist"/entra-app_proxy-*.tar.gz)"
    if [ -f "$target/FILES.json" ] && tar -xzOf "$tarball" FILES.json | cmp -s - "$target/FILES.json"; then
        log "$(basename "$tarball") is already installed in .cache/collections"
        return 0
    fi
    stage="$(mktemp -d "$CACHE/install.XXXXXX")"
    "$ROOT/.venv/newest/bin/ansible-galaxy" collection install --offline --no-deps --force \
        -p "$stage" "$tarball" >/dev/null 2>&1
    mkdir -p "$(dirname "$target")"
    if [ -d "$target" ]; then mv "$target" "$stage/old"; fi
    mv "$stage/ansible_collections/entra/app_proxy" "$target"
    rm -rf "$stage"
    log "built and installed $(basename "$tarball") into .cache/collections"
}

case "$WHICH" in
    newest) make_venv newest 3.12 ;;
    oldest) make_venv newest 3.12; make_venv oldest 3.11 ;;
    all) make_venv newest 3.12; make_venv oldest 3.11 ;;
    *) log "usage: tools/setup.sh [newest|oldest|all]"; exit 2 ;;
esac
extract_upstream
install_collection
