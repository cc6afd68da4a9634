"""Command line: start the fake tenant, print one JSON line, serve until SIGTERM/SIGINT.

    PYTHONPATH=tests/lab python -m fake_tenant [--state-dir DIR] [--host 127.a.b.c] [--port 443]
        [--device-code-auto-approve-after SECONDS] [--fault JSON]... [--seed FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading

from .model import DEFAULT_REGISTRATION_SCOPE, Options
from .server import FakeServer


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m fake_tenant", description=__doc__.splitlines()[0])
    p.add_argument("--state-dir", help="where ca.pem, app-certificate.pem, tenant.json and requests.log go "
                                       "(default: a new temporary directory)")
    p.add_argument("--host", help="loopback address to listen on (default: a free random one in 127.64.0.0/10)")
    p.add_argument("--port", type=int, default=443, help="port (default 443: MSAL's user-realm lookup ignores "
                                                         "the authority's port)")
    p.add_argument("--tenant-id", help="tenant GUID (default: random per start)")
    p.add_argument("--tenant-domain", default="contoso.example")
    p.add_argument("--client-id", help="app registration client id (default: random per start)")
    p.add_argument("--device-code-auto-approve-after", type=float, metavar="SECONDS",
                   help="approve pending device codes this long after they were issued (default: never; use "
                        "POST /_admin/devicecode/approve)")
    p.add_argument("--device-code-auto-approve-user", default="admin", help="admin, no_role, guest or a username")
    p.add_argument("--device-code-interval", type=int, default=1, help="polling interval the fake asks for")
    p.add_argument("--device-code-expires-in", type=int, default=900)
    p.add_argument("--token-lifetime", type=int, default=3600, help="access token lifetime in seconds")
    p.add_argument("--page-size", type=int, default=100, help="Graph page size when the client sends no $top")
    p.add_argument("--installer-version", default="1.5.4892.0")
    p.add_argument("--registration-scope", default=DEFAULT_REGISTRATION_SCOPE)
    p.add_argument("--default-group-region", default="nam")
    p.add_argument("--fault", action="append", default=[], metavar="JSON",
                   help='preset a fault, e.g. \'{"endpoint": "GET /beta/onPremisesPublishingProfiles/'
                        'applicationProxy/connectorGroups", "kind": "429", "count": 2, "retry_after": 1}\'')
    p.add_argument("--seed", metavar="FILE", help="JSON file with groups, connectors and applications to create "
                                                  "at start and on every reset")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        faults = [json.loads(text) for text in args.fault]
        seed = None
        if args.seed:
            with open(args.seed, encoding="utf-8") as handle:
                seed = json.load(handle)
    except (OSError, ValueError) as exc:
        print("fake_tenant: bad --fault or --seed: %s" % exc, file=sys.stderr)
        return 2
    state_dir = args.state_dir or tempfile.mkdtemp(prefix="fake-tenant-")
    os.makedirs(state_dir, exist_ok=True)
    options = Options(
        host=args.host, port=args.port, tenant_id=args.tenant_id, tenant_domain=args.tenant_domain,
        client_id=args.client_id, device_code_auto_approve_after=args.device_code_auto_approve_after,
        device_code_auto_approve_user=args.device_code_auto_approve_user,
        device_code_interval=args.device_code_interval, device_code_expires_in=args.device_code_expires_in,
        token_lifetime=args.token_lifetime, page_size=args.page_size, installer_version=args.installer_version,
        registration_scope=args.registration_scope, default_group_region=args.default_group_region or None,
        faults=faults, seed=seed)
    try:
        server = FakeServer(options, state_dir)
    except (OSError, ValueError) as exc:
        print("fake_tenant: cannot start: %s" % exc, file=sys.stderr)
        return 1

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()

    info = server.info()
    # The same line, for tools that start the tenant detached; it holds test secrets, so owner-only.
    path = os.path.join(state_dir, "tenant.json")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(info, handle)
    sys.stdout.write(json.dumps(info) + "\n")
    sys.stdout.flush()

    while not stop.wait(0.5):
        pass
    server.shutdown()
    server.close_connections()
    server.server_close()
    thread.join(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
