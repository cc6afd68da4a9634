"""A small client for the fake tenant's admin API, and a token without MSAL (used by tests and the lab)."""
from __future__ import annotations

from .model import AZURE_CLI_APP_ID


class AdminError(RuntimeError):
    pass


class AdminClient:
    """Calls /_admin/* over HTTPS, trusting only the fake tenant's CA."""

    def __init__(self, admin_url: str, ca_bundle: str):
        import requests

        self.url = admin_url.rstrip("/")
        self.session = requests.Session()
        self.session.trust_env = False  # REQUESTS_CA_BUNDLE on this machine would replace verify
        self.session.verify = ca_bundle

    def _call(self, method: str, path: str, body: dict | None = None):
        resp = self.session.request(method, self.url + path, json=body if method != "GET" else None, timeout=30)
        if resp.status_code >= 400:
            raise AdminError("%s %s -> %s %s" % (method, path, resp.status_code, resp.text))
        return resp.json()

    def state(self) -> dict:
        return self._call("GET", "/state")

    def reset(self, tokens: bool = False, seed: bool = True) -> dict:
        return self._call("POST", "/reset", {"tokens": tokens, "seed": seed})

    def seed(self, groups=(), connectors=(), applications=(), **publishing) -> dict:
        """publishing: customDomains, directoryGroups, templateApplications (fake_tenant/apps.py seed)."""
        return self._call("POST", "/seed", dict({"groups": list(groups), "connectors": list(connectors),
                                                 "applications": list(applications)}, **publishing))

    def set_connector_status(self, connector_id: str, status: str, version: str | None = None) -> dict:
        body = {"status": status}
        if version:
            body["version"] = version
        return self._call("POST", "/connectors/%s/status" % connector_id, body)

    def approve_device_code(self, user_code: str | None = None, user: str = "admin", deny: bool = False) -> dict:
        body = {"user": user, "deny": deny}
        if user_code:
            body["user_code"] = user_code
        return self._call("POST", "/devicecode/approve", body)

    def expire_tokens(self, user: str | None = None, kind: str = "access") -> int:
        body = {"kind": kind}
        if user:
            body["user"] = user
        return self._call("POST", "/tokens/expire", body)["expired"]

    def counts(self) -> dict:
        return self._call("GET", "/counts")

    def reset_counts(self) -> None:
        self._call("POST", "/counts/reset", {})

    def add_fault(self, endpoint: str, kind: str, count: int = 1, retry_after: float | None = None,
                  delay: float | None = None) -> dict:
        body = {"endpoint": endpoint, "kind": kind, "count": count}
        if retry_after is not None:
            body["retry_after"] = retry_after
        if delay is not None:
            body["delay"] = delay
        return self._call("POST", "/faults", body)["faults"][0]

    def faults(self) -> list:
        return self._call("GET", "/faults")["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/faults")

    def endpoints(self) -> list:
        return self._call("GET", "/endpoints")["endpoints"]


def password_token(tenant, user: str = "admin", scope: str | None = None, client_id: str = AZURE_CLI_APP_ID) -> str:
    """An access token from the fake's token endpoint (ROPC), without MSAL."""
    account = tenant.users[user]
    resp = tenant.session().post(
        "%s/oauth2/v2.0/token" % tenant.authority,
        data={"grant_type": "password", "client_id": client_id, "username": account["username"],
              "password": account["password"], "scope": scope or tenant.graph_endpoint + "/.default"},
        timeout=30)
    body = resp.json()
    if "access_token" not in body:
        raise AssertionError("token request failed: %s" % body.get("error_description", body))
    return body["access_token"]
