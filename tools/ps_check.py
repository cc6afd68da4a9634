# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Static checks for the collection's PowerShell, without a PowerShell engine.

1. Every .ps1/.psm1 under plugins/ parses with the tree-sitter pwsh grammar.
2. Every module's literal ``$spec`` matches the options in its sidecar ``.yml`` docs:
   names, type, default, choices, required, no_log on secrets, and supports_check_mode.
   This is the part of ansible-test's validate-modules that needs pwsh for .ps1 modules.

usage: ps_check.py [ROOT]     exit 1 on any problem
"""
from __future__ import annotations

import pathlib
import sys

import yaml
import tree_sitter_pwsh
from tree_sitter import Language, Parser

PARSER = Parser(Language(tree_sitter_pwsh.language()))
SECRET_WORDS = ("password", "secret", "token")


class NotLiteral(Exception):
    """The $spec uses an expression this checker does not evaluate."""


def _text(src: bytes, node) -> str:
    return src[node.start_byte:node.end_byte].decode("utf-8")


def syntax_errors(src: bytes) -> list[str]:
    tree = PARSER.parse(src)
    if not tree.root_node.has_error:
        return []
    found, stack = [], [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.is_missing:
            what = "missing %s" % node.type if node.is_missing else "unexpected %r" % _text(src, node)[:40]
            found.append("%d:%d: %s" % (node.start_point[0] + 1, node.start_point[1] + 1, what))
        elif node.has_error:
            stack.extend(node.children)
    return sorted(found)


def literal(src: bytes, node):
    """Evaluate a literal PowerShell hashtable/array/string/number/bool expression."""
    kind = node.type
    if kind == "hash_literal_expression":
        out = {}
        for body in node.named_children:
            if body.type != "hash_literal_body":
                continue
            for entry in body.named_children:
                if entry.type == "hash_entry":
                    key = _text(src, entry.named_children[0]).strip("'\"")
                    out[key] = literal(src, entry.named_children[-1])
        return out
    text = _text(src, node).strip()
    if kind == "variable":
        low = text.lower()
        if low in ("$true", "$false", "$null"):
            return {"$true": True, "$false": False, "$null": None}[low]
        raise NotLiteral(text)
    if kind in ("string_literal", "expandable_string_literal", "verbatim_string_characters"):
        return text[1:-1]
    if kind in ("integer_literal", "decimal_integer_literal"):
        return int(text)
    if kind == "array_literal_expression" or (node.named_child_count > 1 and "," in text):
        return [literal(src, child) for child in node.named_children]
    if kind == "array_expression":  # @(...)
        items = []
        for child in node.named_children:
            value = literal(src, child)
            items.extend(value if isinstance(value, list) else [value])
        return items
    if node.named_child_count == 1:
        return literal(src, node.named_children[0])
    if text[:1] in "'\"":
        return text[1:-1]
    raise NotLiteral("%s: %s" % (kind, text[:60]))


def find_spec(src: bytes):
    stack = [PARSER.parse(src).root_node]
    while stack:
        node = stack.pop()
        if node.type == "assignment_expression" and _text(src, node.named_children[0]).lower() == "$spec":
            return literal(src, node.named_children[-1])
        stack.extend(node.children)
    return None


def compare_options(prefix: str, spec: dict, docs: dict) -> list[str]:
    problems = []
    for name, opt in spec.items():
        doc = docs.get(name)
        if doc is None:
            problems.append("%s%s: in $spec but not documented" % (prefix, name))
            continue
        for field, default in (("type", "str"), ("default", None), ("required", False), ("elements", None)):
            got, want = opt.get(field, default), doc.get(field, default)
            if field == "default" and got is None and want is None:
                continue
            if got != want:
                problems.append("%s%s: %s is %r in $spec but %r in docs" % (prefix, name, field, got, want))
        spec_choices, doc_choices = opt.get("choices"), doc.get("choices")
        if spec_choices is not None and not isinstance(spec_choices, list):
            spec_choices = [spec_choices]
        if sorted(map(str, spec_choices or [])) != sorted(map(str, doc_choices or [])):
            problems.append("%s%s: choices differ between $spec and docs" % (prefix, name))
        if any(word in name for word in SECRET_WORDS) and not opt.get("no_log") and opt.get("type", "str") == "str":
            problems.append("%s%s: looks secret but has no no_log = $true" % (prefix, name))
        if isinstance(opt.get("options"), dict) or isinstance(doc.get("suboptions"), dict):
            problems += compare_options(prefix + name + ".", opt.get("options") or {}, doc.get("suboptions") or {})
    for name in docs:
        if name not in spec:
            problems.append("%s%s: documented but not in $spec" % (prefix, name))
    return problems


_LOADER_READY = []


def _init_plugin_loader() -> None:
    if not _LOADER_READY:
        from ansible.plugins.loader import init_plugin_loader
        init_plugin_loader()
        _LOADER_READY.append(True)


def check_module(ps1: pathlib.Path) -> list[str]:
    sidecar = ps1.with_suffix(".yml")
    if not sidecar.exists():
        return ["no sidecar docs %s" % sidecar.name]
    try:
        spec = find_spec(ps1.read_bytes())
    except NotLiteral as exc:
        return ["$spec is not a literal (%s)" % exc]
    if spec is None:
        return ["no literal $spec found"]
    problems = []
    if spec.get("supports_check_mode") is not True:
        problems.append("supports_check_mode = $true is missing")
    documentation = yaml.safe_load(sidecar.read_text()).get("DOCUMENTATION") or {}
    if isinstance(documentation, str):
        documentation = yaml.safe_load(documentation)
    if documentation.get("extends_documentation_fragment"):
        # Resolve fragments the way ansible-doc does, from ANSIBLE_COLLECTIONS_PATH.
        from ansible.plugins.loader import fragment_loader
        from ansible.utils.plugin_docs import add_fragments
        _init_plugin_loader()
        add_fragments(documentation, str(sidecar.resolve()), fragment_loader=fragment_loader, is_module=True)
    problems += compare_options("", spec.get("options", {}), documentation.get("options") or {})
    return problems


def main(argv: list[str]) -> int:
    root = pathlib.Path(argv[1] if len(argv) > 1 else ".")
    scripts = sorted(p for p in (root / "plugins").rglob("*") if p.suffix in (".ps1", ".psm1"))
    failures = 0
    for path in scripts:
        src = path.read_bytes()
        if src.startswith(b"\xef\xbb\xbf"):
            src = src[3:]
        problems = ["syntax %s" % e for e in syntax_errors(src)]
        if path.suffix == ".ps1" and path.parent.name == "modules":
            problems += check_module(path)
        for problem in problems:
            print("%s: %s" % (path.relative_to(root), problem))
        failures += bool(problems)
    print("ps_check: %d file(s) checked, %d with problems" % (len(scripts), failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
