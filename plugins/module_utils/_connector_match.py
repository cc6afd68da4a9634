# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Which tenant connector belongs to a server: the one rule the Graph modules and the roles share.

Graph reports a connector's ``machineName`` as the server's DNS name. A server that was registered
twice leaves an inactive twin behind (the tenant drops it after 10 days), so the active one wins.
An inventory or host may only know the short name, or an FQDN built from a primary DNS suffix that
differs from the name Graph shows; a name without a dot therefore also matches the first label.
"""

from __future__ import annotations


def _name(connector, key):
    return str(connector.get(key) or "").strip().lower()


def match_machine_name(connectors, machine_name, key="machineName"):
    """The connectors whose machine name is ``machine_name``, ignoring case.

    ``key`` is ``machineName`` for Graph's own objects and ``machine_name`` for the collection's view.
    A name without a dot also matches the first label of an FQDN.
    """
    wanted = str(machine_name or "").strip().lower()
    if not wanted:
        return []
    exact = [c for c in connectors if _name(c, key) == wanted]
    if exact or "." in wanted:
        return exact
    return [c for c in connectors if _name(c, key).split(".", 1)[0] == wanted]


def active_first(matches):
    """``matches`` with the active connectors first, otherwise in the order Graph listed them."""
    return sorted(matches, key=lambda c: c.get("status") != "active")


def connector_for_host(connectors, fqdn, host_name=None, key="machineName"):
    """The connector of a server known by ``fqdn`` and short ``host_name``; None when the tenant lists none.

    The FQDN is tried first; only when no connector has it is the short name tried. Among several
    matches the active one wins.
    """
    for name in (fqdn, str(host_name or fqdn or "").split(".", 1)[0]):
        matches = match_machine_name(connectors, name, key)
        if matches:
            return active_first(matches)[0]
    return None


def index_by_machine_name(connectors, key="machineName"):
    """Connectors by lower-case machine name; the active one wins when a name appears twice."""
    index = {}
    for connector in connectors:
        name = _name(connector, key)
        if name and (name not in index or index[name].get("status") != "active"):
            index[name] = connector
    return index
