# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Documentation gate, run against the installed build of the collection.

- ansible-doc renders every module (Python and PowerShell) and every role entry point;
- every role option in meta/argument_specs.yml has a type and a description, and every
  role has a README.md;
- every module declares check_mode, diff_mode and platform attributes;
- every file under plugins/ and tools/ opens with the collection's copyright header, and every private
  (``_``-named) file under plugins/ also carries the internal-use banner (``--headers`` checks only this,
  from the source tree, without ansible-doc).
"""
from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
NS = "entra.app_proxy"

HEADER = (
    "Copyright: (c) 2026, entra.app_proxy contributors",
    "GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)",
)
BANNER = (
    "FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;",
    "no compatibility promise, it may change in any release.",
)
COMMENT = {".py": "# ", ".ps1": "# ", ".psm1": "# ", ".yml": "# ", ".yaml": "# ", ".sh": "# ", ".txt": "# ",
           ".cs": "// "}
HEADED_DIRS = ("plugins", "tools")


def header_problems(root: pathlib.Path) -> list[str]:
    """Files under plugins/ and tools/ without the header, or private ones without the banner."""
    problems = []
    for top in HEADED_DIRS:
        for path in sorted((root / top).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            name = path.relative_to(root).as_posix()
            prefix = COMMENT.get(path.suffix)
            if prefix is None:
                problems.append("%s: no known comment syntax for the header" % name)
                continue
            lines = path.read_text(encoding="utf-8-sig").splitlines()
            # A shebang, a YAML document start and blank lines may come first.
            while lines and (lines[0].startswith("#!") or lines[0] in ("---", "")):
                lines.pop(0)
            want = [prefix + line for line in HEADER]
            if top == "plugins" and path.name.startswith("_"):
                want += [prefix + line for line in BANNER]
            if lines[:len(want)] != want:
                problems.append("%s: the first comment lines must be:\n    %s" % (name, "\n    ".join(want)))
    return problems


def ansible_doc(kind: str, name: str) -> dict:
    proc = subprocess.run(["ansible-doc", "-t", kind, "-j", name], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip() or proc.stdout.strip())
    return json.loads(proc.stdout).get(name) or {}


def walk_options(role: str, entry: str, options: dict, prefix: str = "") -> list[str]:
    problems = []
    for name, opt in (options or {}).items():
        where = "role %s (%s): option %s%s" % (role, entry, prefix, name)
        if "type" not in opt:
            problems.append(where + " has no type")
        if not opt.get("description"):
            problems.append(where + " has no description")
        problems += walk_options(role, entry, opt.get("options"), prefix + name + ".")
    return problems


def main(argv: list[str]) -> int:
    problems = header_problems(ROOT)
    if "--headers" in argv:
        for problem in problems:
            print(problem)
        print("docs_check --headers: %d problem(s)" % len(problems))
        return 1 if problems else 0
    modules = sorted({p.stem for p in (ROOT / "plugins/modules").glob("*") if p.suffix in (".py", ".ps1")})
    for module in modules:
        try:
            doc = ansible_doc("module", "%s.%s" % (NS, module)).get("doc", {})
        except RuntimeError as exc:
            problems.append("module %s: ansible-doc failed: %s" % (module, exc))
            continue
        attributes = doc.get("attributes") or {}
        for attr in ("check_mode", "diff_mode", "platform"):
            if attr not in attributes:
                problems.append("module %s: attribute %s is not documented" % (module, attr))
    roles = sorted(p.name for p in (ROOT / "roles").iterdir() if p.is_dir())
    for role in roles:
        if not (ROOT / "roles" / role / "README.md").exists():
            problems.append("role %s: README.md is missing" % role)
        spec_file = ROOT / "roles" / role / "meta" / "argument_specs.yml"
        if not spec_file.exists():
            problems.append("role %s: meta/argument_specs.yml is missing" % role)
            continue
        specs = (yaml.safe_load(spec_file.read_text()) or {}).get("argument_specs") or {}
        for entry, spec in specs.items():
            problems += walk_options(role, entry, spec.get("options"))
        try:
            ansible_doc("role", "%s.%s" % (NS, role))
        except RuntimeError as exc:
            problems.append("role %s: ansible-doc failed: %s" % (role, exc))
    for problem in problems:
        print(problem)
    print("docs_check: %d module(s), %d role(s), %d problem(s)" % (len(modules), len(roles), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
