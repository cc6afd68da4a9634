# -*- coding: utf-8 -*-
# Simulation of community.windows.win_xml (community.windows 3.1.0) with xml.etree: XPath limited to
# what ElementTree supports (absolute or // paths, [@attr='value'] predicates), no namespaces. An element
# fragment is compared as upstream's Compare-XmlDoc does (attributes in document order, case-insensitive).
from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET

_NO_MATCH = ("The supplied xpath did not match any nodes.  If this is unexpected, check your xpath is valid "
             "for the xml file at supplied path.")


def _select(root, xpath):
    xp = xpath.strip()
    if xp.startswith("//"):
        return root.findall("." + xp) + ([root] if root.tag == xp[2:].split("/")[0].split("[")[0] else [])
    if not xp.startswith("/"):
        return root.findall(xp)
    parts = xp[1:].split("/", 1)
    first = parts[0]
    m = re.match(r"^([^\[]+)(\[.*\])?$", first)
    if not m or m.group(1) != root.tag:
        return []
    if m.group(2):
        wrapper = ET.Element("w")
        wrapper.append(root)
        if root not in wrapper.findall("./" + first):
            return []
    if len(parts) == 1:
        return [root]
    return root.findall("./" + parts[1])


def _child_nodes(e):
    """XmlNode.ChildNodes of a document loaded without PreserveWhitespace: elements and non-blank text."""
    nodes = [e.text] if (e.text or "").strip() else []
    for c in e:
        nodes.append(c)
        if (c.tail or "").strip():
            nodes.append(c.tail)
    return nodes


def _same(a, b):
    """upstream Compare-XmlDoc: names, attributes by index in document order, child nodes by index and
    inner text, every string compared with PowerShell's -ne (case-insensitive)."""
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()
    if a.tag.lower() != b.tag.lower():
        return False
    if len(a.attrib) != len(b.attrib):
        return False
    for (an, av), (bn, bv) in zip(a.attrib.items(), b.attrib.items()):
        if an.lower() != bn.lower() or av.lower() != bv.lower():
            return False
    ac, bc = _child_nodes(a), _child_nodes(b)
    if len(ac) != len(bc) or not all(_same(x, y) for x, y in zip(ac, bc)):
        return False
    return "".join(a.itertext()).lower() == "".join(b.itertext()).lower()


def _save(root, decl):
    body = ET.tostring(root, encoding="unicode")
    return (decl + "\n" if decl else "") + body + "\n"


def simulate(host, args, check_mode, diff):
    path = host.expand(args["path"])
    text = host.file_read_text(path)
    result = {"changed": False}
    if text is None:
        raise host.fail("Specified path %s does not exist or is not a file." % path, **result)
    decl_m = re.match(r"^\s*(<\?xml[^>]*\?>)", text)
    decl = decl_m.group(1) if decl_m else ""
    try:
        root = ET.fromstring(text[decl_m.end():] if decl_m else text)
    except ET.ParseError as e:
        raise host.fail("Failed to parse file at '%s' as an XML document: %s" % (path, e), **result)
    xpath = args["xpath"]
    attr_target = None
    m = re.match(r"^(.*)/@([\w.:-]+)$", xpath)
    if m:  # xpath selecting an attribute node
        xpath, attr_target = m.group(1), m.group(2)
    try:
        nodes = _select(root, xpath)
    except SyntaxError as e:
        raise host.fail("simwin: win_xml xpath %s is beyond what the lab's XPath subset supports: %s" % (args["xpath"], e))
    if attr_target:
        nodes = [n for n in nodes if attr_target in n.attrib]
    if args["count"]:
        result["count"] = len(nodes)
        if not args["fragment"]:
            return result
    if not nodes:
        result["msg"] = _NO_MATCH
        return result
    result["msg"] = "not changed"
    changed = False
    typ, state, frag = args["type"], args["state"], args["fragment"]
    if typ == "element":
        if state == "absent":
            if not check_mode:  # the real module only flags a change outside check mode
                parents = {c: p for p in root.iter() for c in p}
                for n in nodes:
                    if n is root:
                        raise host.fail("simwin: win_xml removing the root element is not simulated")
                    parents[n].remove(n)
                changed = True
        else:
            try:
                cand = ET.fromstring(frag)
            except ET.ParseError as e:
                raise host.fail("Failed to parse fragment as XML: %s" % e, **result)
            for n in nodes:
                elements = _child_nodes(n) or [n]
                # upstream resets $changed for each matched node: the last node decides "changed"
                changed = False
                if not any(_same(cand, e) for e in elements):
                    n.append(copy.deepcopy(cand))
                    result["msg"] += "xml added "
                    changed = True
    elif typ == "text":
        for n in nodes:
            if (n.text or "") != frag:
                n.text = frag
                changed = True
    else:
        name = attr_target or args["attribute"]
        for n in nodes:
            if state == "present":
                if n.get(name) != frag:
                    n.set(name, frag)
                    changed = True
            elif name in n.attrib:
                del n.attrib[name]
                changed = True
    if changed:
        result["changed"] = True
        if check_mode:
            result["msg"] += " check mode"
        else:
            result["msg"] = "%s %s" % (typ, "removed" if state == "absent" else "changed")
            host.file_write(path, _save(root, decl))
    return result
