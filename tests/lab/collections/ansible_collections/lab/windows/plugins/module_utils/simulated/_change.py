# -*- coding: utf-8 -*-
# Shared by the simulations of modules that compare the state they read with the state a task asks for.
from __future__ import annotations


def converge(before, after, apply, check_mode, diff):
    """The module's result: changed when the two differ; apply() writes the change, never in check mode; with
    diff, before and after as the module shows them."""
    changed = before != after
    if changed and not check_mode:
        apply()
    result = {"changed": changed}
    if diff:
        result["diff"] = {"before": before, "after": after}
    return result
