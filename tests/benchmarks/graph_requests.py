"""Graph requests per run for a fleet: 3 connector groups and 20 connectors, counted by the fake tenant.

Runs tests/integration/tenant/playbooks/fleet.yml (groups, then one membership task per group, then a
read-back) with real ansible-playbook against the fake tenant, twice: a first run that creates the
groups and moves every connector, and a rerun that must write nothing. Prints the Graph reads and
writes of each run from the fake tenant's own counters, per endpoint.

    .venv/newest/bin/python tests/benchmarks/graph_requests.py [--toolchain newest|oldest] [--connectors 20]

Exit status 1 when the rerun writes to Graph or changes anything.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))

import labkit  # noqa: E402  (the lab harness)

PREFIX = "/beta/onPremisesPublishingProfiles/applicationProxy"
GROUPS = [("Americas", "nam"), ("Europe", "eur"), ("Asia", "asia")]


def graph_counts(counts):
    per_endpoint = {k.replace(PREFIX, ""): v for k, v in counts["endpoints"].items() if PREFIX in k}
    return counts["totals"]["graph_reads"], counts["totals"]["graph_writes"], per_endpoint


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toolchain", default=os.environ.get("LAB_TOOLCHAIN", "newest"), choices=["newest", "oldest"])
    parser.add_argument("--connectors", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="graph-bench-") as work:
        lab = labkit.TenantLab(work, args.toolchain)
        try:
            names = ["conn%02d.contoso.example" % i for i in range(args.connectors)]
            lab.admin.seed(connectors=[{"machineName": n} for n in names])
            fleet = [{"name": name, "region": region, "machines": names[i::len(GROUPS)]}
                     for i, (name, region) in enumerate(GROUPS)]
            # sign in once first, so the runs below count Graph traffic only
            warm = lab.run("info.yml", {"info_machine_name": names[0], "info_group": "Default"})
            if warm.rc != 0:
                print(warm.output)
                return 2

            rows = []
            for label in ("first run", "rerun"):
                lab.admin.reset_counts()
                run = lab.run("fleet.yml", {"fleet_groups": fleet}, diff=False)
                if run.rc != 0:
                    print(run.output)
                    return 2
                changed = sum(1 for r in run.results["groups"]["results"] + run.results["members"]["results"]
                              if r.get("changed"))
                reads, writes, per_endpoint = graph_counts(lab.counts())
                rows.append({"label": label, "reads": reads, "writes": writes, "changed": changed,
                             "seconds": run.elapsed, "per_endpoint": per_endpoint})

            state = lab.state()
            placed = sum(1 for c in state["connectors"]
                         if any(g["id"] == c["group_id"] and g["name"] != "Default" for g in state["groups"]))
        finally:
            lab.stop()

    print("Graph requests for %d connector groups and %d connectors (toolchain %s; fleet.yml = 3 group tasks, "
          "3 membership tasks, 1 read-back)" % (len(GROUPS), args.connectors, args.toolchain))
    print("%-10s %6s %7s %16s %9s" % ("run", "reads", "writes", "changed tasks", "seconds"))
    for row in rows:
        print("%(label)-10s %(reads)6d %(writes)7d %(changed)16d %(seconds)9.1f" % row)
    for row in rows:
        print("\n%s, per endpoint:" % row["label"])
        for endpoint, n in sorted(row["per_endpoint"].items()):
            print("  %4d  %s" % (n, endpoint))
    print("\nconnectors placed in a non-default group: %d of %d" % (placed, args.connectors))
    rerun = rows[1]
    ok = rerun["writes"] == 0 and rerun["changed"] == 0 and placed == args.connectors
    print("rerun writes = %d, changed = %d: %s" % (rerun["writes"], rerun["changed"], "OK" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
