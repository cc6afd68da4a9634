# -*- coding: utf-8 -*-
# Test-only: validate module arguments against the real module's documented options,
# the way Ansible.Basic (the C# AnsibleModule every Windows module uses) validates them,
# with the same message shapes. Docs come from the installed collections via ansible's own
# doc loader, so a task with a wrong option fails here as it would on Windows.
from __future__ import annotations

import copy
import functools
import json
import os
import re
import typing as t

from ansible_collections.lab.windows.plugins.module_utils import nolog

BOOLEANS_TRUE = ["y", "yes", "on", "1", "true", "t", "1.0"]
BOOLEANS_FALSE = ["n", "no", "off", "0", "false", "f", "0.0"]
NO_LOG_MASK = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"

# Keys Ansible.Basic accepts as _ansible_<key> (its passVars table).
PASS_VARS = ["check_mode", "debug", "diff", "keep_remote_files", "ignore_unknown_opts", "inject_invocation",
             "module_name", "no_log", "remote_tmp", "selinux_special_fs", "shell_executable", "socket",
             "syslog_facility", "target_log_info", "tracebacks_for", "tmpdir", "verbosity", "version"]


class ArgumentError(Exception):
    pass


@functools.lru_cache(maxsize=None)
def load_module_doc(fqcn: str) -> dict[str, t.Any]:
    """DOCUMENTATION of a module, with doc fragments merged.

    Every task runs in a new forked worker, so a per-process cache alone re-parses the docs (tens
    of ms) on every task: parsed docs are also kept on disk (doc_cache_dir()), checked against the
    stat of the files they came from.
    """
    cache = _doc_cache_path(fqcn)
    doc = _doc_cache_read(cache) if cache else None
    if doc is None:
        from ansible.plugins.loader import fragment_loader, module_loader
        from ansible.utils.plugin_docs import get_plugin_docs

        docs = get_plugin_docs(fqcn, "module", module_loader, fragment_loader, False)
        doc = docs[0] or {}
        if cache and doc:
            _doc_cache_write(cache, doc)
    return doc


def doc_cache_dir() -> str | None:
    """LAB_SIMWIN_DOC_CACHE (a directory, or 'off'), else <lab state dir>/.doc_cache."""
    value = os.environ.get("LAB_SIMWIN_DOC_CACHE")
    if value:
        return None if value.lower() in ("off", "0", "false", "no") else value
    from ansible_collections.lab.windows.plugins.module_utils import runner
    return os.path.join(runner.state_dir(), ".doc_cache")


def _doc_cache_path(fqcn: str) -> str | None:
    import hashlib

    from ansible.release import __version__ as core_version

    top = doc_cache_dir()
    if not top:
        return None
    # the same module name can resolve elsewhere with another collections path or ansible-core
    key = "\0".join([fqcn, os.environ.get("ANSIBLE_COLLECTIONS_PATH", ""), core_version])
    return os.path.join(top, "%s-%s.json" % (fqcn, hashlib.sha1(key.encode()).hexdigest()[:16]))


def _doc_sources(doc: dict[str, t.Any]) -> list[str]:
    """Files the parsed doc depends on: the doc file, the .ps1 and every doc fragment of the collections it uses."""
    filename = doc.get("filename") or ""
    files = [filename, os.path.splitext(filename)[0] + ".ps1"]
    marker = os.sep + "ansible_collections" + os.sep
    root = filename[:filename.rfind(marker) + len(marker)] if marker in filename else ""
    colls = set()
    if root:
        colls.add(os.path.join(*filename[len(root):].split(os.sep)[:2]))
        for frag in doc.get("extends_documentation_fragment") or []:
            bits = str(frag).split(".")
            if len(bits) >= 3 and bits[0] != "ansible":
                colls.add(os.path.join(bits[0], bits[1]))
    for coll in sorted(colls):
        frag_dir = os.path.join(root, coll, "plugins", "doc_fragments")
        if os.path.isdir(frag_dir):
            files += [os.path.join(frag_dir, f) for f in sorted(os.listdir(frag_dir)) if f.endswith(".py")]
    return files


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _doc_cache_read(path: str) -> dict[str, t.Any] | None:
    try:
        with open(path, encoding="utf-8") as f:
            entry = json.load(f)
    except (OSError, ValueError):
        return None
    if any(_stat(p) != stat for p, stat in entry.get("files", {}).items()):
        return None  # a module or fragment changed (tools/setup.sh reinstalled it): parse again
    return entry.get("doc")


def _doc_cache_write(path: str, doc: dict[str, t.Any]) -> None:
    entry = {"files": {p: _stat(p) for p in _doc_sources(doc)}, "doc": doc}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = "%s.%d.tmp" % (path, os.getpid())  # concurrent workers: each writes its own file, the rename is atomic
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(entry, f, default=str)
        os.replace(tmp, path)
    except OSError:
        pass  # a cache only: a read-only or full disk costs speed, not correctness


def _str(value: t.Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"  # .NET bool.ToString()
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def _parse_bool(value: t.Any) -> bool:
    if isinstance(value, bool):
        return value
    s = _str(value).lower().strip()
    if s in BOOLEANS_TRUE:
        return True
    if s in BOOLEANS_FALSE:
        return False
    raise ValueError("The value '%s' is not a valid boolean. Valid booleans include: %s"
                     % (s, ", ".join(BOOLEANS_TRUE + BOOLEANS_FALSE)))


def _parse_int(value: t.Any) -> int:
    if isinstance(value, bool):
        raise ValueError("Input string was not in a correct format.")
    if isinstance(value, int):
        return value
    s = _str(value).strip()
    if not re.match(r"^[+-]?\d+$", s):
        raise ValueError("Input string was not in a correct format.")
    return int(s)


def _parse_float(value: t.Any) -> float:
    try:
        return float(_str(value))
    except ValueError:
        raise ValueError("Input string was not in a correct format.")


def _parse_list(value: t.Any) -> list:
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return value.split(",")
    return [value]


def _parse_dict(value: t.Any) -> dict:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        s = value.strip()
        if s.startswith("{") and s.endswith("}"):
            return json.loads(s)
        if "=" in s:
            out = {}
            for field in re.split(r"[ ,]+", s):
                if field:
                    k, _sep, v = field.partition("=")
                    out[k] = v
            return out
        raise ValueError("string cannot be converted to a dict, must either be a JSON string or in the key=value form")
    raise ValueError("%s cannot be converted to a dict" % type(value).__name__)


def _parse_path(value: t.Any) -> str:
    # Environment.ExpandEnvironmentVariables runs on the host; the simulation expands with host.expand()
    return _str(value)


def _parse_json(value: t.Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


CONVERTERS: dict[str, t.Callable[[t.Any], t.Any]] = {
    "str": _str, "bool": _parse_bool, "int": _parse_int, "float": _parse_float, "list": _parse_list,
    "dict": _parse_dict, "path": _parse_path, "raw": lambda v: v, "json": _parse_json, "sid": _str,
}

_NET_TYPES = {dict: "System.Collections.Hashtable", list: "System.Object[]", str: "System.String",
              bool: "System.Boolean", int: "System.Int32", float: "System.Double"}


class Validator:
    """One module's argument checker; spec built from docs plus the simulation's own rules."""

    def __init__(self, module_name: str, options: dict[str, t.Any], rules: dict[str, t.Any], legacy: bool = False) -> None:
        self.module_name = module_name
        # Modules on Ansible.ModuleUtils.Legacy (Get-AnsibleParam) ignore unknown options and use other messages.
        self.legacy = legacy
        self.ignored: list[str] = []
        self.options = options
        self.rules = rules
        self.no_log_values: set[str] = set()
        self.context: list[str] = []

    def _fail(self, msg: str) -> t.NoReturn:
        if self.context:
            msg += " found in %s" % " -> ".join(self.context)
        raise ArgumentError(msg)

    def validate(self, params: dict[str, t.Any]) -> dict[str, t.Any]:
        params = copy.deepcopy(params)
        aliases = self._aliases(self.options, params)
        self._no_log(self.options, params)
        legal = ["_ansible_" + k for k in PASS_VARS] + list(self.options) + list(aliases)
        self._check(self.options, self.rules, params, legal, root=True)
        return params

    @staticmethod
    def _aliases(options: dict[str, t.Any], params: dict[str, t.Any]) -> dict[str, str]:
        out = {}
        for k, spec in options.items():
            for alias in spec.get("aliases") or []:
                out[alias] = k
                if alias in params:
                    params[k] = params[alias]
        return out

    def _no_log(self, options: dict[str, t.Any], params: dict[str, t.Any]) -> None:
        lower = {k.lower(): v for k, v in params.items()}  # PowerShell hashtables: keys are case-insensitive
        for k, spec in options.items():
            if spec.get("no_log") and lower.get(k.lower()) not in (None, ""):
                self.no_log_values.add(_str(lower[k.lower()]))

    def _check(self, options: dict[str, t.Any], rules: dict[str, t.Any], params: dict[str, t.Any],
               legal: list[str], root: bool = False) -> None:
        unsupported = []
        for key in list(params):
            if key.startswith("_ansible_"):
                continue  # the sending ansible-core's own pass-through keys, always legal for its Ansible.Basic
            match = next((x for x in legal if x.lower() == key.lower()), None)
            if match is None:
                unsupported.append(key)
            elif match != key:
                params[match] = params.pop(key)
        for key in [k for k in params if k.startswith("_ansible_")]:
            params.pop(key)
        if unsupported and self.legacy:
            self.ignored.extend(sorted(unsupported))
            for key in unsupported:
                params.pop(key)
        elif unsupported:
            shown = sorted(x for x in legal if not x.startswith("_ansible_"))
            msg = "Unsupported parameters for (%s) module: %s" % (self.module_name, ", ".join(sorted(unsupported)))
            if self.context:
                msg += " found in %s" % " -> ".join(self.context)
            raise ArgumentError("%s. Supported parameters include: %s" % (msg, ", ".join(shown)))

        for group in rules.get("mutually_exclusive", []):
            if sum(1 for x in group if x in params) > 1:
                self._fail("parameters are mutually exclusive: %s" % ", ".join(group))

        missing = []
        for k, spec in options.items():
            if spec.get("default") is not None and k not in params:
                params[k] = copy.deepcopy(spec["default"])
            if spec.get("required") and k not in params:
                missing.append(k)
        if missing and self.legacy:
            self._fail("Get-AnsibleParam: Missing required argument: %s" % missing[0])
        if missing:
            self._fail("missing required arguments: %s" % ", ".join(missing))

        for k, spec in options.items():
            value = params.get(k)
            if value is None:
                continue
            otype = spec.get("type") or "str"
            conv = CONVERTERS.get(otype, lambda v: v)
            try:
                value = conv(value)
            except (ValueError, TypeError) as e:
                self._fail("argument for %s is of type %s and we were unable to convert to %s: %s"
                           % (k, _NET_TYPES.get(type(value), type(value).__name__), otype, e))
            params[k] = value
            choices = [_str(c) for c in spec.get("choices") or []]
            if choices:
                values = [_str(x) for x in value] if otype == "list" else [_str(value)]
                lower = [c.lower() for c in choices]
                bad = [x for x in values if x.lower() not in lower]
                if bad and self.legacy:
                    self._fail("Get-AnsibleParam: Argument %s needs to be one of %s but was %s."
                               % (k, ",".join(choices), _str(value)))
                if bad:
                    self._fail("value of %s must be %s: %s. Got no match for: %s"
                               % (k, "one or more of" if otype == "list" else "one of", ", ".join(choices), ", ".join(bad)))

        for group in rules.get("required_together", []):
            found = [x in params for x in group]
            if any(found) and not all(found):
                self._fail("parameters are required together: %s" % ", ".join(group))
        for group in rules.get("required_one_of", []):
            if not any(x in params for x in group):
                self._fail("one of the following is required: %s" % ", ".join(group))
        for check in rules.get("required_if", []):
            key, val, reqs = check[0], check[1], check[2]
            any_one = len(check) > 3 and check[3]
            if params.get(key) is None or _str(params[key]) != _str(val):
                continue
            miss = [r for r in reqs if r not in params]
            if len(miss) >= (len(reqs) if any_one else 1):
                self._fail("%s is %s but %s of the following are missing: %s"
                           % (key, _str(val), "any" if any_one else "all", ", ".join(miss)))
        for key, reqs in rules.get("required_by", {}).items():
            if key not in params:
                continue
            miss = [r for r in _parse_list(reqs) if r not in params]
            if miss:
                self._fail("missing parameter(s) required by '%s': %s" % (key, ", ".join(miss)))

        for k, spec in options.items():
            if k not in params:
                params[k] = None
            self._sub(params, k, spec)

    def _sub(self, params: dict[str, t.Any], key: str, spec: dict[str, t.Any]) -> None:
        otype = spec.get("type") or "str"
        elements = spec.get("elements")
        value = params.get(key)
        if value is None or not (otype == "dict" or (otype == "list" and elements)):
            return
        if otype == "list":
            out = []
            for el in value:
                if elements == "dict":
                    out.append(self._sub_spec(spec, el, key))
                else:
                    try:
                        out.append(CONVERTERS.get(elements, lambda v: v)(el))
                    except (ValueError, TypeError) as e:
                        self._fail("argument for list entry %s is of type %s and we were unable to convert to %s: %s"
                                   % (key, _NET_TYPES.get(type(el), type(el).__name__), elements, e))
            params[key] = out
        else:
            params[key] = self._sub_spec(spec, value, key)

    def _sub_spec(self, spec: dict[str, t.Any], value: t.Any, context: str) -> t.Any:
        sub_opts = spec.get("suboptions") or {}
        if not sub_opts or value is None:
            return value
        self.context.append(context)
        new = dict(_parse_dict(value))
        aliases = self._aliases(sub_opts, new)
        self._no_log(sub_opts, new)
        self._check(sub_opts, {}, new, list(sub_opts) + list(aliases))
        self.context.pop()
        return new

    def mask(self, value: t.Any) -> t.Any:
        """Ansible.Basic RemoveNoLogValues: the whole value when it equals a secret, else each secret -> ********."""
        return remove_no_log_values(value, self.no_log_values)


def remove_no_log_values(value: t.Any, secrets: t.Iterable[str]) -> t.Any:
    """Ansible.Basic's RemoveNoLogValues (invocation, FailJson msg): numbers and bools containing a
    secret become the placeholder, strings equal to one too, other strings get each secret replaced."""
    secrets = [x for x in secrets if x]
    if isinstance(value, dict):
        return {k: remove_no_log_values(v, secrets) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [remove_no_log_values(v, secrets) for v in value]
    if value is None or not secrets:
        return value
    text = _str(value)
    if isinstance(value, (bool, int, float)):
        return NO_LOG_MASK if any(x in text for x in secrets) else value
    if text in secrets:
        return NO_LOG_MASK
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, "********")
    return text if text != _str(value) else value


def find_no_log_values(value: t.Any, secrets: t.Iterable[str], where: str = "") -> list[str]:
    """Result keys (dotted) whose value carries a secret."""
    secrets = [x for x in secrets if x]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in find_no_log_values(v, secrets, "%s.%s" % (where, k) if where else str(k))]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in find_no_log_values(v, secrets, "%s[%d]" % (where, i))]
    if value is None:
        return []
    return [where] if any(x in _str(value) for x in secrets) else []


@functools.lru_cache(maxsize=None)
def is_legacy(fqcn: str) -> bool:
    """True when the installed module's .ps1 uses Ansible.ModuleUtils.Legacy instead of Ansible.Basic."""
    doc_file = load_module_doc(fqcn).get("filename") or ""
    ps1 = os.path.splitext(doc_file)[0] + ".ps1"
    if not os.path.exists(ps1):
        return False
    with open(ps1, encoding="utf-8-sig", errors="replace") as f:
        text = f.read()
    return "Ansible.Basic" not in text and "Ansible.ModuleUtils.Legacy" in text


@functools.lru_cache(maxsize=None)
def spec_choice_order(fqcn: str) -> dict[str, list[str]]:
    """Choices in the order of the module's literal $spec (Ansible.Basic's messages use it; docs may sort)."""
    doc_file = load_module_doc(fqcn).get("filename") or ""
    ps1 = os.path.splitext(doc_file)[0] + ".ps1"
    out: dict[str, list[str]] = {}
    if not os.path.exists(ps1):
        return out
    with open(ps1, encoding="utf-8-sig", errors="replace") as f:
        text = f.read()
    for m in re.finditer(r"(?m)^\s*([A-Za-z_][\w]*)\s*=\s*@\{([^}]*)\}", text):
        c = re.search(r"choices\s*=\s*((?:'[^']*'|\"[^\"]*\")(?:\s*,\s*(?:'[^']*'|\"[^\"]*\"))*)", m.group(2))
        if c:
            out.setdefault(m.group(1), re.findall(r"'([^']*)'|\"([^\"]*)\"", c.group(1)))
    return {k: [a or b for a, b in v] for k, v in out.items()}


def documented_options(fqcn: str) -> dict[str, t.Any]:
    doc = load_module_doc(fqcn)
    if not doc:
        raise ArgumentError("simwin: no documentation found for module %s" % fqcn)
    return doc.get("options") or {}


@functools.lru_cache(maxsize=None)
def module_sources(fqcn: str) -> tuple[str, ...]:
    """The installed module's PowerShell and the module_utils it requires (payload without sources)."""
    doc_file = load_module_doc(fqcn).get("filename") or ""
    return tuple(nolog.sources_from_files(os.path.splitext(doc_file)[0] + ".ps1")) if doc_file else ()


def validate(fqcn: str, module_name: str, params: dict[str, t.Any], sim: t.Any,
             ps_sources: list[str] | None = None) -> tuple[dict[str, t.Any], Validator]:
    """ps_sources: the PowerShell the payload carried (module + module_utils); no_log comes from there."""
    options = dict(documented_options(fqcn))
    options.pop("free_form", None)  # documentation-only name; the value arrives as _raw_params
    for name, order in spec_choice_order(fqcn).items():
        doc_choices = (options.get(name) or {}).get("choices")
        if doc_choices and sorted(map(str, doc_choices)) == sorted(order):
            options[name] = dict(options[name], choices=order)
    options.update(getattr(sim, "EXTRA_OPTIONS", {}) or {})
    options = nolog.apply(options, module_sources(fqcn) if ps_sources is None else ps_sources, doc_cache_dir())
    rules = {
        "mutually_exclusive": getattr(sim, "MUTUALLY_EXCLUSIVE", []),
        "required_if": getattr(sim, "REQUIRED_IF", []),
        "required_one_of": getattr(sim, "REQUIRED_ONE_OF", []),
        "required_together": getattr(sim, "REQUIRED_TOGETHER", []),
        "required_by": getattr(sim, "REQUIRED_BY", {}),
    }
    v = Validator(module_name, options, rules, legacy=is_legacy(fqcn))
    try:
        return v.validate(params), v
    except ArgumentError as e:  # FailJson masks the no_log values collected so far
        raise ArgumentError(v.mask(str(e))) from None


__all__ = ["ArgumentError", "Validator", "validate", "remove_no_log_values", "find_no_log_values", "load_module_doc",
           "documented_options"]
