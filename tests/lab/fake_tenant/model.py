"""The fake tenant's data: users, app registration, connector groups, connectors,
applications, issued tokens, device codes, faults and request counts.

Everything lives in memory behind one lock; the HTTP layer calls in from many threads.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime
import secrets
import threading
import time
import uuid

APP_ADMIN_ROLE = "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"      # Application Administrator template id
DEFAULT_USER_ROLE = "b79fbf4d-3ef9-4689-8143-76b194e85509"   # present in every member's wids
CONNECTOR_APP_ID = "55747057-9b5d-4bd4-b387-abf52a8bd489"    # connector registration public client
AZURE_CLI_APP_ID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"    # Azure CLI first-party public client
DEFAULT_REGISTRATION_SCOPE = "https://proxy.cloudwebappproxy.net/registerapp/user_impersonation"
GRAPH_ALIASES = ("https://graph.microsoft.com", "00000003-0000-0000-c000-000000000000")
REGIONS = ("nam", "eur", "aus", "asia", "ind")
CONNECTOR_STATUSES = ("active", "inactive")
FAULT_KINDS = ("404", "404_after", "429", "503", "delay", "expire_token", "never_approve", "refuse_consent", "reset")
# Faults that fire only where their rule is checked, never through the generic per-request fault.
TARGETED_FAULTS = ("never_approve", "refuse_consent")


def new_id() -> str:
    return str(uuid.uuid4())


def utc_iso(ts: float | None = None) -> str:
    moment = datetime.datetime.fromtimestamp(time.time() if ts is None else ts, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def random_password() -> str:
    # Random per start, and visibly a test value.
    return "Fake-" + secrets.token_urlsafe(18)


@dataclasses.dataclass
class Options:
    """Start-up settings (CLI flags and start_tenant() keyword arguments)."""

    host: str | None = None
    port: int = 443
    tenant_id: str | None = None
    tenant_domain: str = "contoso.example"
    client_id: str | None = None
    device_code_auto_approve_after: float | None = None
    device_code_auto_approve_user: str = "admin"
    device_code_interval: int = 1
    device_code_expires_in: int = 900
    token_lifetime: int = 3600
    page_size: int = 100
    installer_version: str = "1.5.4892.0"
    registration_scope: str = DEFAULT_REGISTRATION_SCOPE
    default_group_region: str | None = "nam"
    faults: list = dataclasses.field(default_factory=list)
    seed: dict | None = None


@dataclasses.dataclass
class User:
    key: str
    username: str
    password: str
    object_id: str
    display_name: str
    roles: list
    guest: bool = False
    home_tenant_id: str | None = None

    def public(self) -> dict:
        return {"key": self.key, "username": self.username, "object_id": self.object_id,
                "display_name": self.display_name, "roles": list(self.roles), "guest": self.guest}

    @property
    def is_app_admin(self) -> bool:
        return APP_ADMIN_ROLE in self.roles


@dataclasses.dataclass
class TokenRecord:
    uti: str
    kind: str                 # "access" or "refresh"
    client_id: str
    user_key: str | None      # None for app-only tokens
    resource: str             # "graph", "registration"
    audience: str
    scopes: list
    roles: list
    issued_at: float
    expires_at: float
    expired: bool = False     # set by the admin API or the expire_token fault

    def is_expired(self, now: float | None = None) -> bool:
        return self.expired or (now or time.time()) >= self.expires_at


@dataclasses.dataclass
class Fault:
    endpoint: str
    kind: str
    count: int = 1            # -1: forever
    retry_after: float | None = None
    delay: float = 0.0
    id: str = dataclasses.field(default_factory=new_id)

    def public(self) -> dict:
        return dataclasses.asdict(self)


class FaultError(ValueError):
    pass


class Tenant:
    """State and rules of one fake tenant. The HTTP handlers call these methods."""

    def __init__(self, options: Options, base_url: str):
        self.options = options
        self.lock = threading.RLock()
        self.base_url = base_url
        self.tenant_id = str(uuid.UUID(options.tenant_id)) if options.tenant_id else new_id()
        self.domain = options.tenant_domain
        self.secret = secrets.token_bytes(32)
        self.registration_scope = options.registration_scope
        self.registration_resource = options.registration_scope.rsplit("/", 1)[0]
        self.registration_permission = options.registration_scope.rsplit("/", 1)[1]
        home = new_id()
        self.users = {
            "admin": User("admin", "admin@" + self.domain, random_password(), new_id(), "Lab Admin",
                          [APP_ADMIN_ROLE]),
            "no_role": User("no_role", "operator@" + self.domain, random_password(), new_id(), "Lab Operator", []),
            # A guest holding the role in this tenant: tokens work, registration must still refuse.
            "guest": User("guest", "guest@fabrikam.example", random_password(), new_id(), "Guest Admin",
                          [APP_ADMIN_ROLE], guest=True, home_tenant_id=home),
        }
        self.app = {
            "client_id": options.client_id or new_id(),
            "client_secret": "fake~" + secrets.token_urlsafe(30),
            "display_name": "fake-tenant automation app",
            "object_id": new_id(),  # its service principal
        }
        if self.user_by_name(options.device_code_auto_approve_user) is None:
            raise ValueError("device_code_auto_approve_user must be admin, no_role, guest or a username, not %r"
                             % options.device_code_auto_approve_user)
        if options.page_size < 1 or options.token_lifetime < 1 or options.device_code_expires_in < 1:
            raise ValueError("page_size, token_lifetime and device_code_expires_in must be positive")
        if options.default_group_region not in REGIONS + (None,):
            raise ValueError("default_group_region must be one of %s" % ", ".join(REGIONS))
        self.default_group_id = new_id()
        self.tokens: dict[str, TokenRecord] = {}
        self.refresh_tokens: dict[str, TokenRecord] = {}
        self.installer_blob = ("FAKE-MS-CONNECTOR-INSTALLER version=%s\n" % options.installer_version).encode("ascii")
        self.reset()
        for fault in options.faults:
            self.add_fault(fault)

    # ----- directory state
    def reset(self, tokens: bool = False, seed: bool = True) -> None:
        with self.lock:
            self.groups: dict[str, dict] = {}
            self.connectors: dict[str, dict] = {}
            self.applications: dict[str, dict] = {}
            self.service_principals: dict[str, dict] = {}   # publishing: fake_tenant/apps.py
            self.directory_groups: dict[str, dict] = {}
            self.custom_domains: list[str] = []
            self.device_codes: dict[str, dict] = {}
            self.faults: list[Fault] = []
            self.reset_counts()
            self.downloads_served = 0
            self.registrations_succeeded = 0
            self.groups[self.default_group_id] = {
                "id": self.default_group_id, "name": "Default", "connectorGroupType": "applicationProxy",
                "isDefault": True, "region": self.options.default_group_region}
            if tokens:
                self.tokens.clear()
                self.refresh_tokens.clear()
            if seed and self.options.seed:
                self.seed(copy.deepcopy(self.options.seed))

    def reset_counts(self) -> None:
        with self.lock:
            self.counts: dict[str, int] = {}
            self.totals = {"requests": 0, "graph_reads": 0, "graph_writes": 0, "token_requests": 0,
                           "devicecode_requests": 0, "registrations": 0, "downloads": 0}

    def count(self, key: str, category: str | None) -> None:
        with self.lock:
            self.counts[key] = self.counts.get(key, 0) + 1
            self.totals["requests"] += 1
            if category in self.totals:
                self.totals[category] += 1

    def find_group(self, ref: str) -> dict | None:
        """A group by id or (case-insensitive) name."""
        if ref in self.groups:
            return self.groups[ref]
        for group in self.groups.values():
            if group["name"].casefold() == str(ref).casefold():
                return group
        return None

    def group_members(self, group_id: str) -> list[dict]:
        return [c for c in self.connectors.values() if c["_group"] == group_id]

    def group_applications(self, group_id: str) -> list[dict]:
        return [a for a in self.applications.values() if a["_group"] == group_id]

    def add_connector(self, machine_name: str, external_ip: str = "203.0.113.10", status: str = "active",
                      version: str | None = None, group: str | None = None, connector_id: str | None = None) -> dict:
        if status not in CONNECTOR_STATUSES:
            raise ValueError("status must be one of %s" % ", ".join(CONNECTOR_STATUSES))
        target = self.find_group(group) if group else self.groups[self.default_group_id]
        if target is None:
            raise ValueError("no connector group %r" % group)
        connector = {"id": connector_id or new_id(), "machineName": machine_name, "externalIp": external_ip,
                     "status": status, "version": version or self.options.installer_version,
                     "_group": target["id"]}
        self.connectors[connector["id"]] = connector
        return connector

    def add_group(self, name: str, region: str | None = None, group_id: str | None = None) -> dict:
        if region is not None and region not in REGIONS:
            raise ValueError("region must be one of %s" % ", ".join(REGIONS))
        group = {"id": group_id or new_id(), "name": name, "connectorGroupType": "applicationProxy",
                 "isDefault": False, "region": region}
        self.groups[group["id"]] = group
        return group

    def add_application(self, display_name: str, group: str | None = None, external_url: str | None = None,
                        internal_url: str | None = None, app_id: str | None = None) -> dict:
        """A published application (made from the on-premises template), for seeding."""
        from .apps import PUBLISHING_DEFAULTS, new_application

        target = self.find_group(group) if group else self.groups[self.default_group_id]
        if target is None:
            raise ValueError("no connector group %r" % group)
        slug = "".join(ch for ch in display_name.lower() if ch.isalnum()) or "app"
        application, _sp = new_application(self, display_name, app_id=app_id)
        external = external_url or "https://%s-%s.msappproxy.net/" % (slug, self.domain.split(".")[0])
        application["identifierUris"] = [external.rstrip("/")]
        application["web"] = {"homePageUrl": external, "redirectUris": [external], "logoutUrl": None}
        application["onPremisesPublishing"] = dict(
            PUBLISHING_DEFAULTS, externalUrl=external, internalUrl=internal_url or "http://%s.%s/" % (slug, self.domain))
        application["_group"] = target["id"]
        application["_explicit_group"] = group is not None
        return application

    def seed(self, data: dict) -> dict:
        """Create groups, then connectors, then applications; returns what was made."""
        made = {"groups": [], "connectors": [], "applications": []}
        with self.lock:
            for item in data.get("groups", []):
                made["groups"].append(self.add_group(item["name"], item.get("region"), item.get("id")))
            for item in data.get("connectors", []):
                made["connectors"].append(self.add_connector(
                    item["machineName"], item.get("externalIp", "203.0.113.10"), item.get("status", "active"),
                    item.get("version"), item.get("group"), item.get("id")))
            for item in data.get("applications", []):
                made["applications"].append(self.add_application(
                    item["displayName"], item.get("group"), item.get("externalUrl"), item.get("internalUrl"),
                    item.get("id")))
            from .apps import seed as seed_publishing

            extra = seed_publishing(self, data)
        out = {k: [public(o) for o in v] for k, v in made.items()}
        out.update(extra)
        return out

    def published(self) -> list[dict]:
        from .apps import admin_view

        return admin_view(self)

    def snapshot(self) -> dict:
        with self.lock:
            return {
                "tenant_id": self.tenant_id,
                "tenant_domain": self.domain,
                "users": {k: u.public() for k, u in self.users.items()},
                "app": {"client_id": self.app["client_id"], "display_name": self.app["display_name"]},
                "groups": [public(g) for g in self.groups.values()],
                "connectors": [dict(public(c), group_id=c["_group"]) for c in self.connectors.values()],
                "memberships": {c["id"]: c["_group"] for c in self.connectors.values()},
                "applications": [dict(public(a), group_id=a["_group"]) for a in self.applications.values()],
                "published": self.published(),
                "device_codes": [{"user_code": d["user_code"], "client_id": d["client_id"], "status": d["status"],
                                  "user": d["user_key"], "never_approve": d["never_approve"],
                                  "created": utc_iso(d["created"]), "expires": utc_iso(d["expires_at"])}
                                 for d in self.device_codes.values()],
                "faults": [f.public() for f in self.faults],
                "tokens": {"access": sum(1 for t in self.tokens.values() if not t.is_expired()),
                           "access_expired": sum(1 for t in self.tokens.values() if t.is_expired()),
                           "refresh": sum(1 for t in self.refresh_tokens.values() if not t.is_expired())},
                "installer": {"version": self.options.installer_version, "downloads": self.downloads_served},
                "registrations_succeeded": self.registrations_succeeded,
            }

    # ----- users
    def user_by_name(self, name: str) -> User | None:
        if name in self.users:
            return self.users[name]
        for user in self.users.values():
            if user.username.casefold() == str(name).casefold():
                return user
        return None

    def user_by_oid(self, oid: str) -> User | None:
        return next((u for u in self.users.values() if u.object_id == oid), None)

    # ----- tokens
    def expire_tokens(self, user: str | None = None, kind: str = "access") -> int:
        if kind not in ("access", "refresh", "all"):
            raise ValueError("kind must be access, refresh or all")
        target = None
        if user:
            target = self.user_by_name(user)
            if target is None:
                raise ValueError("no user %r" % user)
        tables = {"access": [self.tokens], "refresh": [self.refresh_tokens],
                  "all": [self.tokens, self.refresh_tokens]}[kind]
        n = 0
        with self.lock:
            for table in tables:
                for record in table.values():
                    if target is not None and record.user_key != target.key:
                        continue
                    if not record.is_expired():
                        record.expired = True
                        n += 1
        return n

    # ----- faults
    def add_fault(self, spec: dict) -> Fault:
        from .server import ROUTE_KEYS  # the catalogue of endpoint templates

        unknown = set(spec) - {"endpoint", "kind", "count", "retry_after", "delay"}
        if unknown:
            raise FaultError("unknown fault fields: %s" % ", ".join(sorted(unknown)))
        endpoint, kind = spec.get("endpoint", "*"), str(spec.get("kind", ""))
        if kind not in FAULT_KINDS:
            raise FaultError("kind must be one of %s" % ", ".join(FAULT_KINDS))
        if endpoint != "*" and endpoint not in ROUTE_KEYS:
            raise FaultError("unknown endpoint %r; GET /_admin/endpoints lists them" % endpoint)
        if kind == "never_approve" and endpoint not in ("*", "POST /{tenant}/oauth2/v2.0/devicecode"):
            raise FaultError("never_approve applies to POST /{tenant}/oauth2/v2.0/devicecode")
        if kind == "refuse_consent" and endpoint not in ("*", "POST /{tenant}/oauth2/v2.0/token"):
            raise FaultError("refuse_consent applies to POST /{tenant}/oauth2/v2.0/token")
        try:
            count = int(spec.get("count", 1))
            retry_after = None if spec.get("retry_after") is None else float(spec["retry_after"])
            delay = float(spec.get("delay", 0) or 0)
        except (TypeError, ValueError):
            raise FaultError("count, retry_after and delay must be numbers")
        if count == 0 or count < -1:
            raise FaultError("count must be a positive number or -1 (forever)")
        if kind == "delay" and delay <= 0:
            raise FaultError("a delay fault needs delay > 0 (seconds)")
        fault = Fault(endpoint, kind, count, retry_after, delay)
        with self.lock:
            self.faults.append(fault)
        return fault

    def take_fault(self, key: str, kinds: tuple | None = None) -> Fault | None:
        """The first active fault for this endpoint, used up by one."""
        with self.lock:
            for fault in self.faults:
                if fault.endpoint in ("*", key) and (kinds is None or fault.kind in kinds):
                    if kinds is None and fault.kind in TARGETED_FAULTS:
                        continue  # consumed only where their rule is checked
                    if fault.count > 0:
                        fault.count -= 1
                        if fault.count == 0:
                            self.faults.remove(fault)
                    return fault
        return None


def public(obj: dict) -> dict:
    """An object without the fake's private bookkeeping keys."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}
