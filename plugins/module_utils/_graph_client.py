# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Microsoft Graph (beta) client for the application proxy connector APIs.

The beta ``onPremisesPublishingProfiles/applicationProxy`` endpoints are wrapped, and the application
calls that publish an on-premises app (templates, applications, service principals); Microsoft
documents them as delegated-only, so the client never asks for or handles credentials, it is given
a bearer token. It retries throttling (429, honouring Retry-After) and transient failures (5xx,
connection resets) within a bound on both the number of tries and the total time, follows
``@odata.nextLink``, and turns every failure into an :class:`EntraGraphError` whose text says what to
do. The token never appears in an error.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections import Counter
from urllib.parse import quote, urlencode

try:
    import requests

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without requests
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

PROFILE_PATH = "/beta/onPremisesPublishingProfiles/applicationProxy"

# Statuses where the request was not processed and trying again is the documented remedy.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))

REQUIRED_ROLE_HINT = (
    "The signed-in user needs the Application Administrator (or Global Administrator) role and a "
    "delegated token with Directory.ReadWrite.All consented. App-only tokens (client credentials: "
    "auth_method=client_secret or certificate) are not supported for the application proxy connector "
    "APIs; use auth_method=device_code, password or a delegated access_token."
)


class EntraGraphError(Exception):
    """A Graph request failed; ``str()`` is a message meant for the person running the playbook."""

    def __init__(self, status, code, message, request_id=None, hint=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.request_id = request_id
        self.hint = hint

    def __str__(self):
        text = self.message
        if self.hint:
            text = "%s %s" % (text, self.hint)
        if self.request_id:
            text = "%s (request-id: %s)" % (text, self.request_id)
        return text

    def to_dict(self):
        """Structured details for module results (never contains the token)."""
        return {"status": self.status, "code": self.code, "request_id": self.request_id}


class GraphClient:
    """Calls the Graph beta application proxy endpoints with one bearer token.

    Reads are cached for the life of the client (one module run, so one task), and any write clears
    the cache, so a module can look a list up many times for the price of one request.
    """

    def __init__(self, session, graph_endpoint, access_token, timeout=30, max_retries=5, max_retry_wait=60,
                 sleep=time.sleep, clock=time.monotonic):
        self._session = session
        self.graph_endpoint = graph_endpoint.rstrip("/")
        self.base_url = self.graph_endpoint + PROFILE_PATH
        self._token = access_token
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._clock = clock
        self._cache = {}
        self.request_count = 0  # HTTP requests sent, retries included
        self.requests_by_method = Counter()

    # ----------------------------------------------------------------- HTTP core

    def _url(self, path):
        if path.startswith("https://") or path.startswith("http://"):
            return path
        return self.base_url + path

    def _backoff(self, attempt):
        # Exponential backoff with jitter so parallel workers do not retry in lockstep.
        return min(30.0, 2.0 ** attempt) * (0.5 + random.random() / 2)

    @staticmethod
    def _retry_after(response):
        value = response.headers.get("Retry-After")
        if not value:
            return None
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:  # the other form Retry-After may take: an HTTP date
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())

    def request(self, method, path, action, subject=None, body=None, idempotent=True):
        """Send one logical request (retrying as needed) and return the decoded JSON body or None.

        ``action`` says what the request does for error messages ("create connector group 'Europe'");
        ``subject`` names the object a 404 means is missing ("connector group 'Europe'").
        ``idempotent=False`` stops retries after a connection failure, where the request may have
        been processed (a repeated POST would create a second group).
        """
        url = self._url(path)
        headers = {"Authorization": "Bearer " + self._token, "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        started = self._clock()
        attempt = 0
        while True:
            attempt += 1
            self.request_count += 1
            self.requests_by_method[method] += 1
            try:
                response = self._session.request(method, url, headers=headers, json=body, timeout=self.timeout)
            except (requests.ConnectionError, requests.Timeout) as exc:
                failure = "%s (%s)" % (type(exc).__name__, _short(exc))
                if not idempotent and not isinstance(exc, requests.ConnectTimeout):
                    raise EntraGraphError(
                        None, type(exc).__name__,
                        "Could not %s: the connection to %s failed after the request was sent (%s). It was "
                        "not retried because it may have been processed; check the tenant and rerun."
                        % (action, self.graph_endpoint, failure))
                delay = self._backoff(attempt)
                status = None
            else:
                if response.status_code < 400:
                    return _json(response)
                if response.status_code not in RETRY_STATUSES:
                    raise self._error(response, action, subject)
                status = response.status_code
                failure = "HTTP %s" % status
                delay = self._retry_after(response)
                if delay is None:
                    delay = self._backoff(attempt)

            elapsed = self._clock() - started
            if attempt > self.max_retries or elapsed + delay > self.max_retry_wait:
                raise self._gave_up(status, failure, action, attempt, elapsed,
                                    response if status else None)
            self._sleep(delay)

    def _gave_up(self, status, failure, action, attempts, elapsed, response):
        code, detail, request_id = _error_parts(response) if response is not None else (None, None, None)
        cause = "throttling requests" if status == 429 else "failing"
        text = ("Microsoft Graph kept %s (%s) when trying to %s: gave up after %d tries over %.0f seconds "
                "(limits: %d retries, %s seconds)." % (cause, failure, action, attempts, elapsed,
                                                       self.max_retries, self.max_retry_wait))
        if status == 429:
            text += " Wait a few minutes and rerun, or run fewer Graph tasks at the same time."
        else:
            text += " Check https://status.cloud.microsoft and connectivity to %s, then rerun." % self.graph_endpoint
        if detail:
            text += " Last error: %s." % detail.rstrip(".")
        return EntraGraphError(status, code or ("TooManyRequests" if status == 429 else "Unavailable"), text,
                               request_id)

    def _error(self, response, action, subject):
        status = response.status_code
        code, detail, request_id = _error_parts(response)
        reason = "HTTP %s%s" % (status, " %s" % code if code else "")
        if detail:
            reason += ": %s" % detail.rstrip(".")
        if status == 401:
            if _is_expired(response, code, detail):
                return EntraGraphError(
                    status, code, "The access token expired before Microsoft Graph accepted it (%s) when trying "
                    "to %s. Rerun the task to sign in again; with auth_method=access_token supply a fresh token "
                    "(tokens live 60-90 minutes)." % (reason, action), request_id)
            return EntraGraphError(
                status, code, "Microsoft Graph rejected the access token (%s) when trying to %s. The token "
                "must be issued for %s in the connectors' tenant." % (reason, action, self.graph_endpoint),
                request_id)
        if status == 403:
            return EntraGraphError(status, code, "Microsoft Graph denied the request to %s (%s)." % (action, reason),
                                   request_id, hint=REQUIRED_ROLE_HINT)
        if status == 404 and subject:
            return EntraGraphError(status, code, "Could not %s: %s was not found in the tenant (%s)."
                                   % (action, subject, reason), request_id)
        return EntraGraphError(status, code, "Microsoft Graph refused to %s (%s)." % (action, reason), request_id)

    def _get(self, path, action, subject=None):
        if path not in self._cache:
            self._cache[path] = self.request("GET", path, action, subject)
        return self._cache[path]

    def _get_all(self, path, action, subject=None):
        """GET a collection, following @odata.nextLink, cached until the next write."""
        if path in self._cache:
            return self._cache[path]
        items = []
        url = path
        seen = set()
        while url:
            page = self.request("GET", url, action, subject) or {}
            items.extend(page.get("value", []))
            url = page.get("@odata.nextLink")
            if url in seen:  # a server bug would otherwise loop forever
                break
            seen.add(url)
        self._cache[path] = items
        return items

    def forget(self):
        """Drop the cached reads, to poll for an object a write made but Graph does not show yet."""
        self._cache.clear()

    def _write(self, method, path, action, subject=None, body=None, idempotent=True):
        self._cache.clear()
        return self.request(method, path, action, subject, body=body, idempotent=idempotent)

    def _ref(self, kind, object_id):
        return {"@odata.id": "%s/%s/%s" % (self.base_url, kind, object_id)}

    # ------------------------------------------------------------------ API

    def list_connectors(self):
        return self._get_all("/connectors", "list the connectors")

    def get_connector(self, connector_id):
        subject = "connector '%s'" % connector_id
        return self._get("/connectors/%s" % _seg(connector_id), "read " + subject, subject)

    def connector_group_of(self, connector_id):
        """The group a connector belongs to (a connector is always in exactly one), or None."""
        subject = "connector '%s'" % connector_id
        groups = self._get_all("/connectors/%s/memberOf" % _seg(connector_id), "read the group of " + subject,
                               subject)
        return groups[0] if groups else None

    def list_groups(self):
        return self._get_all("/connectorGroups", "list the connector groups")

    def get_group(self, group_id):
        subject = "connector group '%s'" % group_id
        return self._get("/connectorGroups/%s" % _seg(group_id), "read " + subject, subject)

    def create_group(self, name, region=None):
        body = {"name": name}
        if region:
            body["region"] = region
        return self._write("POST", "/connectorGroups", "create connector group '%s'" % name, body=body,
                           idempotent=False)

    def update_group(self, group_id, **fields):
        subject = "connector group '%s'" % group_id
        return self._write("PATCH", "/connectorGroups/%s" % _seg(group_id), "update " + subject, subject, body=fields)

    def delete_group(self, group_id):
        subject = "connector group '%s'" % group_id
        return self._write("DELETE", "/connectorGroups/%s" % _seg(group_id), "delete " + subject, subject)

    def list_group_members(self, group_id):
        subject = "connector group '%s'" % group_id
        return self._get_all("/connectorGroups/%s/members" % _seg(group_id), "list the connectors of " + subject,
                             subject)

    def list_group_applications(self, group_id):
        subject = "connector group '%s'" % group_id
        return self._get_all("/connectorGroups/%s/applications" % _seg(group_id),
                             "list the applications of " + subject, subject)

    def add_connector_to_group(self, connector_id, group_id):
        """Move a connector into a group (it leaves its previous group)."""
        return self._write("POST", "/connectors/%s/memberOf/$ref" % _seg(connector_id),
                           "move connector '%s' into connector group '%s'" % (connector_id, group_id),
                           "connector '%s' or connector group '%s'" % (connector_id, group_id),
                           body=self._ref("connectorGroups", group_id))

    # ------------------------------------------------------- published applications
    # Microsoft's Graph tutorial (application-proxy-configure-api): applications are read on beta, where
    # alone onPremisesPublishing exists; identifier URI, redirect URI and home page are written on v1.0.

    APP_SELECT = "id,appId,displayName,applicationTemplateId,identifierUris,web,onPremisesPublishing"

    def _api(self, version, path):
        return "%s/%s%s" % (self.graph_endpoint, version, path)

    def find_applications(self, template_id, display_name=None):
        """Applications made from the template (with that display name, ignoring case)."""
        text = "applicationTemplateId eq '%s'" % _odata(template_id)
        if display_name is not None:
            text += " and displayName eq '%s'" % _odata(display_name)
        query = urlencode({"$filter": text, "$select": self.APP_SELECT}, quote_via=quote, safe="$',")
        return self._get_all(self._api("beta", "/applications?" + query), "look up the published applications")

    def get_application(self, object_id):
        subject = "application '%s'" % object_id
        return self._get(self._api("beta", "/applications/%s?$select=%s" % (_seg(object_id), self.APP_SELECT)),
                         "read " + subject, subject)

    def instantiate(self, template_id, display_name):
        return self._write("POST", self._api("v1.0", "/applicationTemplates/%s/instantiate" % _seg(template_id)),
                           "create application '%s' from the on-premises application template" % display_name,
                           body={"displayName": display_name}, idempotent=False)

    def update_application(self, object_id, body, beta=False):
        subject = "application '%s'" % object_id
        return self._write("PATCH", self._api("beta" if beta else "v1.0", "/applications/%s" % _seg(object_id)),
                           "update " + subject, subject, body=body)

    def delete_application(self, object_id):
        subject = "application '%s'" % object_id
        return self._write("DELETE", self._api("v1.0", "/applications/%s" % _seg(object_id)), "delete " + subject,
                           subject)

    def application_connector_group(self, object_id):
        subject = "application '%s'" % object_id
        return self._get(self._api("beta", "/applications/%s/connectorGroup" % _seg(object_id)),
                         "read the connector group of " + subject, subject)

    def set_application_connector_group(self, object_id, group_id):
        subject = "application '%s'" % object_id
        return self._write("PUT", self._api("beta", "/applications/%s/connectorGroup/$ref" % _seg(object_id)),
                           "assign %s to connector group '%s'" % (subject, group_id), subject,
                           body=self._ref("connectorGroups", group_id))

    def _sp_path(self, app_id):
        return self._api("v1.0", "/servicePrincipals(appId='%s')" % _seg(app_id))

    def service_principal(self, app_id):
        subject = "the service principal of application '%s'" % app_id
        return self._get(self._sp_path(app_id), "read " + subject, subject)

    def app_role_assignments(self, app_id):
        subject = "the service principal of application '%s'" % app_id
        return self._get_all(self._sp_path(app_id) + "/appRoleAssignedTo", "list the users and groups assigned to "
                             "application '%s'" % app_id, subject)

    def add_app_role_assignment(self, sp_id, principal_id, app_role_id):
        return self._write("POST", self._api("v1.0", "/servicePrincipals/%s/appRoleAssignedTo" % _seg(sp_id)),
                           "assign principal '%s' to the application" % principal_id,
                           "principal '%s'" % principal_id, idempotent=False,
                           body={"principalId": principal_id, "resourceId": sp_id, "appRoleId": app_role_id})

    def remove_app_role_assignment(self, sp_id, assignment_id):
        return self._write("DELETE", self._api("v1.0", "/servicePrincipals/%s/appRoleAssignedTo/%s"
                                               % (_seg(sp_id), _seg(assignment_id))),
                           "remove an assignment from the application")

    def list_domains(self):
        return self._get_all(self._api("v1.0", "/domains"), "list the tenant's domains")


def _odata(text):
    return str(text).replace("'", "''")


def _seg(value):
    if requests is not None:
        return requests.utils.quote(str(value), safe="")
    return str(value)  # pragma: no cover


def _json(response):
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _error_parts(response):
    """(code, message, request_id) from a Graph error response."""
    code = message = None
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    if isinstance(error, dict):
        code = error.get("code")
        message = error.get("message")
        inner = error.get("innerError") or error.get("innererror") or {}
        request_id = inner.get("request-id") if isinstance(inner, dict) else None
    else:
        request_id = None
    request_id = request_id or response.headers.get("request-id") or response.headers.get("client-request-id")
    return code, message, request_id


def _is_expired(response, code, detail):
    text = " ".join(str(x) for x in (code, detail, response.headers.get("WWW-Authenticate", "")) if x).lower()
    return "expired" in text or "lifetime validation failed" in text


def _short(exc):
    text = str(exc)
    return text if len(text) <= 200 else text[:197] + "..."
