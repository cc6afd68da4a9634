#!/usr/bin/env bash
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# The execution environment definition: ansible-builder must accept it, and its introspection
# of the installed collection must find the controller-side Python needs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ctx="$ROOT/.cache/ee-context"
rm -rf "$ctx"
ansible-builder create -f "$ROOT/tests/ee/execution-environment.yml" -c "$ctx"
deps="$(ansible-builder introspect "$ROOT/.cache/collections")"
printf '%s\n' "$deps" | grep 'entra.app_proxy'
for need in msal requests cryptography pywinrm; do
    if ! grep -q "^- '$need.*from collection entra.app_proxy" <<<"$deps"; then
        echo "ansible-builder introspection did not find '$need' for entra.app_proxy" >&2
        exit 1
    fi
done
