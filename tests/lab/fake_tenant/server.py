"""HTTPS server, routing, faults, counts and the request log of the fake tenant."""
from __future__ import annotations

import errno
import ipaddress
import json
import math
import os
import random
import re
import socket
import struct
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, unquote, urlsplit

from .crypto import Certificates
from .model import Options, Tenant, utc_iso

RESET = object()  # a handler result: drop the connection without a reply


class Request:
    def __init__(self, method, path, query, headers, body, client_ip, params, route):
        self.method, self.path, self.query, self.headers = method, path, query, headers
        self.body, self.client_ip, self.params, self.route = body, client_ip, params, route
        self.request_id = str(uuid.uuid4())
        self.never_approve = False

    def json(self):
        if not self.body:
            return {}
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> dict:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    def bearer(self) -> str | None:
        value = self.headers.get("Authorization") or ""
        if value[:7].lower() == "bearer ":
            return value[7:].strip()
        return None


class Response:
    def __init__(self, status: int, body=None, headers: dict | None = None, content_type: str | None = None):
        self.status, self.body, self.headers = status, body, dict(headers or {})
        self.content_type = content_type


class HttpError(Exception):
    def __init__(self, response: Response):
        super().__init__(response.status)
        self.response = response


class Route:
    def __init__(self, method, template, handler, category):
        self.method, self.template, self.handler, self.category = method, template, handler, category
        self.key = "%s %s" % (method, template)
        pattern = re.sub(r"\\\{(\w+)\\\}", lambda m: "(?P<%s>[^/]+)" % m.group(1), re.escape(template))
        self.regex = re.compile("^%s/?$" % pattern, re.IGNORECASE)


GRAPH = "/beta/onPremisesPublishingProfiles/applicationProxy"
READS, WRITES = "graph_reads", "graph_writes"  # the counters of Graph requests
ROUTES: list[Route] = []  # filled by @route as the endpoint modules load (end of this module)


def route(method: str, template: str, category: str):
    """Serve the decorated handler at ``method template``; ``category`` is the counter it adds to."""
    def register(handler):
        ROUTES.append(Route(method, template, handler, category))
        return handler
    return register


def match(method: str, path: str):
    """(route, params) for the path; (None, allowed_methods) when only the method is wrong."""
    allowed = []
    for route in ROUTES:
        found = route.regex.match(path)
        if found:
            if route.method == method:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
            allowed.append(route.method)
    return None, allowed


def graph_error(req: Request | None, status: int, code: str, message: str, headers: dict | None = None) -> Response:
    inner = {"date": utc_iso(), "request-id": req.request_id if req else str(uuid.uuid4())}
    if req is not None and req.headers.get("client-request-id"):
        inner["client-request-id"] = req.headers.get("client-request-id")
    return Response(status, {"error": {"code": code, "message": message, "innerError": inner}}, headers)


def _fault_response(req: Request, fault) -> Response:
    headers = {}
    status = int(fault.kind)
    if fault.retry_after is not None or status == 429:
        # HTTP wants whole seconds here.
        headers["Retry-After"] = "%d" % math.ceil(1 if fault.retry_after is None else fault.retry_after)
    if req.route.category in ("token_requests", "devicecode_requests", "identity"):
        error = "temporarily_unavailable"
        text = ("AADSTS50196: The server terminated an operation because it encountered a client request loop."
                if status == 429 else "AADSTS90033: A transient error has occurred. Please try again.")
        return Response(status, {"error": error, "error_description": text, "error_codes": [int(text[6:11])],
                                 "timestamp": utc_iso(), "trace_id": req.request_id}, headers)
    if status == 429:
        return graph_error(req, 429, "TooManyRequests", "Too many requests. Retry after the time in Retry-After.",
                           headers)
    return graph_error(req, 503, "ServiceUnavailable", "The service is temporarily unavailable. Try again later.",
                       headers)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-tenant"
    sys_version = ""
    timeout = 60

    def setup(self):
        super().setup()
        self.connection.do_handshake()
        self.server.track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        finally:
            self.server.track(self.connection, False)

    def log_message(self, *args):  # the request log is written by _dispatch, never stderr
        pass

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        fake: FakeServer = self.server
        started = time.monotonic()
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        route, params = match("GET" if method == "HEAD" else method, parts.path)
        req = Request(method, parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), self.headers, body,
                      self.client_address[0], params if route else {}, route)
        fault_kind = None
        tenant = fake.tenant
        if route is None:
            tenant.count("%s <unmatched>" % method, None)
            if params:
                resp = graph_error(req, 405, "Request_BadRequest",
                                   "Specified HTTP method is not allowed for the request target.")
                resp.headers["Allow"] = ", ".join(sorted(set(params)))
            else:
                resp = graph_error(req, 404, "Request_ResourceNotFound",
                                   "Resource not found for the segment '%s'." % parts.path.rsplit("/", 1)[-1])
        else:
            counted = route.category != "admin"
            if counted and method == "HEAD":
                tenant.count("HEAD %s" % route.template, None)  # a HEAD is not a read or a download
            elif counted:
                tenant.count(route.key, route.category)
            resp, fault_kind = self._fault(fake, req) if counted and method != "HEAD" else (None, None)
            if resp is None:
                resp = self._handle(fake, req)
                if fault_kind == "404_after" and resp is not RESET and resp.status < 400:
                    # done, but answered as if it was not: Graph's instantiate does this
                    resp = graph_error(req, 404, "Request_ResourceNotFound", "Resource not found.")
        status = 0 if resp is RESET else resp.status
        template = ("%s %s" % (method, route.template)) if route else None
        fake.log_request(method, parts.path, template, status, started, fault_kind)
        if resp is RESET:
            self._reset()
        else:
            self._send(req, resp)

    @staticmethod
    def _fault(fake, req: Request):
        """(response or None, fault kind or None) after applying this endpoint's next fault."""
        tenant, route = fake.tenant, req.route
        resp, kind = None, None
        fault = tenant.take_fault(route.key)
        if fault is not None:
            kind = fault.kind
            if fault.kind == "delay":
                time.sleep(fault.delay)
            elif fault.kind in ("429", "503"):
                resp = _fault_response(req, fault)
            elif fault.kind == "404":
                # not yet readable: replication behind a write that succeeded
                resp = graph_error(req, 404, "Request_ResourceNotFound",
                                   "Resource '%s' does not exist or one of its queried reference-property objects "
                                   "are not present." % req.path.rsplit("/", 1)[-1])
            elif fault.kind == "reset":
                resp = RESET
            elif fault.kind == "expire_token":
                fake.expire_presented_token(req)
        if route.category == "devicecode_requests" and tenant.take_fault(route.key, ("never_approve",)):
            req.never_approve, kind = True, "never_approve"
        return resp, kind

    @staticmethod
    def _handle(fake, req: Request) -> Response:
        try:
            return req.route.handler(fake, req)
        except HttpError as exc:
            return exc.response
        except (ValueError, KeyError, TypeError) as exc:
            if req.route.category == "admin":
                return Response(400, {"error": str(exc)})
            return graph_error(req, 400, "Request_BadRequest", "Invalid request: %s" % exc)
        except Exception:  # noqa: BLE001 - a test double must answer, and say why
            fake.log_text(traceback.format_exc())
            return graph_error(req, 500, "InternalServerError", "fake tenant bug: see its request log")

    def _reset(self) -> None:
        # Linger 0 makes close() send a TCP RST: the client sees "connection reset".
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def _send(self, req: Request, resp: Response) -> None:
        if resp.body is None:
            data, ctype = b"", None
        elif isinstance(resp.body, (bytes, bytearray)):
            data, ctype = bytes(resp.body), resp.content_type or "application/octet-stream"
        elif isinstance(resp.body, str):
            data, ctype = resp.body.encode("utf-8"), resp.content_type or "text/plain; charset=utf-8"
        else:
            data, ctype = json.dumps(resp.body).encode("utf-8"), "application/json"
        self.send_response(resp.status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("request-id", req.request_id)
        if req.headers.get("client-request-id"):
            self.send_header("client-request-id", req.headers.get("client-request-id"))
        for name, value in resp.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if req.method != "HEAD":
            self.wfile.write(data)


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, options: Options, state_dir: str):
        self.options = options
        self.state_dir = state_dir
        self._connections: set = set()
        self._conn_lock = threading.Lock()
        self._log_lock = threading.Lock()
        host = options.host or None
        if host is not None and not ipaddress.ip_address(host).is_loopback:
            # The admin API has no authentication: keep the fake on loopback.
            raise ValueError("host must be a loopback address (127.x.y.z), not %s" % host)
        last_error = None
        for _attempt in range(1 if host else 20):
            address = host or _random_loopback()
            try:
                super().__init__((address, options.port), _Handler)
                break
            except OSError as exc:
                last_error = exc
                if exc.errno == errno.EACCES:
                    break  # not a busy address: port 443 needs root or CAP_NET_BIND_SERVICE
        else:
            raise OSError("cannot listen on %s port %s: %s" % (host or "127.64.0.0/10", options.port, last_error))
        self.host, self.port = self.server_address[0], self.server_address[1]
        self.base_url = "https://%s" % self.host + ("" if self.port == 443 else ":%d" % self.port)
        try:
            self.certs = Certificates(state_dir, self.host, options.tenant_domain)
            self.ssl_context = self.certs.server_context()
            self.tenant = Tenant(options, self.base_url)
        except Exception:
            self.server_close()  # bad options: free the port before saying so
            raise
        self.log_path = os.path.join(state_dir, "requests.log")
        open(self.log_path, "a").close()

    def get_request(self):
        sock, addr = self.socket.accept()
        # The handshake runs in the request thread (see _Handler.setup), so a stalled
        # client cannot block accept().
        return self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError, OSError)):
            return  # clients that go away, TLS clients that do not trust the CA
        self.log_text(traceback.format_exc())

    def track(self, conn, alive: bool) -> None:
        with self._conn_lock:
            (self._connections.add if alive else self._connections.discard)(conn)

    def close_connections(self) -> None:
        with self._conn_lock:
            conns = list(self._connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def expire_presented_token(self, req: Request) -> None:
        from .tokens import lookup_access_token

        token = req.bearer()
        record = lookup_access_token(self, token) if token else None
        if record is not None:
            record.expired = True

    def log_request(self, method, path, template, status, started, fault) -> None:
        # Method, path and outcome only: never headers (Authorization), bodies (passwords,
        # secrets, device codes) or query strings.
        entry = {"ts": utc_iso(), "method": method, "path": path, "endpoint": template, "status": status,
                 "ms": int((time.monotonic() - started) * 1000)}
        if fault:
            entry["fault"] = fault
        self._append(json.dumps(entry))

    def log_text(self, text: str) -> None:
        self._append(json.dumps({"ts": utc_iso(), "error": text}))

    def _append(self, line: str) -> None:
        with self._log_lock:
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")

    def info(self) -> dict:
        tenant = self.tenant
        users = {k: {"username": u.username, "password": u.password, "object_id": u.object_id}
                 for k, u in tenant.users.items()}
        return {
            "base_url": self.base_url,
            "authority_host": self.base_url,
            "graph_endpoint": self.base_url,
            "admin_url": self.base_url + "/_admin",
            "tenant_id": tenant.tenant_id,
            "tenant_domain": tenant.domain,
            "ca_bundle": self.certs.ca_bundle,
            "users": users,
            "app": {"client_id": tenant.app["client_id"], "client_secret": tenant.app["client_secret"],
                    "certificate_path": self.certs.app_certificate_path,
                    "certificate_thumbprint": self.certs.app_thumbprint},
            "registration_url": self.base_url + "/register",
            "registration_scope": tenant.registration_scope,
            "installer_url": self.base_url + "/connector/download",
            "installer_version": self.options.installer_version,
            "state_dir": self.state_dir,
            "pid": os.getpid(),
        }


def _random_loopback() -> str:
    # 127.64.0.0/10: away from 127.0.0.1 and the usual 127.0.x.y picks of other tools.
    net = ipaddress.ip_network("127.64.0.0/10")
    return str(net[random.randint(1, net.num_addresses - 2)])


class FakeTenant:
    """A running fake tenant (see start_tenant). Attributes mirror the CLI's JSON line."""

    def __init__(self, server: FakeServer):
        from .client import AdminClient

        self.server = server
        self.info = server.info()
        for key, value in self.info.items():
            setattr(self, key, value)
        self.admin = AdminClient(self.admin_url, self.ca_bundle)
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="fake-tenant", daemon=True)
        self._thread.start()

    @property
    def tenant(self) -> Tenant:
        """The in-memory state (tests may read it; change it through .admin)."""
        return self.server.tenant

    @property
    def authority(self) -> str:
        return "%s/%s" % (self.base_url, self.tenant_id)

    def session(self):
        """A requests.Session that trusts only this tenant's CA.

        trust_env is off: this machine sets REQUESTS_CA_BUNDLE, which would otherwise
        replace the session's verify setting, and proxies must not see loopback traffic.
        """
        import requests

        session = requests.Session()
        session.trust_env = False
        session.verify = self.ca_bundle
        return session

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        self.server.shutdown()
        self.server.close_connections()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def start_tenant(state_dir, **options) -> FakeTenant:
    """Start a fake tenant in this process, serving on a background thread.

    ``options`` are the fields of :class:`fake_tenant.model.Options` (host, port,
    tenant_id, device_code_auto_approve_after, page_size, faults, seed, ...).
    """
    state_dir = os.fspath(state_dir)
    os.makedirs(state_dir, exist_ok=True)
    return FakeTenant(FakeServer(Options(**options), state_dir))


# Last: the endpoint modules import the helpers above, and importing them registers their routes.
from . import admin, apps, graph, identity, registration  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import,cyclic-import

ROUTE_KEYS = frozenset(r.key for r in ROUTES if r.category != "admin")
