# -*- coding: utf-8 -*-
# Simulation of ansible.windows.slurp (ansible.windows 3.3.0).
from __future__ import annotations

import base64


def simulate(host, args, check_mode, diff):
    path = host.expand(args["src"])
    if host.is_dir(path):
        raise host.fail("Path %s is a directory" % path)
    data = host.file_read(path)
    if data is None:
        raise host.fail("Path %s is not found" % path)
    return {"changed": False, "content": base64.b64encode(data).decode(), "encoding": "base64", "source": path}
