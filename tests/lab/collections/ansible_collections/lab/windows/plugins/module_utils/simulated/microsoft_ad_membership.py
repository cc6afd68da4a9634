# -*- coding: utf-8 -*-
# Simulation of microsoft.ad.membership (microsoft.ad 1.10.0). The real action plugin does the
# reboot when reboot=true (through the raw commands simwin answers).
from __future__ import annotations

from ansible_collections.lab.windows.plugins.module_utils.simulated import _ad

MUTUALLY_EXCLUSIVE = [["offline_join_blob", "domain_admin_user"], ["offline_join_blob", "dns_domain_name"],
                      ["offline_join_blob", "domain_ou_path"], ["offline_join_blob", "hostname"]]
REQUIRED_IF = [["state", "domain", ["domain_admin_user", "offline_join_blob"], True],
               ["state", "workgroup", ["workgroup_name", "domain_admin_user", "domain_admin_password"]]]
REQUIRED_TOGETHER = [["domain_admin_user", "domain_admin_password"]]


def simulate(host, args, check_mode, diff):
    if args["offline_join_blob"]:
        raise host.fail("simwin: microsoft.ad.membership offline_join_blob is not simulated")
    cur = host.domain()
    hostname = host.hostname
    want_host = (args["hostname"] or hostname).upper()
    before = {"dns_domain_name": cur["dns_domain_name"] if cur["joined"] else None, "hostname": hostname,
              "workgroup_name": None if cur["joined"] else cur["workgroup"]}
    result = {"changed": False, "reboot_required": False}
    if args["state"] == "domain":
        dns = args["dns_domain_name"]
        if not dns:
            raise host.fail("dns_domain_name is required when state is domain")
        after = {"dns_domain_name": dns.lower(), "hostname": want_host, "workgroup_name": None}
        joined_right = cur["joined"] and (cur["dns_domain_name"] or "").lower() == dns.lower()
        if joined_right and want_host == hostname:
            return dict(result, diff={"before": before, "after": before}) if diff else result
        if not host.domain_reachable(dns):
            raise host.fail("Failed to join the computer to domain %s: The specified domain either does not exist "
                            "or could not be contacted." % dns)
        if not args["domain_admin_password"]:
            raise host.fail("Failed to join the computer to domain %s: The user name or password is incorrect." % dns)
        result.update(changed=True, reboot_required=True)
        if not check_mode:
            with host.ad(dns) as ad:
                path = args["domain_ou_path"] or "CN=Computers," + _ad.base_dn(dns)
                guid, sid = _ad.ids(dns, "computer", want_host)
                comp = ad["computers"].get(want_host.lower()) or {
                    "name": want_host, "sam_account_name": want_host + "$", "spn": [], "delegates": [],
                    "trusted_for_delegation": False, "enabled": True, "description": None,
                    "attributes": {"useraccountcontrol": [str(_ad.UAC_WORKSTATION_TRUST_ACCOUNT)]},
                    "object_guid": guid, "sid": sid}
                comp.update(dns_hostname="%s.%s" % (want_host.lower(), dns.lower()), path=path,
                            dn="CN=%s,%s" % (want_host, path))
                comp["spn"] = comp["spn"] or ["HOST/%s" % want_host, "HOST/%s.%s" % (want_host, dns.lower())]
                ad["computers"][want_host.lower()] = comp
            host.set_domain({"joined": True, "dns_domain_name": dns.lower(), "workgroup": None, "ou": args["domain_ou_path"]})
            if want_host != hostname:
                host.facts()["hostname"] = want_host
            host.require_reboot("domain join %s" % dns)
            host.record("domain_join", domain=dns.lower(), hostname=want_host)
    else:
        wg = args["workgroup_name"]
        after = {"dns_domain_name": None, "hostname": want_host, "workgroup_name": wg}
        if not cur["joined"] and (cur["workgroup"] or "").lower() == wg.lower() and want_host == hostname:
            return dict(result, diff={"before": before, "after": before}) if diff else result
        result.update(changed=True, reboot_required=True)
        if not check_mode:
            host.set_domain({"joined": False, "dns_domain_name": None, "workgroup": wg, "ou": None})
            if want_host != hostname:
                host.facts()["hostname"] = want_host
            host.require_reboot("workgroup %s" % wg)
            host.record("domain_leave", workgroup=wg)
    if diff:
        result["diff"] = {"before": before, "after": after}
    return result
