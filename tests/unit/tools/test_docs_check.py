# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The header and banner check of tools/docs_check.py."""

from __future__ import annotations

import os
import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "tools"))

from docs_check import BANNER, HEADER, header_problems  # noqa: E402  pylint: disable=wrong-import-position

PY_HEADER = "".join("# %s\n" % line for line in HEADER)
PY_BANNER = "".join("# %s\n" % line for line in BANNER)


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def tree(tmp_path):
    write(tmp_path, "plugins/modules/thing.py", "#!/usr/bin/python\n" + PY_HEADER + '"""Doc."""\n')
    write(tmp_path, "plugins/module_utils/_util.py", PY_HEADER + PY_BANNER + "X = 1\n")
    write(tmp_path, "plugins/module_utils/_Util.cs", "".join("// %s\n" % line for line in HEADER + BANNER))
    write(tmp_path, "plugins/modules/thing.yml", "---\n" + PY_HEADER + "DOCUMENTATION: {}\n")
    write(tmp_path, "tools/run.sh", "#!/usr/bin/env bash\n\n" + PY_HEADER + "true\n")
    return tmp_path


def test_headed_tree_passes(tree):
    assert header_problems(tree) == []


def test_missing_header_is_named(tree):
    write(tree, "tools/check.py", '"""No header."""\n')
    problems = header_problems(tree)
    assert len(problems) == 1 and problems[0].startswith("tools/check.py: ")


def test_old_copyright_style_fails(tree):
    write(tree, "plugins/filter/f.py", "# Copyright (c) 2026 entra.app_proxy maintainers\n" + PY_HEADER.splitlines(True)[1])
    assert [p.split(":")[0] for p in header_problems(tree)] == ["plugins/filter/f.py"]


def test_private_file_needs_the_banner(tree):
    write(tree, "plugins/plugin_utils/_helper.py", PY_HEADER + '"""Internal."""\n')
    write(tree, "plugins/module_utils/_Host.psm1", PY_HEADER + "Function Get-X {}\n")
    names = sorted(p.split(":")[0] for p in header_problems(tree))
    assert names == ["plugins/module_utils/_Host.psm1", "plugins/plugin_utils/_helper.py"]


def test_public_file_needs_no_banner_and_cs_uses_slashes(tree):
    write(tree, "plugins/module_utils/_Bad.cs", PY_HEADER + PY_BANNER)
    assert [p.split(":")[0] for p in header_problems(tree)] == ["plugins/module_utils/_Bad.cs"]


def test_unknown_file_kind_is_reported(tree):
    write(tree, "plugins/modules/notes.md", "# notes\n")
    assert header_problems(tree) == ["plugins/modules/notes.md: no known comment syntax for the header"]


def test_bytecode_caches_are_ignored(tree):
    write(tree, "plugins/modules/__pycache__/thing.cpython-312.pyc", "x")
    assert header_problems(tree) == []


@pytest.mark.skipif(not (ROOT / "plugins").is_dir(), reason="needs the source tree")
def test_repository_is_headed():
    assert header_problems(ROOT) == [], os.linesep.join(header_problems(ROOT))
