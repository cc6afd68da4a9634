# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the controller's CPU goes in a profiled run: the simulated Windows hosts, ansible-core, Jinja, YAML,
this collection's plugins, and the rest, summed as self time over every process the run started.

Used by site_scale.py --profile. The profiler slows the run down, so the shares matter, not the seconds.
"""
from __future__ import annotations

import glob
import os
import pathlib
import pstats

HOOK = str(pathlib.Path(__file__).resolve().parent / "profile_hook")

# First match wins; the patterns are parts of the code's file path.
PARTS = (
    ("lab: simulated Windows hosts (connection, module simulations)", ("ansible_collections/lab/",)),
    ("entra.app_proxy: action, filter and module_utils code", ("ansible_collections/entra/app_proxy/",)),
    ("Jinja2 templating", ("/jinja2/",)),
    ("YAML and JSON", ("/yaml/", "/json/", "_json")),
    ("ansible-core: module payloads (AnsiballZ, PowerShell exec wrapper)",
     ("/ansible/executor/module_common", "/ansible/executor/powershell/")),
    ("ansible-core: templating and conditionals", ("/ansible/template/", "/ansible/_internal/_templating/",
                                                   "/ansible/playbook/conditional")),
    ("ansible-core: variables and inventory", ("/ansible/vars/", "/ansible/inventory/")),
    ("ansible-core: the rest (strategy, workers, results, callbacks)", ("/ansible/",)),
    ("Python built-ins (C functions called from all of the above)", ("~",)),
    ("Python standard library and the rest", ("",)),
)


def env(directory: str) -> dict[str, str]:
    """The environment that turns profiling on for every Python process of a run."""
    path = os.environ.get("PYTHONPATH")
    return {"BENCH_PROFILE_DIR": directory, "PYTHONPATH": HOOK + (os.pathsep + path if path else "")}


def breakdown(directory: str) -> list[tuple[str, float]]:
    """Self CPU seconds per part, largest first, over every profile the run wrote."""
    files = glob.glob(os.path.join(directory, "*.prof"))
    if not files:
        return []
    stats = pstats.Stats(files[0])
    for name in files[1:]:
        stats.add(name)
    totals = {label: 0.0 for label, _parts in PARTS}
    for (filename, _line, _func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        path = filename.replace("\\", "/")
        for label, parts in PARTS:
            # cProfile names C functions with the file "~".
            if any(p == path if p == "~" else p in path for p in parts):
                totals[label] += tottime
                break
    return sorted(totals.items(), key=lambda kv: -kv[1])


def lines(directory: str, hosts: int) -> list[str]:
    parts = breakdown(directory)
    total = sum(s for _label, s in parts) or 1.0
    out = ["controller CPU by part (profiled rerun, %d hosts; self time over %d processes)"
           % (hosts, len(glob.glob(os.path.join(directory, "*.prof"))))]
    out += ["  %5.1f%%  %6.1f s  %s" % (100 * s / total, s, label) for label, s in parts]
    return out
