# -*- coding: utf-8 -*-
# Copyright: Contributors to the entra.app_proxy collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""entra.app_proxy.application and application_info against the fake tenant, in process.

The module runs with the real GraphClient over HTTPS to tests/lab/fake_tenant, so Graph's rules (order of
operations, URL validation, certificate checks) are the fake's, and every test reads the tenant back through
the fake's admin view and counts its requests.
"""
from __future__ import annotations

import datetime
import json
import os
import sys
from unittest import mock

import pytest

from ansible.module_utils import basic

from ansible_collections.entra.app_proxy.plugins.module_utils import _publishing
from ansible_collections.entra.app_proxy.plugins.module_utils._graph_client import GraphClient
from ansible_collections.entra.app_proxy.plugins.module_utils._graph_module import GraphModule
from ansible_collections.entra.app_proxy.plugins.modules import application, application_info, connector_group

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "lab"))

pytest_plugins = ["fake_tenant.pytest_plugin"]  # the fake tenant: a test double, not shipped

TEMPLATE = "8adf8e6e-67b2-4cf2-a259-e3dc5476c621"
SUFFIX = "-contoso.msappproxy.net"


@pytest.fixture
def lab(fake_tenant, graph_token):
    """The tenant reset to a Default group plus 'East' (one active connector) and 'Empty' (an inactive one), with
    the admin's Graph token as ``token``."""
    fake_tenant.admin.seed(groups=[{"name": "East"}, {"name": "Empty"}],
                           connectors=[{"machineName": "conn1.contoso.example", "group": "East"},
                                       {"machineName": "conn2.contoso.example", "group": "Empty", "status": "inactive"}],
                           customDomains=["apps.contoso.example"])
    fake_tenant.token = graph_token
    fake_tenant.admin.reset_counts()
    return fake_tenant


def _state(tenant):
    return tenant.admin.state()


def _published(tenant, name):
    return next((a for a in _state(tenant)["published"] if a["displayName"] == name), None)


def _writes(tenant):
    return tenant.admin.counts()["totals"]["graph_writes"]


def _graph_requests(tenant):
    totals = tenant.admin.counts()["totals"]
    return totals["graph_reads"] + totals["graph_writes"]


class Exit(Exception):
    def __init__(self, result, failed):
        super().__init__(result.get("msg"))
        self.result, self.failed = result, failed


@pytest.fixture
def run(lab, module_args):
    """run(module, args, check_mode=False, diff=True) -> Exit, with a fresh GraphClient per run."""

    def call(module, args, check_mode=False, diff=True):
        client = GraphClient(lab.session(), lab.graph_endpoint, lab.token, sleep=lambda s: None)
        warnings = []
        args = dict(args, access_token=lab.token, _ansible_check_mode=check_mode, _ansible_diff=diff)

        def exit_json(self, **kwargs):
            kwargs = basic.remove_values(kwargs, self.no_log_values)
            raise Exit(dict(kwargs, warnings=warnings), False)

        def fail_json(self, **kwargs):
            kwargs = basic.remove_values(kwargs, self.no_log_values)
            raise Exit(kwargs, True)

        with module_args(args), \
                mock.patch.object(GraphModule, "client", new_callable=mock.PropertyMock, return_value=client), \
                mock.patch.object(basic.AnsibleModule, "warn", lambda self, msg: warnings.append(msg)), \
                mock.patch.object(basic.AnsibleModule, "exit_json", exit_json), \
                mock.patch.object(basic.AnsibleModule, "fail_json", fail_json), \
                mock.patch.object(_publishing, "POLL_INTERVAL", 0.01):
            with pytest.raises(Exit) as exc:
                module.main()
        return exc.value

    return call


def _app(**extra):
    args = {"name": "Intranet", "external_url": "https://intranet%s/" % SUFFIX,
            "internal_url": "http://intranet.contoso.example/", "connector_group": "East"}
    args.update(extra)
    return args


# ----------------------------------------------------------------- publish, rerun, check mode

def test_publish_then_rerun_is_free_of_writes(lab, run):
    user = lab.users["admin"]["object_id"]
    out = run(application, _app(single_sign_on_mode="onPremisesKerberos",
                                kerberos_spn="HTTP/intranet.contoso.example", assignments=[user]))
    assert not out.failed, out.result
    assert out.result["changed"] is True
    app = _published(lab, "Intranet")
    assert app["externalUrl"] == "https://intranet%s/" % SUFFIX
    assert app["internalUrl"] == "http://intranet.contoso.example/"
    assert app["connectorGroup"] == "East"
    assert app["singleSignOnMode"] == "onPremisesKerberos"
    assert app["kerberosServicePrincipalName"] == "HTTP/intranet.contoso.example"
    assert app["assignments"] == [user]
    assert out.result["application"]["external_url"] == app["externalUrl"]
    assert out.result["application"]["connector_group"]["name"] == "East"
    assert len([a for a in _state(lab)["applications"] if a["displayName"] == "Intranet"]) == 1
    # instantiate, URIs, onPremisesPublishing, connector group, one assignment
    assert _writes(lab) == 5

    lab.admin.reset_counts()
    again = run(application, _app(single_sign_on_mode="onPremisesKerberos",
                                  kerberos_spn="HTTP/intranet.contoso.example", assignments=[user]))
    assert not again.failed and again.result["changed"] is False
    assert _writes(lab) == 0
    assert _graph_requests(lab) <= 3  # the application, its connector group, its assignments
    assert again.result["diff"]["before"] == again.result["diff"]["after"]


def test_check_mode_predicts_and_writes_nothing(lab, run):
    out = run(application, _app(), check_mode=True)
    assert out.result["changed"] is True
    assert out.result["diff"]["before"] == {"state": "absent"}
    after = out.result["diff"]["after"]
    assert after["external_url"] == "https://intranet%s/" % SUFFIX and after["connector_group"]["name"] == "East"
    assert after["single_sign_on_mode"] == "none" and after["secure_cookie"] is True
    assert _writes(lab) == 0 and _state(lab)["applications"] == []

    run(application, _app())
    lab.admin.reset_counts()
    change = run(application, _app(internal_url="http://intranet2.contoso.example/", translate_links_in_body=True),
                 check_mode=True)
    assert change.result["changed"] is True
    assert change.result["diff"]["before"]["internal_url"] == "http://intranet.contoso.example/"
    assert change.result["diff"]["after"]["internal_url"] == "http://intranet2.contoso.example/"
    assert change.result["diff"]["after"]["translate_links_in_body"] is True
    assert _writes(lab) == 0
    assert _published(lab, "Intranet")["internalUrl"] == "http://intranet.contoso.example/"


def test_settings_change_is_one_patch_and_defaults_are_microsofts(lab, run):
    first = run(application, _app(connector_group=None))
    view = first.result["application"]
    assert (view["pre_authentication"], view["secure_cookie"], view["http_only_cookie"], view["persistent_cookie"],
            view["translate_host_header"], view["translate_links_in_body"], view["application_server_timeout"],
            view["backend_certificate_validation"]) == (
        "aadPreAuthentication", True, False, False, True, False, "default", True)
    assert _published(lab, "Intranet")["connectorGroup"] == "Default"
    lab.admin.reset_counts()
    out = run(application, _app(connector_group=None, pre_authentication="passthru", application_server_timeout="long"))
    assert out.result["changed"] is True
    assert _writes(lab) == 1
    assert out.result["application"]["pre_authentication"] == "passthru"


def test_header_based_sso_then_back_to_none(lab, run):
    run(application, _app(single_sign_on_mode="aadHeaderBased"))
    assert _published(lab, "Intranet")["singleSignOnMode"] == "aadHeaderBased"
    out = run(application, _app(single_sign_on_mode="none"))
    assert out.result["changed"] is True
    assert _published(lab, "Intranet")["singleSignOnMode"] == "none"


def test_moves_to_another_group_and_rename_by_object_id(lab, run):
    lab.admin.seed(groups=[{"name": "West"}], connectors=[{"machineName": "conn3.contoso.example", "group": "West"}])
    made = run(application, _app()).result["application"]
    out = run(application, _app(connector_group="west", object_id=made["id"], name="Intranet 2"))
    assert out.result["changed"] is True
    app = _published(lab, "Intranet 2")
    assert app["connectorGroup"] == "West" and app["id"] == made["id"]


# ----------------------------------------------------------------- rules checked before any write

@pytest.mark.parametrize("args, words", [
    ({"external_url": "https://Intranet%s/" % SUFFIX},
     ["must be lower case", "DuplicateValueInDifferentCase", "Use 'https://intranet%s/'" % SUFFIX]),
    ({"external_url": "https://intranet%s:8443/" % SUFFIX}, ["has a port", "Remove the port"]),
    ({"external_url": "https://intranet-fabrikam.msappproxy.net/"},
     ["wrong msappproxy.net name", SUFFIX, "ExternalUrl_InvalidAsciiRules"]),
    ({"external_url": "https://intranet.unverified.example/"},
     ["not on a verified domain", "apps.contoso.example", "Custom domain names"]),
    ({"internal_url": "http://10.0.0.5/"}, ["uses an IP address", "host name"]),
    ({"internal_url": "intranet"}, ["internal_url 'intranet' is not an absolute URL"]),
    ({"connector_group": "Empty"}, ["has no active connector", "conn2.contoso.example inactive",
                                    "app_proxy_connector_group: Empty"]),
    ({"connector_group": "Nowhere"}, ["'Nowhere' does not exist", "entra.app_proxy.connector_group"]),
    ({"single_sign_on_mode": "onPremisesKerberos"}, ["needs kerberos_spn"]),
    ({"kerberos_spn": "HTTP/x"}, ["single_sign_on_mode is not onPremisesKerberos"]),
])
def test_rule_fails_with_fix_and_no_write(lab, run, args, words):
    out = run(application, _app(**args))
    assert out.failed
    for word in words:
        assert word in out.result["msg"]
    assert _writes(lab) == 0
    assert _state(lab)["applications"] == []


def test_ambiguous_name_refused(lab, run):
    lab.admin.seed(templateApplications=[{"displayName": "Intranet"}, {"displayName": "intranet"}])
    lab.admin.reset_counts()
    out = run(application, _app())
    assert out.failed and "2 applications made from the on-premises template are named 'Intranet'" in out.result["msg"]
    assert "Set object_id" in out.result["msg"]
    assert _writes(lab) == 0


def test_unknown_object_id_refused(lab, run):
    out = run(application, _app(object_id="00000000-0000-0000-0000-000000000001"))
    assert out.failed and "No application has object id" in out.result["msg"]
    assert _writes(lab) == 0


# ----------------------------------------------------------------- instantiate's failure modes

def test_instantiate_404_after_success_never_makes_a_second_app(lab, run):
    lab.admin.add_fault("POST /v1.0/applicationTemplates/{id}/instantiate", "404_after")
    out = run(application, _app())
    assert not out.failed, out.result
    apps = [a for a in _state(lab)["applications"] if a["displayName"] == "Intranet"]
    assert len(apps) == 1 and apps[0]["onPremisesPublishing"]["externalUrl"] == "https://intranet%s/" % SUFFIX
    assert lab.admin.counts()["endpoints"]["POST /v1.0/applicationTemplates/{id}/instantiate"] == 1


def test_new_application_not_yet_readable_is_waited_for(lab, run):
    lab.admin.add_fault("GET /beta/applications/{id}", "404", count=3)
    out = run(application, _app())
    assert not out.failed, out.result
    assert _published(lab, "Intranet")["connectorGroup"] == "East"
    assert lab.admin.counts()["endpoints"]["GET /beta/applications/{id}"] >= 4


def test_instantiate_never_readable_fails_without_second_create(lab, run):
    lab.admin.add_fault("GET /beta/applications/{id}", "404", count=-1)
    out = run(application, _app(instantiate_timeout=0))
    assert out.failed and "was not created again" in out.result["msg"]
    assert lab.admin.counts()["endpoints"]["POST /v1.0/applicationTemplates/{id}/instantiate"] == 1
    lab.admin.clear_faults()
    again = run(application, _app())
    assert not again.failed
    assert len(_state(lab)["applications"]) == 1


# ----------------------------------------------------------------- assignments

def test_assignments_add_and_exclusive_remove(lab, run):
    admin, operator = lab.users["admin"]["object_id"], lab.users["no_role"]["object_id"]
    group = lab.admin.seed(directoryGroups=[{"displayName": "Finance"}])["directoryGroups"][0]["id"]
    run(application, _app(assignments=[admin, group]))
    assert _published(lab, "Intranet")["assignments"] == sorted([admin, group])
    kept = run(application, _app(assignments=[operator]))
    assert kept.result["changed"] is True
    assert _published(lab, "Intranet")["assignments"] == sorted([admin, group, operator])
    out = run(application, _app(assignments=[operator], assignments_exclusive=True))
    assert out.result["diff"]["before"]["assignments"] == sorted([admin, group, operator])
    assert out.result["diff"]["after"]["assignments"] == [operator]
    assert _published(lab, "Intranet")["assignments"] == [operator]


# ----------------------------------------------------------------- custom-domain certificate

def _pfx(tmp_path, password, days=365, name="intranet.apps.contoso.example"):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=days)).sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(b"lab", key, cert, None,
                                                 serialization.BestAvailableEncryption(password.encode()))
    path = tmp_path / ("%s-%d.pfx" % (name, days))
    path.write_bytes(data)
    return str(path), cert.fingerprint(hashes.SHA1()).hex().upper(), data


def test_certificate_uploaded_once_by_thumbprint_and_never_shown(lab, run, tmp_path):
    import base64

    password = "Lab0Pfx0Password0123"
    path, thumbprint, data = _pfx(tmp_path, password)
    args = _app(external_url="https://intranet.apps.contoso.example/", pfx_path=path,
                pfx_password=password)
    out = run(application, args)
    assert not out.failed, out.result
    assert _published(lab, "Intranet")["certificateThumbprint"] == thumbprint
    assert out.result["application"]["certificate"]["thumbprint"] == thumbprint
    assert out.result["warnings"] == []
    lab.admin.reset_counts()
    again = run(application, args)
    assert again.result["changed"] is False and _writes(lab) == 0
    text = json.dumps([out.result, again.result])
    assert password not in text and base64.b64encode(data).decode() not in text


def test_wrong_pfx_password_fails_before_any_write(lab, run, tmp_path):
    path, _thumbprint, _data = _pfx(tmp_path, "Right0Password")
    out = run(application, _app(external_url="https://intranet.apps.contoso.example/", pfx_path=path,
                                pfx_password="Wrong0Password"))
    assert out.failed
    assert "Invalid certificate, possible wrong password" in out.result["msg"] and "0-9, A-Z and a-z" in out.result["msg"]
    assert "Wrong0Password" not in json.dumps(out.result)
    assert _writes(lab) == 0 and _graph_requests(lab) == 0


def test_certificate_on_default_domain_refused(lab, run, tmp_path):
    path, _thumbprint, _data = _pfx(tmp_path, "Right0Password")
    out = run(application, _app(pfx_path=path, pfx_password="Right0Password"))
    assert out.failed and "whose certificate Microsoft provides" in out.result["msg"]


def test_certificate_near_expiry_warns(lab, run, tmp_path):
    path, _thumbprint, _data = _pfx(tmp_path, "Right0Password", days=10)
    out = run(application, _app(external_url="https://intranet.apps.contoso.example/", pfx_path=path,
                                pfx_password="Right0Password"))
    assert not out.failed
    assert any("expires in" in w and "Upload a renewed PFX" in w for w in out.result["warnings"])


# ----------------------------------------------------------------- absent, info, group decommission

def test_absent_deletes_then_is_unchanged(lab, run):
    run(application, _app())
    out = run(application, {"name": "Intranet", "state": "absent"})
    assert out.result["changed"] is True and out.result["diff"]["after"] == {"state": "absent"}
    assert _state(lab)["applications"] == []
    again = run(application, {"name": "Intranet", "state": "absent"})
    assert again.result["changed"] is False


def test_info_lists_published_applications(lab, run):
    run(application, _app(single_sign_on_mode="onPremisesKerberos", kerberos_spn="HTTP/intranet.contoso.example"))
    lab.admin.reset_counts()
    out = run(application_info, {})
    [view] = out.result["applications"]
    assert view["name"] == "Intranet" and view["connector_group"]["name"] == "East"
    assert view["kerberos_spn"] == "HTTP/intranet.contoso.example"
    assert _graph_requests(lab) == 2 and _writes(lab) == 0
    assert run(application_info, {"name": "nothing"}).result["applications"] == []


def test_group_delete_refused_while_an_application_uses_it(lab, run):
    lab.admin.seed(groups=[{"name": "Apps only"}], connectors=[{"machineName": "c4", "group": "Apps only"}])
    run(application, _app(connector_group="Apps only"))
    connector = next(c for c in _state(lab)["connectors"] if c["machineName"] == "c4")
    east = next(g for g in _state(lab)["groups"] if g["name"] == "East")
    session = lab.session()
    resp = session.post("%s/beta/onPremisesPublishingProfiles/applicationProxy/connectors/%s/memberOf/$ref"
                        % (lab.graph_endpoint, connector["id"]), headers={"Authorization": "Bearer " + lab.token},
                        json={"@odata.id": "%s/beta/onPremisesPublishingProfiles/applicationProxy/connectorGroups/%s"
                              % (lab.graph_endpoint, east["id"])}, timeout=30)
    assert resp.status_code == 204
    lab.admin.reset_counts()
    out = run(connector_group, {"name": "Apps only", "state": "absent"})
    assert out.failed and "1 application(s): Intranet" in out.result["msg"]
    assert _writes(lab) == 0
