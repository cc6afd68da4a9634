"""Graph requests of the publish role for N applications, counted by the fake tenant: first run and rerun.

Runs tests/integration/tenant/playbooks/publish.yml with real ansible-playbook against the fake tenant for each N,
each application with a connector group and one assignment, and prints the Graph reads and writes per run and per
application. The role runs once per run on the controller, so the figures do not depend on the number of hosts.

    .venv/newest/bin/python tests/benchmarks/publish_requests.py [--toolchain newest|oldest] [--apps 1 5 10]

Exit status 1 when a rerun writes to Graph or reads more than 3 times per application.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "lab"))

import labkit  # noqa: E402  (the lab harness)


def run_counts(lab, applications, variables):
    lab.admin.reset_counts()
    run = lab.run("publish.yml", dict(variables, app_proxy_applications=applications))
    totals = lab.counts()["totals"]
    return run, totals["graph_reads"], totals["graph_writes"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toolchain", default=os.environ.get("LAB_TOOLCHAIN", "newest"), choices=["newest", "oldest"])
    parser.add_argument("--apps", type=int, nargs="+", default=[1, 5, 10])
    args = parser.parse_args()
    failed = False
    with tempfile.TemporaryDirectory(prefix="publish-bench-") as work:
        lab = labkit.TenantLab(work, args.toolchain)
        try:
            tenant = lab.tenant
            variables = {"app_proxy_tenant_id": tenant.tenant_id, "app_proxy_authority_host": tenant.authority_host,
                         "app_proxy_graph_endpoint": tenant.graph_endpoint, "app_proxy_ca_bundle": tenant.ca_bundle,
                         "app_proxy_token_cache_path": os.path.join(work, "msal_cache.json")}
            user = lab.user("admin")["object_id"]
            print("%5s  %-22s %-22s" % ("apps", "first run reads/writes", "rerun reads/writes"))
            for n in args.apps:
                lab.admin.reset()
                lab.admin.seed(groups=[{"name": "East"}], connectors=[{"machineName": "east1.contoso.example",
                                                                       "group": "East"}])
                applications = [{"name": "App %03d" % i, "external_url": "https://app%03d-contoso.msappproxy.net/" % i,
                                 "internal_url": "http://app%03d.contoso.example/" % i, "connector_group": "East",
                                 "assignments": [user]} for i in range(n)]
                first, reads1, writes1 = run_counts(lab, applications, variables)
                second, reads2, writes2 = run_counts(lab, applications, variables)
                if first.rc or second.rc:
                    print(first.output[-3000:], second.output[-3000:])
                    return 2
                print("%5d  %5d / %-14d %5d / %-5d (%.1f reads per app)"
                      % (n, reads1, writes1, reads2, writes2, reads2 / n))
                failed = failed or writes2 > 0 or reads2 > 3 * n
        finally:
            lab.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
