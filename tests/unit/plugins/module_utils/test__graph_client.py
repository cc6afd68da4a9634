# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import annotations

import json

import pytest

requests = pytest.importorskip("requests")

from requests.structures import CaseInsensitiveDict  # noqa: E402

from ansible_collections.entra.app_proxy.plugins.module_utils._graph_client import (  # noqa: E402
    EntraGraphError,
    GraphClient,
)

# A made-up unsigned JWT ({"alg":"none"}, payload "secret-token"): the tests check it never leaks.
TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.c2VjcmV0LXRva2Vu.sig"
GRAPH = "https://graph.example.test"
BASE = GRAPH + "/beta/onPremisesPublishingProfiles/applicationProxy"


class FakeResponse:
    def __init__(self, status, body=None, headers=None):
        self.status_code = status
        self._body = body
        self.headers = CaseInsensitiveDict(headers or {})
        self.content = b"" if body is None else json.dumps(body).encode()

    def json(self):
        if self._body is None:
            raise ValueError("no body")
        return self._body


class FakeSession:
    """Replays queued responses (or raises queued exceptions) and records every request."""

    def __init__(self, *replies):
        self.replies = list(replies)
        self.calls = []

    def request(self, method, url, headers=None, json=None, timeout=None):
        self.calls.append({"method": method, "url": url, "headers": headers, "json": json, "timeout": timeout})
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        return reply


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def graph_error(status, code, message, request_id="req-1", headers=None):
    return FakeResponse(status, {"error": {"code": code, "message": message,
                                           "innerError": {"request-id": request_id}}}, headers)


def make_client(*replies, **kwargs):
    clock = FakeClock()
    session = FakeSession(*replies)
    client = GraphClient(session, GRAPH + "/", TOKEN, timeout=7, sleep=clock.sleep, clock=clock, **kwargs)
    return client, session, clock


def page(*items, next_link=None):
    body = {"value": list(items)}
    if next_link:
        body["@odata.nextLink"] = next_link
    return FakeResponse(200, body)


def test_429_burst_then_success_honours_retry_after():
    throttled = graph_error(429, "TooManyRequests", "Too many requests", headers={"Retry-After": "2"})
    client, session, clock = make_client(throttled, throttled, throttled, page({"id": "g1"}))

    assert client.list_groups() == [{"id": "g1"}]
    assert clock.sleeps == [2.0, 2.0, 2.0]
    assert client.request_count == 4
    assert session.calls[0]["url"] == BASE + "/connectorGroups"
    assert session.calls[0]["headers"]["Authorization"] == "Bearer " + TOKEN
    assert session.calls[0]["timeout"] == 7


def test_503_then_success_backs_off_exponentially():
    unavailable = graph_error(503, "ServiceUnavailable", "Try later")
    client, session, clock = make_client(unavailable, unavailable, page({"id": "c1"}))

    assert client.list_connectors() == [{"id": "c1"}]
    assert len(clock.sleeps) == 2
    # attempt n waits 2**n seconds scaled by a jitter factor in [0.5, 1.0]
    assert 1.0 <= clock.sleeps[0] <= 2.0
    assert 2.0 <= clock.sleeps[1] <= 4.0


def test_connection_reset_on_read_is_retried():
    reset = requests.ConnectionError("Connection reset by peer")
    client, session, clock = make_client(reset, page({"id": "c1"}))

    assert client.list_connectors() == [{"id": "c1"}]
    assert len(clock.sleeps) == 1
    assert client.request_count == 2


def test_connection_failure_on_create_is_not_retried():
    client, session, clock = make_client(requests.ConnectionError("Connection reset by peer"))

    with pytest.raises(EntraGraphError) as err:
        client.create_group("Europe", "eur")

    assert str(err.value) == (
        "Could not create connector group 'Europe': the connection to https://graph.example.test failed after "
        "the request was sent (ConnectionError (Connection reset by peer)). It was not retried because it may "
        "have been processed; check the tenant and rerun.")
    assert clock.sleeps == []


def test_endless_throttle_is_bounded_by_count():
    throttled = graph_error(429, "TooManyRequests", "Too many requests", request_id="req-9",
                            headers={"Retry-After": "1"})
    client, session, clock = make_client(*([throttled] * 10), max_retries=3, max_retry_wait=60)

    with pytest.raises(EntraGraphError) as err:
        client.list_connectors()

    assert str(err.value) == (
        "Microsoft Graph kept throttling requests (HTTP 429) when trying to list the connectors: gave up after "
        "4 tries over 3 seconds (limits: 3 retries, 60 seconds). Wait a few minutes and rerun, or run fewer "
        "Graph tasks at the same time. Last error: Too many requests. (request-id: req-9)")
    assert err.value.status == 429
    assert len(session.calls) == 4


def test_endless_throttle_is_bounded_by_time():
    throttled = graph_error(429, "TooManyRequests", "Too many requests", headers={"Retry-After": "20"})
    client, session, clock = make_client(*([throttled] * 10), max_retries=10, max_retry_wait=45)

    with pytest.raises(EntraGraphError) as err:
        client.list_groups()

    assert clock.sleeps == [20.0, 20.0]
    assert "gave up after 3 tries over 40 seconds (limits: 10 retries, 45 seconds)" in str(err.value)


def test_retry_after_beyond_budget_fails_at_once():
    throttled = graph_error(429, "TooManyRequests", "Too many requests", headers={"Retry-After": "3600"})
    client, session, clock = make_client(throttled)

    with pytest.raises(EntraGraphError) as err:
        client.list_groups()

    assert clock.sleeps == []
    assert "gave up after 1 tries over 0 seconds" in str(err.value)


def test_endless_5xx_names_the_failure():
    bad = FakeResponse(502, None)
    client, session, clock = make_client(*([bad] * 3), max_retries=2)

    with pytest.raises(EntraGraphError) as err:
        client.get_group("g1")

    text = str(err.value)
    assert text.startswith("Microsoft Graph kept failing (HTTP 502) when trying to read connector group 'g1': "
                           "gave up after 3 tries over ")
    assert text.endswith("Check https://status.cloud.microsoft and connectivity to https://graph.example.test, "
                         "then rerun.")


def test_paging_follows_next_link_and_caches():
    client, session, clock = make_client(
        page({"id": "c1"}, next_link=BASE + "/connectors?$skiptoken=2"),
        page({"id": "c2"}, next_link=BASE + "/connectors?$skiptoken=3"),
        page({"id": "c3"}),
    )

    assert [c["id"] for c in client.list_connectors()] == ["c1", "c2", "c3"]
    assert session.calls[1]["url"] == BASE + "/connectors?$skiptoken=2"
    # a second look-up in the same task costs nothing
    assert len(client.list_connectors()) == 3
    assert client.request_count == 3


def test_write_clears_cache_and_sends_ref():
    client, session, clock = make_client(page({"id": "g1"}), FakeResponse(204), page({"id": "g1"}))

    client.list_groups()
    client.add_connector_to_group("c1", "g1")
    client.list_groups()

    assert session.calls[1]["method"] == "POST"
    assert session.calls[1]["url"] == BASE + "/connectors/c1/memberOf/$ref"
    assert session.calls[1]["json"] == {"@odata.id": BASE + "/connectorGroups/g1"}
    assert client.requests_by_method == {"GET": 2, "POST": 1}


def test_create_update_delete_bodies():
    client, session, clock = make_client(FakeResponse(201, {"id": "g9", "name": "Europe", "region": "eur"}),
                                         FakeResponse(204), FakeResponse(204))

    assert client.create_group("Europe", "eur")["id"] == "g9"
    assert client.update_group("g9", region="nam") is None
    client.delete_group("g9")

    assert [(c["method"], c["url"], c["json"]) for c in session.calls] == [
        ("POST", BASE + "/connectorGroups", {"name": "Europe", "region": "eur"}),
        ("PATCH", BASE + "/connectorGroups/g9", {"region": "nam"}),
        ("DELETE", BASE + "/connectorGroups/g9", None),
    ]


def test_connector_group_of_reads_member_of():
    client, session, clock = make_client(page({"id": "g1", "name": "Default"}))

    assert client.connector_group_of("c1") == {"id": "g1", "name": "Default"}
    assert session.calls[0]["url"] == BASE + "/connectors/c1/memberOf"


@pytest.mark.parametrize("response, call, expected", [
    (graph_error(401, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired."),
     lambda c: c.list_groups(),
     "The access token expired before Microsoft Graph accepted it (HTTP 401 InvalidAuthenticationToken: Lifetime "
     "validation failed, the token is expired) when trying to list the connector groups. Rerun the task to sign in "
     "again; with auth_method=access_token supply a fresh token (tokens live 60-90 minutes). (request-id: req-1)"),
    (graph_error(401, "InvalidAuthenticationToken", "Invalid audience."),
     lambda c: c.list_groups(),
     "Microsoft Graph rejected the access token (HTTP 401 InvalidAuthenticationToken: Invalid audience) when "
     "trying to list the connector groups. The token must be issued for https://graph.example.test in the "
     "connectors' tenant. (request-id: req-1)"),
    (graph_error(403, "Authorization_RequestDenied", "Insufficient privileges to complete the operation."),
     lambda c: c.create_group("Europe"),
     "Microsoft Graph denied the request to create connector group 'Europe' (HTTP 403 Authorization_RequestDenied: "
     "Insufficient privileges to complete the operation). The signed-in user needs the Application Administrator "
     "(or Global Administrator) role and a delegated token with Directory.ReadWrite.All consented. App-only tokens "
     "(client credentials: auth_method=client_secret or certificate) are not supported for the application proxy "
     "connector APIs; use auth_method=device_code, password or a delegated access_token. (request-id: req-1)"),
    (graph_error(404, "Request_ResourceNotFound", "Resource 'g7' does not exist."),
     lambda c: c.get_group("g7"),
     "Could not read connector group 'g7': connector group 'g7' was not found in the tenant (HTTP 404 "
     "Request_ResourceNotFound: Resource 'g7' does not exist). (request-id: req-1)"),
    (graph_error(400, "Request_BadRequest", "Region can only be set on an empty connector group."),
     lambda c: c.update_group("g1", region="eur"),
     "Microsoft Graph refused to update connector group 'g1' (HTTP 400 Request_BadRequest: Region can only be set "
     "on an empty connector group). (request-id: req-1)"),
])
def test_error_messages(response, call, expected):
    client, session, clock = make_client(response)

    with pytest.raises(EntraGraphError) as err:
        call(client)

    assert str(err.value) == expected
    assert err.value.status == response.status_code
    assert err.value.request_id == "req-1"
    assert TOKEN not in str(err.value) and TOKEN not in repr(err.value.to_dict())
    assert clock.sleeps == []


def test_request_id_from_header_when_body_is_not_json():
    client, session, clock = make_client(FakeResponse(404, None, {"request-id": "hdr-7"}))

    with pytest.raises(EntraGraphError) as err:
        client.get_connector("c1")

    assert str(err.value) == ("Could not read connector 'c1': connector 'c1' was not found in the tenant "
                              "(HTTP 404). (request-id: hdr-7)")


@pytest.mark.parametrize("header, low, high", [
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0, 0.0),   # a date in the past: retry at once
    ("soon", 1.0, 2.0),                           # unreadable: exponential backoff instead
])
def test_retry_after_date_or_garbage(header, low, high):
    throttled = graph_error(429, "TooManyRequests", "Too many requests", headers={"Retry-After": header})
    client, session, clock = make_client(throttled, page())

    assert client.list_groups() == []
    assert low <= clock.sleeps[0] <= high
