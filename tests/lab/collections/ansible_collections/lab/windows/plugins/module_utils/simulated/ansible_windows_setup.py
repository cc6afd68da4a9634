# -*- coding: utf-8 -*-
# Simulation of ansible.windows.setup (gather_facts), facts from the host state.
from __future__ import annotations

import datetime

_ROLES = {
    (False, "server"): "Stand-alone server",
    (True, "server"): "Member server",
    (False, "workstation"): "Stand-alone workstation",
    (True, "workstation"): "Member workstation",
}


def facts_for(host):
    f = host.facts()
    dom = host.domain()
    now = datetime.datetime.now(datetime.timezone.utc)
    boot = host.boot_time()
    joined = bool(dom["joined"])
    domain = dom["dns_domain_name"] if joined else ""
    hostname = host.hostname
    fqdn = "%s.%s" % (hostname.lower(), domain) if domain else hostname.lower()
    version = f.get("os_version", "10.0.20348")
    build = version.split(".")[2] if version.count(".") >= 2 else ""
    mem = int(f.get("memory_mb", 8192))
    facts = {
        "ansible_os_family": "Windows",
        "ansible_system": "Win32NT",
        "ansible_os_name": f.get("os_name", "Microsoft Windows Server 2022 Datacenter"),
        "ansible_distribution": f.get("os_name", "Microsoft Windows Server 2022 Datacenter"),
        "ansible_distribution_version": version + ".0" if version.count(".") == 2 else version,
        "ansible_distribution_major_version": version.split(".")[0],
        "ansible_kernel": version + ".0" if version.count(".") == 2 else version,
        "ansible_os_installation_type": f.get("installation_type", "Server"),
        "ansible_os_product_type": f.get("product_type", "server"),
        "ansible_architecture": "64-bit",
        "ansible_powershell_version": int(f.get("powershell_version", 5)),
        "ansible_hostname": hostname,
        "ansible_netbios_name": hostname,
        "ansible_nodename": fqdn,
        "ansible_fqdn": fqdn,
        "ansible_domain": domain,
        "ansible_windows_domain": domain if joined else dom.get("workgroup", "WORKGROUP"),
        "ansible_windows_domain_member": joined,
        "ansible_windows_domain_role": _ROLES.get((joined, f.get("product_type", "server")), "Stand-alone server"),
        "ansible_memtotal_mb": mem,
        "ansible_memfree_mb": mem // 2,
        "ansible_processor_count": 1,
        "ansible_processor_cores": int(f.get("processor_cores", 4)),
        "ansible_processor_vcpus": int(f.get("processor_cores", 4)),
        "ansible_lastboot": boot.strftime("%Y-%m-%d %H:%M:%SZ"),
        "ansible_uptime_seconds": max(0, int((now - boot).total_seconds())),
        "ansible_reboot_pending": bool(host.reboot_pending()),
        "ansible_user_id": "Administrator",
        "ansible_user_dir": host.expand("~"),
        "ansible_ip_addresses": list(f.get("ip_addresses", ["192.0.2.10"])),
        "ansible_date_time": {
            "iso8601": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "date": now.strftime("%Y-%m-%d"),
            "epoch": str(int(now.timestamp())),
        },
        "ansible_virtualization_role": "guest",
        "ansible_virtualization_type": "simulated",
        "ansible_system_vendor": "lab.windows",
        "ansible_product_name": "Simulated Windows host",
        "module_setup": True,
    }
    facts.update(f.get("extra", {}))
    return facts


def simulate(host, args, check_mode, diff):
    return {"changed": False, "ansible_facts": facts_for(host)}
