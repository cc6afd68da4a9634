"""The publish role (entra.app_proxy.application) through ansible-playbook against the fake tenant: publish, rerun
without writes, Graph requests per application, a refused group, and no PFX password or certificate bytes in -vvvv
output, results or left-over files."""
from __future__ import annotations

import base64
import datetime

import pytest

SUFFIX = "-contoso.msappproxy.net"


@pytest.fixture(autouse=True)
def seeded(clean_tenant):
    clean_tenant.admin.seed(groups=[{"name": "East"}, {"name": "West"}, {"name": "Empty"}],
                            connectors=[{"machineName": "east1.contoso.example", "group": "East"},
                                        {"machineName": "west1.contoso.example", "group": "West"}],
                            customDomains=["apps.contoso.example"])


def _vars(tenant_lab, applications):
    return {"app_proxy_tenant_id": tenant_lab.tenant.tenant_id, "app_proxy_authority_host": tenant_lab.tenant.authority_host,
            "app_proxy_graph_endpoint": tenant_lab.tenant.graph_endpoint, "app_proxy_ca_bundle": tenant_lab.tenant.ca_bundle,
            "app_proxy_token_cache_path": str(tenant_lab.workdir / "msal_cache.json"),
            "app_proxy_applications": applications}


def _pfx(path, password):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "*.apps.contoso.example")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=200)).sign(key, hashes.SHA256()))
    data = pkcs12.serialize_key_and_certificates(b"tenant_lab", key, cert, None,
                                                 serialization.BestAvailableEncryption(password.encode()))
    path.write_bytes(data)
    return data, cert.fingerprint(hashes.SHA1()).hex().upper()


def _apps(tenant_lab):
    return {a["displayName"]: a for a in tenant_lab.state()["published"]}


def test_publish_rerun_and_requests_per_application(tenant_lab):
    user = tenant_lab.user("admin")["object_id"]
    applications = [
        {"name": "East intranet", "external_url": "https://eastintranet%s/" % SUFFIX,
         "internal_url": "http://intranet.east.contoso.example/", "connector_group": "East",
         "kerberos_spn": "HTTP/intranet.east.contoso.example", "assignments": [user]},
        {"name": "West wiki", "external_url": "https://westwiki%s" % SUFFIX,
         "internal_url": "http://wiki.west.contoso.example:8080/", "connector_group": "West",
         "pre_authentication": "passthru"},
    ]
    check = tenant_lab.run("publish.yml", _vars(tenant_lab, applications), check=True)
    assert check.rc == 0, check.output
    assert tenant_lab.state()["applications"] == []
    assert tenant_lab.counts()["totals"]["graph_writes"] == 0

    first = tenant_lab.run("publish.yml", _vars(tenant_lab, applications))
    assert first.rc == 0, first.output
    apps = _apps(tenant_lab)
    assert apps["East intranet"]["connectorGroup"] == "East"
    assert apps["East intranet"]["singleSignOnMode"] == "onPremisesKerberos"
    assert apps["East intranet"]["kerberosServicePrincipalName"] == "HTTP/intranet.east.contoso.example"
    assert apps["East intranet"]["assignments"] == [user]
    assert apps["West wiki"]["connectorGroup"] == "West" and apps["West wiki"]["singleSignOnMode"] == "none"
    # asked without the trailing slash: the service's URL (with it) is what the role reports
    assert apps["West wiki"]["externalUrl"] == "https://westwiki%s/" % SUFFIX
    report = {a["name"]: a for a in first.results["report"]}
    assert report["West wiki"]["external_url"] == apps["West wiki"]["externalUrl"]
    assert "West wiki: https://westwiki%s/ (connector group West, single sign-on none)" % SUFFIX in first.output

    tenant_lab.admin.reset_counts()
    second = tenant_lab.run("publish.yml", _vars(tenant_lab, applications))
    assert second.rc == 0, second.output
    assert [r["changed"] for r in second.results["results"]["results"]] == [False, False]
    totals = tenant_lab.counts()["totals"]
    assert totals["graph_writes"] == 0
    assert totals["graph_reads"] <= 3 * len(applications), tenant_lab.counts()["endpoints"]


def test_group_without_active_connector_refused_before_any_write(tenant_lab):
    applications = [{"name": "Orphan", "external_url": "https://orphan%s/" % SUFFIX,
                     "internal_url": "http://orphan.contoso.example/", "connector_group": "Empty"}]
    run = tenant_lab.run("publish.yml", _vars(tenant_lab, applications))
    assert run.rc == 2
    assert "Connector group 'Empty' has no active connector" in run.output
    assert "app_proxy_connector_group: Empty" in run.output
    assert tenant_lab.counts()["totals"]["graph_writes"] == 0
    assert tenant_lab.state()["applications"] == []


def test_duplicate_names_refused(tenant_lab):
    app = {"name": "Twice", "external_url": "https://twice%s/" % SUFFIX, "internal_url": "http://twice.contoso.example/"}
    run = tenant_lab.run("publish.yml", _vars(tenant_lab, [app, dict(app, name="twice")]))
    assert run.rc == 2 and "names an application more than once" in run.output
    assert tenant_lab.counts()["totals"]["graph_writes"] == 0


def test_certificate_secrets_never_shown(tenant_lab, tmp_path):
    password = "LabPfx0" + base64.b32encode(tmp_path.name.encode()).decode()[:12].replace("=", "A")
    data, thumbprint = _pfx(tmp_path / "apps.pfx", password)
    applications = [{"name": "Custom", "external_url": "https://custom.apps.contoso.example/",
                     "internal_url": "https://custom.contoso.example/", "connector_group": "East",
                     "pfx_path": str(tmp_path / "apps.pfx"), "pfx_password": password}]
    run = tenant_lab.run("publish.yml", _vars(tenant_lab, applications), verbosity=4)
    assert run.rc == 0, run.output[-3000:]
    assert _apps(tenant_lab)["Custom"]["certificateThumbprint"] == thumbprint
    encoded = base64.b64encode(data).decode()
    secrets = [password, encoded, encoded[:64], encoded[-64:]]
    for secret in secrets:
        assert secret not in run.stdout and secret not in run.stderr
        assert secret not in run.results_text
    for folder in ("ansible-remote-tmp", "ansible-tmp"):
        for path in (tenant_lab.workdir / folder).rglob("*"):
            if path.is_file():
                text = path.read_bytes().decode("utf-8", "replace")
                assert all(s not in text for s in secrets), path
    rerun = tenant_lab.run("publish.yml", _vars(tenant_lab, applications))
    assert rerun.rc == 0 and rerun.results["results"]["results"][0]["changed"] is False


@pytest.mark.parametrize("external_url, words", [
    ("https://intranet-fabrikam.msappproxy.net/", ["wrong msappproxy.net name", "'%s'" % SUFFIX]),
    ("https://INTRANET%s/" % SUFFIX, ["must be lower case", "DuplicateValueInDifferentCase"]),
])
def test_url_rule_fails_with_fix_before_any_write(tenant_lab, external_url, words):
    applications = [{"name": "Rules", "external_url": external_url, "internal_url": "http://rules.contoso.example/",
                     "connector_group": "East"}]
    tenant_lab.admin.reset_counts()
    run = tenant_lab.run("publish.yml", _vars(tenant_lab, applications))
    assert run.rc == 2
    for word in words:
        assert word in run.output
    assert tenant_lab.counts()["totals"]["graph_writes"] == 0
    assert tenant_lab.state()["applications"] == []


def test_play_groups_only_publishes_what_the_play_serves(tenant_lab):
    applications = [{"name": "East app", "external_url": "https://eastapp%s/" % SUFFIX,
                     "internal_url": "http://east.contoso.example/", "connector_group": "East"},
                    {"name": "West app", "external_url": "https://westapp%s/" % SUFFIX,
                     "internal_url": "http://west.contoso.example/", "connector_group": "West"}]
    variables = dict(_vars(tenant_lab, applications), publish_play_groups_only=True, app_proxy_connector_group="east")
    run = tenant_lab.run("publish.yml", variables)
    assert run.rc == 0, run.output
    assert [a["displayName"] for a in tenant_lab.state()["published"]] == ["East app"]
    assert "Not published in this run, because no host of the play serves their connector group: West app" in \
        " ".join(run.output.split())
