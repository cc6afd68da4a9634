#!/usr/bin/python
# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
---
module: application
short_description: Publish an on-premises web application through Microsoft Entra application proxy
description:
  - Makes sure an on-premises application is published through application proxy with the wanted URLs,
    settings, connector group, single sign-on, custom-domain certificate and assigned users and groups, or that
    it is not published at all.
  - Follows Microsoft's Graph tutorial in its order. A new application is made from the on-premises application
    template (C(instantiate)); then its identifier URI, redirect URI and home page are set, then
    C(onPremisesPublishing) (beta), then the connector group (which the service only accepts after
    C(onPremisesPublishing)), then the assignments.
  - "Finds the application by O(object_id) when given, else by the template and O(name); two applications with
    that name are refused (set O(object_id)). A new application whose creation Graph answers with a 404, or
    which is not readable yet, is waited for (O(instantiate_timeout)), never created a second time."
  - Every rule below is checked before the first write, and a broken one fails the task with the rule and
    the fix. O(external_url) must be lower case, without a port, query or fragment, and on the tenant's
    C(-TENANT.msappproxy.net) name or a verified custom domain. O(internal_url) needs a host name, not an IP
    address. The connector group must exist and have an active connector.
  - Each publishing setting left unset keeps the application's value; a new application gets Microsoft's
    default, named in the option.
  - Returns the external URL the service stored, which can differ from the one asked (the service adds the
    trailing C(/)).
  - Uses Microsoft Graph (beta for C(onPremisesPublishing) and the connector group); the user needs the
    Application Administrator role (Cloud Application Administrator cannot manage application proxy
    settings) and the tenant a Microsoft Entra ID P1 or P2 licence.
version_added: 0.1.0
options:
  name:
    description:
      - Display name of the application (the enterprise application and its registration).
      - Found by name, ignoring case, among the applications made from the on-premises template, unless
        O(object_id) is set.
    type: str
    required: true
  object_id:
    description:
      - Object id of the application registration to manage (not its app id). Needed when two applications
        share O(name); with it, O(name) renames the application.
    type: str
  state:
    description:
      - V(present) publishes or updates the application; V(absent) deletes it, with its service principal.
      - Deleting does not remove the DNS CNAME record of a custom domain; delete it yourself.
    type: str
    choices: [absent, present]
    default: present
  external_url:
    description:
      - The URL users open, for example C(https://intranet-contoso.msappproxy.net/) or, on a verified custom
        domain, C(https://intranet.contoso.com/).
      - Lower case, no port. The identifier URI is this URL without its trailing C(/) (Graph refuses a
        trailing slash there); the redirect URI and home page are this URL.
      - Required with O(state=present).
    type: str
  internal_url:
    description:
      - The URL the connector servers reach the application at, for example C(http://intranet.contoso.local/).
        A custom port is fine here.
      - Required with O(state=present).
    type: str
  pre_authentication:
    description:
      - V(aadPreAuthentication) makes users sign in to Microsoft Entra ID before they reach the application;
        V(passthru) lets anyone through to it.
      - Microsoft's default for a new application is V(aadPreAuthentication).
    type: str
    choices: [aadPreAuthentication, passthru]
  application_server_timeout:
    description:
      - Back-end timeout, V(default) (85 seconds) or V(long) (180 seconds). Microsoft's default is V(default).
    type: str
    choices: [default, long]
  backend_certificate_validation:
    description:
      - Validate the back-end application's TLS certificate. Microsoft's default is V(true) for new applications.
    type: bool
  http_only_cookie:
    description:
      - Set the HTTPOnly flag on application proxy's cookies. Microsoft's default is V(false); keep it V(false)
        for Remote Desktop Services.
    type: bool
  persistent_cookie:
    description:
      - Make application proxy's access cookie persistent. Microsoft's default is V(false), and Microsoft advises
        keeping it.
    type: bool
  secure_cookie:
    description:
      - Send application proxy's cookies over HTTPS only. Microsoft's default is V(true).
    type: bool
  state_session:
    description:
      - Validate the OAuth state parameter (protection against cross-site request forgery). Microsoft's
        default is V(false).
    type: bool
  translate_host_header:
    description:
      - Rewrite the Host header to the internal URL's host. Microsoft's default is V(true).
    type: bool
  translate_links_in_body:
    description:
      - Rewrite internal links in the application's pages to the external URL. Microsoft's default is V(false).
    type: bool
  connector_group:
    description:
      - Name of the connector group whose connectors serve the application. It must exist and have at least one
        active connector.
      - When not set, a new application uses the tenant's default group and an existing one keeps its group.
    type: str
  single_sign_on_mode:
    description:
      - V(onPremisesKerberos) is Integrated Windows Authentication through Kerberos Constrained Delegation; it
        needs O(kerberos_spn), and the connector servers must be allowed to delegate to that SPN (the
        M(entra.app_proxy.domain_join) role does this from the same variable, see docs/publishing.md).
      - V(aadHeaderBased), V(pingHeaderBased) and V(oAuthToken) are the header-based and token modes.
      - When not set, a new application gets V(none) and an existing one keeps its mode.
    type: str
    choices: [none, onPremisesKerberos, aadHeaderBased, pingHeaderBased, oAuthToken]
  kerberos_spn:
    description:
      - The application server's service principal name, for example C(HTTP/intranet.contoso.local). Graph's
        C(kerberosServicePrincipalName).
      - Required with O(single_sign_on_mode=onPremisesKerberos), and only allowed with it.
    type: str
  kerberos_delegated_login_identity:
    description:
      - The user identity the connector asks a Kerberos ticket for (Graph's
        C(kerberosSignOnMappingAttributeType)). Used with O(single_sign_on_mode=onPremisesKerberos).
    type: str
    choices: [userPrincipalName, onPremisesUserPrincipalName, userPrincipalUsername,
              onPremisesUserPrincipalUsername, onPremisesSAMAccountName]
    default: userPrincipalName
  pfx_path:
    description:
      - PFX file (on the controller) with the TLS certificate of the custom domain of O(external_url), its
        private key and its intermediate certificates.
      - Uploaded only when its thumbprint differs from the application's current certificate.
      - Only for an O(external_url) on a custom domain.
      - A relative path is looked for as the controller looks for files (the role's or playbook's C(files/)).
      - Not to be confused with O(certificate_path), the certificate that signs in to Graph.
    type: path
  pfx_password:
    description:
      - Password of O(pfx_path). Microsoft accepts only the characters 0-9, A-Z and a-z.
      - Never logged or returned.
    type: str
  certificate_expiry_warning_days:
    description:
      - Warn when the application's custom-domain certificate expires within this many days.
    type: int
    default: 30
  assignments:
    description:
      - Object ids of the users and groups to assign to the application (to O(app_role_id)). With
        pre-authentication, only assigned users can open it (the template sets C(appRoleAssignmentRequired)).
      - Users and groups already assigned and not listed stay, unless O(assignments_exclusive=true).
      - When not set, assignments are not read or changed.
    type: list
    elements: str
  assignments_exclusive:
    description:
      - Remove the assignments to O(app_role_id) of users and groups not in O(assignments).
    type: bool
    default: false
  app_role_id:
    description:
      - The app role the assignments are made to. The default is the C(User) role of the on-premises template.
    type: str
    default: 18d14569-c3bd-439b-9a66-3a2aee01d14f
  instantiate_timeout:
    description:
      - Seconds to wait for a new application to become readable after Graph created it (Graph sometimes answers
        the creation with a 404, or shows the objects only seconds later).
    type: int
    default: 120
extends_documentation_fragment: [entra.app_proxy.graph_auth, entra.app_proxy.graph_module, entra.app_proxy.graph_module.writes]
seealso:
  - module: entra.app_proxy.application_info
  - module: entra.app_proxy.connector_group
  - name: Configure application proxy using Microsoft Graph
    description: Microsoft's tutorial this module follows.
    link: https://learn.microsoft.com/graph/application-proxy-configure-api
  - name: onPremisesPublishing resource type (beta)
    description: The settings and their defaults.
    link: https://learn.microsoft.com/graph/api/resources/onpremisespublishing?view=graph-rest-beta
attributes:
  diff_mode:
    details: The diff shows URLs, settings, single sign-on, group, certificate thumbprint and assignments; never a
      certificate or password.
notes:
  - The publishing API (C(onPremisesPublishing), connector groups) is beta Graph; Microsoft does not support beta
    APIs in production.
  - A rerun that changes nothing reads the application, and its connector group and assignments when those options
    are set (at most three Graph requests), and writes nothing.
"""

EXAMPLES = r"""
- name: Publish the intranet on the default domain, in the Europe connector group
  entra.app_proxy.application:
    tenant_id: contoso.onmicrosoft.com
    name: Intranet
    external_url: https://intranet-contoso.msappproxy.net/
    internal_url: http://intranet.contoso.local/
    connector_group: Europe
  register: intranet

- name: Show the external URL the service assigned
  ansible.builtin.debug:
    msg: "{{ intranet.application.external_url }}"

- name: Single sign-on with Kerberos Constrained Delegation, on a custom domain, for one group of users
  entra.app_proxy.application:
    name: Expenses
    external_url: https://expenses.contoso.com/
    internal_url: https://expenses.contoso.local:8443/
    connector_group: Europe
    single_sign_on_mode: onPremisesKerberos
    kerberos_spn: HTTP/expenses.contoso.local
    pfx_path: files/expenses.contoso.com.pfx
    pfx_password: "{{ vault_expenses_pfx_password }}"
    assignments:
      - 6f1c1d2e-0b7a-4d1e-9a55-3c1f0e2d4b6a  # the Finance group's object id

- name: Unpublish and delete an application
  entra.app_proxy.application:
    name: Old intranet
    state: absent
"""

RETURN = r"""
application:
  description:
    - The application after the task, or before it when O(state=absent). In check mode, a new application has no
      ids.
  returned: success, when the application exists or is created
  type: dict
  contains:
    id:
      description: Object id of the application registration.
      type: str
    app_id:
      description: Application (client) id.
      type: str
    name:
      description: Display name.
      type: str
    published:
      description: Whether C(onPremisesPublishing) is set.
      type: bool
    external_url:
      description: The external URL the service stored (it can differ from O(external_url)).
      type: str
      sample: https://intranet-contoso.msappproxy.net/
    internal_url:
      description: The internal URL.
      type: str
    pre_authentication:
      description: V(aadPreAuthentication) or V(passthru).
      type: str
    application_server_timeout:
      description: V(default) or V(long).
      type: str
    backend_certificate_validation:
      description: Back-end certificate validation.
      type: bool
    http_only_cookie:
      description: HTTPOnly cookie flag.
      type: bool
    persistent_cookie:
      description: Persistent cookie.
      type: bool
    secure_cookie:
      description: Secure cookie flag.
      type: bool
    state_session:
      description: OAuth state validation.
      type: bool
    translate_host_header:
      description: Host header translation.
      type: bool
    translate_links_in_body:
      description: Link translation in the body.
      type: bool
    single_sign_on_mode:
      description: The single sign-on mode.
      type: str
      sample: onPremisesKerberos
    kerberos_spn:
      description: The Kerberos service principal name, or null.
      type: str
    kerberos_delegated_login_identity:
      description: The delegated login identity, or null.
      type: str
    certificate:
      description: The custom-domain certificate's metadata (never the certificate), or null.
      type: dict
      contains:
        thumbprint:
          description: SHA-1 thumbprint.
          type: str
        subject:
          description: Subject name.
          type: str
        expiry_date:
          description: When it expires (ISO 8601).
          type: str
    connector_group:
      description: The connector group (C(id), C(name)), when O(connector_group) is set or the application is new.
      type: dict
    assignments:
      description: Object ids of the users and groups assigned, when O(assignments) is set.
      type: list
      elements: str
"""

from ..module_utils._graph_client import EntraGraphError  # noqa: E402
from ..module_utils._graph_module import (  # noqa: E402
    GraphTaskError,
    find_group,
    run_module,
)
from ..module_utils._publishing import (  # noqa: E402
    LOGIN_IDENTITIES,
    ON_PREMISES_TEMPLATE_ID,
    PUBLISHING_OPTIONS,
    SSO_MODES,
    USER_ROLE_ID,
    application_view,
    check_external_domain,
    check_urls,
    expires_in_days,
    find_application,
    identifier_uri,
    read_pfx,
    wait_for,
    with_slash,
)


def _validate(params):
    """Checks that need no tenant read; returns the PFX (bytes, metadata) or None."""
    if params["state"] == "absent":
        return None
    missing = [k for k in ("external_url", "internal_url") if not params[k]]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise GraphTaskError("%s %s required with state=present." % (" and ".join(missing), verb))
    check_urls(params["external_url"], params["internal_url"])
    kerberos = params["single_sign_on_mode"] == "onPremisesKerberos"
    if kerberos and not params["kerberos_spn"]:
        raise GraphTaskError("single_sign_on_mode=onPremisesKerberos needs kerberos_spn, the application server's SPN "
                             "(for example HTTP/intranet.contoso.local).")
    if params["kerberos_spn"] and not kerberos:
        raise GraphTaskError("kerberos_spn is set but single_sign_on_mode is not onPremisesKerberos; set "
                             "single_sign_on_mode: onPremisesKerberos, or remove kerberos_spn.")
    if params["assignments_exclusive"] and params["assignments"] is None:
        raise GraphTaskError("assignments_exclusive needs assignments (the full list to keep; [] removes them all).")
    if params["pfx_path"]:
        if params["external_url"].split("/")[2].endswith(".msappproxy.net"):
            raise GraphTaskError("pfx_path is for an external_url on a custom domain; %s uses the default "
                                 "msappproxy.net domain, whose certificate Microsoft provides. Remove pfx_path."
                                 % params["external_url"])
        try:
            return read_pfx(params["pfx_path"], params["pfx_password"])
        except ValueError as exc:
            raise GraphTaskError("pfx_path: %s" % exc)
    return None


def _publishing_changes(params, current, pfx):
    """The onPremisesPublishing properties to PATCH (empty when in sync)."""
    publishing = current or {}
    wanted = {"externalUrl": with_slash(params["external_url"]), "internalUrl": with_slash(params["internal_url"])}
    for option, (prop, _default) in PUBLISHING_OPTIONS.items():
        if params[option] is not None:
            wanted[prop] = params[option]
    changes = {k: v for k, v in wanted.items() if publishing.get(k) != v}
    if not current:
        changes.update(wanted)
    sso_now = publishing.get("singleSignOnSettings") or {}
    mode = params["single_sign_on_mode"]
    if mode is not None:
        kerberos = None
        if mode == "onPremisesKerberos":
            kerberos = {"kerberosServicePrincipalName": params["kerberos_spn"],
                        "kerberosSignOnMappingAttributeType": params["kerberos_delegated_login_identity"]}
        now_kerberos = sso_now.get("kerberosSignOnSettings") or None
        if (sso_now.get("singleSignOnMode") or "none") != mode or (kerberos and now_kerberos != kerberos):
            changes["singleSignOnSettings"] = {"singleSignOnMode": mode, "kerberosSignOnSettings": kerberos or {}}
    if pfx is not None:
        metadata = publishing.get("verifiedCustomDomainCertificatesMetadata") or {}
        if (metadata.get("thumbprint") or "").upper() != pfx["thumbprint"]:
            changes["verifiedCustomDomainKeyCredential"] = {"type": "X509CertAndPassword", "value": pfx["value"]}
            changes["verifiedCustomDomainPasswordCredential"] = {"value": pfx["password"]}
    return changes


def _uri_changes(params, application):
    external = with_slash(params["external_url"])
    web = application.get("web") or {}
    old = ((application.get("onPremisesPublishing") or {}).get("externalUrl") or "")
    body = {}
    uris = application.get("identifierUris") or []
    if identifier_uri(external) not in uris:
        body["identifierUris"] = [u for u in uris if u != identifier_uri(old)] + [identifier_uri(external)]
    redirects = web.get("redirectUris") or []
    if external not in redirects or web.get("homePageUrl") != external:
        body["web"] = {"redirectUris": [u for u in redirects if u not in (old, external)] + [external],
                       "homePageUrl": external}
    return body


def _state(view, assignments_managed):
    """The diff's view: no ids that only a real run knows, no secrets."""
    if view is None:
        return {"state": "absent"}
    out = {k: v for k, v in view.items() if k not in ("id", "app_id", "published")}
    out["state"] = "present"
    if out.get("certificate"):
        out["certificate"] = out["certificate"].get("thumbprint")
    if not assignments_managed:
        out.pop("assignments", None)
    return out


def _after(params, application, changes, group, assignments, pfx):
    """The application as it will be after the planned writes (for check mode and the diff)."""
    after = dict(application or {"displayName": params["name"]})
    if params["object_id"] and application:
        after["displayName"] = params["name"]
    publishing = dict(after.get("onPremisesPublishing") or {})
    if not application or not after.get("onPremisesPublishing"):
        publishing.update(dict(PUBLISHING_OPTIONS.values()))
        publishing["singleSignOnSettings"] = {"singleSignOnMode": "none"}
    for key, value in changes.items():
        if key == "verifiedCustomDomainKeyCredential":
            publishing["verifiedCustomDomainCertificatesMetadata"] = {
                "thumbprint": pfx["thumbprint"], "subjectName": pfx["subject"], "expiryDate": pfx["expiry_date"]}
        elif key != "verifiedCustomDomainPasswordCredential":
            publishing[key] = value
    after["onPremisesPublishing"] = publishing
    return application_view(after, group, assignments)


def _plan_group(module, client, current_group):
    """The group to move the application to, or None; refuses a missing group or one without an active connector.

    In check mode these only warn: the same play may be about to create the group and register its connectors.
    """
    name = module.params["connector_group"]
    if not name or (current_group and (current_group.get("name") or "").lower() == name.lower()):
        return None
    group = find_group(client, name=name)
    problem = None
    if group is None:
        problem = ("Connector group '%s' does not exist. Create it (entra.app_proxy.connector_group, or "
                   "connector_group_create: true in the site playbook) and put a connector in it, or fix "
                   "connector_group." % name)
    else:
        members = client.list_group_members(group["id"])
        if not any(m.get("status") == "active" for m in members):
            problem = ("Connector group '%s' has no active connector (%s), so the application would be unreachable. "
                       "Install and register a connector in it first (entra.app_proxy.site with "
                       "app_proxy_connector_group: %s), or choose another group."
                       % (name, ", ".join("%s %s" % (m.get("machineName"), m.get("status")) for m in members)
                          or "no connectors", name))
    if problem and not module.check_mode:
        raise GraphTaskError(problem)
    if problem:
        module.warn(problem + " (Check mode: a real run refuses this unless the play gets the group ready first.)")
    return group or {"id": None, "name": name}


def _plan_assignments(params, current):
    if params["assignments"] is None:
        return [], []
    role = params["app_role_id"]
    have = {(a.get("principalId") or "").lower() for a in current if a.get("appRoleId") == role}
    wanted = [p.lower() for p in params["assignments"]]
    add = [p for p in dict.fromkeys(wanted) if p not in have]
    remove = []
    if params["assignments_exclusive"]:
        remove = [a for a in current if a.get("appRoleId") == role and (a.get("principalId") or "").lower()
                  not in wanted]
    return add, remove


def _create(module, client):
    """Instantiate the template once, and wait until Graph shows the application."""
    params = module.params
    timeout = params["instantiate_timeout"]
    try:
        made = client.instantiate(ON_PREMISES_TEMPLATE_ID, params["name"]) or {}
        object_id = (made.get("application") or {}).get("id")
    except EntraGraphError as exc:  # a 404 or a lost reply may hide a success: look before anything else
        if exc.status not in (404, None):
            raise
        object_id = None

    if object_id:
        found = wait_for(lambda: (client.forget(), client.get_application(object_id))[1], timeout)
    else:
        def by_name():
            client.forget()
            return find_application(client, name=params["name"])
        found = wait_for(by_name, timeout)
    if found is None:
        raise GraphTaskError(
            "Graph did not show application '%s' within %d seconds of creating it (instantiate_timeout). It was not "
            "created again: rerun the task to finish it (it finds the application by name), or raise "
            "instantiate_timeout." % (params["name"], timeout))
    return found


def _apply(module, client, application, uri_body, changes, group, add, remove, pfx):
    params = module.params
    if application is None:
        application = _create(module, client)
        uri_body = _uri_changes(params, application)
    object_id = application["id"]
    if params["object_id"] and application.get("displayName") != params["name"]:
        uri_body["displayName"] = params["name"]
    if uri_body:
        client.update_application(object_id, uri_body)
    if changes:
        client.update_application(object_id, {"onPremisesPublishing": changes}, beta=True)
    if group is not None:
        client.set_application_connector_group(object_id, group["id"])
    if add or remove:
        sp = wait_for(lambda: (client.forget(), client.service_principal(application["appId"]))[1],
                      params["instantiate_timeout"])
        if sp is None:
            raise GraphTaskError("The service principal of application '%s' did not appear within %d seconds; rerun "
                                 "the task to finish the assignments." % (params["name"], params["instantiate_timeout"]))
        for principal in add:
            client.add_app_role_assignment(sp["id"], principal, params["app_role_id"])
        for assignment in remove:
            client.remove_app_role_assignment(sp["id"], assignment["id"])
    client.forget()
    return client.get_application(object_id)


def manage_application(module):
    client = module.client
    params = module.params
    pfx = _validate(params)
    if pfx is not None:
        module.no_log_values.add(pfx["value"])  # the certificate bytes never show, even inside an error
    application = find_application(client, name=params["name"], object_id=params["object_id"])
    if params["object_id"] and application is None and params["state"] == "present":
        raise GraphTaskError("No application has object id '%s'. To create one, leave object_id out."
                             % params["object_id"])

    if params["state"] == "absent":
        if application is None:
            module.exit_json(changed=False, application=None)
        before = application_view(application)
        if not module.check_mode:
            client.delete_application(application["id"])
        module.exit_json(changed=True, application=before,
                         diff={"before": _state(before, False), "after": {"state": "absent"}})

    published = application is not None and application.get("onPremisesPublishing")
    current_group = client.application_connector_group(application["id"]) if (
        published and params["connector_group"]) else None
    current_assignments = []
    if application is not None and params["assignments"] is not None:
        try:
            current_assignments = client.app_role_assignments(application["appId"])
        except EntraGraphError as exc:  # a brand-new application's service principal may not be readable yet
            if exc.status != 404:
                raise
    uri_body = _uri_changes(params, application or {})
    changes = _publishing_changes(params, application and application.get("onPremisesPublishing"), pfx)
    if "externalUrl" in changes:
        check_external_domain(params["external_url"], client.list_domains())
    group = _plan_group(module, client, current_group)
    add, remove = _plan_assignments(params, current_assignments)
    renamed = bool(params["object_id"] and application and application.get("displayName") != params["name"])
    changed = application is None or bool(uri_body or changes or group or add or remove or renamed)

    managed = params["assignments"] is not None
    before = application_view(application, current_group, current_assignments if managed else None)
    planned = [a for a in current_assignments if a not in remove] + [{"principalId": p} for p in add]
    after = _after(params, application, changes, group or current_group, planned if managed else None, pfx)
    if changed and not module.check_mode:
        final = _apply(module, client, application, uri_body, changes, group, add, remove, pfx)
        after = application_view(final, group or current_group, planned if managed else None)
    _warn(module, after)
    module.exit_json(changed=changed, application=after,
                     diff={"before": _state(before, managed), "after": _state(after, managed)})


def _warn(module, view):
    asked = with_slash(module.params["external_url"])
    if view.get("external_url") and view["external_url"] != asked:
        module.warn("The service assigned the external URL %s (asked: %s); users open the assigned one."
                    % (view["external_url"], asked))
    certificate = view.get("certificate")
    days = expires_in_days({"expiryDate": certificate.get("expiry_date")}) if certificate else None
    limit = module.params["certificate_expiry_warning_days"]
    if days is not None and days <= limit:
        when = "expired %d day(s) ago" % -days if days < 0 else "expires in %d day(s)" % days
        module.warn("The custom-domain certificate of %s (thumbprint %s) %s. Upload a renewed PFX with pfx_path."
                    % (view.get("name"), certificate.get("thumbprint"), when))


OPTIONS = dict(
    name=dict(type="str", required=True),
    object_id=dict(type="str"),
    state=dict(type="str", default="present", choices=["absent", "present"]),
    external_url=dict(type="str"),
    internal_url=dict(type="str"),
    pre_authentication=dict(type="str", choices=["aadPreAuthentication", "passthru"]),
    application_server_timeout=dict(type="str", choices=["default", "long"]),
    backend_certificate_validation=dict(type="bool"),
    http_only_cookie=dict(type="bool"),
    persistent_cookie=dict(type="bool"),
    secure_cookie=dict(type="bool"),
    state_session=dict(type="bool"),
    translate_host_header=dict(type="bool"),
    translate_links_in_body=dict(type="bool"),
    connector_group=dict(type="str"),
    single_sign_on_mode=dict(type="str", choices=SSO_MODES),
    kerberos_spn=dict(type="str"),
    kerberos_delegated_login_identity=dict(type="str", default="userPrincipalName", choices=LOGIN_IDENTITIES),
    pfx_path=dict(type="path"),
    pfx_password=dict(type="str", no_log=True),
    certificate_expiry_warning_days=dict(type="int", default=30),
    assignments=dict(type="list", elements="str"),
    assignments_exclusive=dict(type="bool", default=False),
    app_role_id=dict(type="str", default=USER_ROLE_ID),
    instantiate_timeout=dict(type="int", default=120),
)
RULES = dict(required_together=[("pfx_path", "pfx_password")])


def main():
    run_module(manage_application, OPTIONS, RULES)


if __name__ == "__main__":
    main()
