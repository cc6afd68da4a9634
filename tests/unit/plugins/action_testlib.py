# -*- coding: utf-8 -*-
# Copyright (c) 2026 entra.app_proxy maintainers
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared by the action plugin tests: an action plugin as a task builds it, optionally with the host side
replaced."""

from __future__ import annotations

from unittest.mock import MagicMock

from ansible.playbook.task import Task


def task_action(action_class, name, args, check_mode=False, diff=False, connection=None):
    """The action plugin ``name`` as a task with ``args`` builds it (a MagicMock connection unless given)."""
    task = MagicMock(Task)
    task.args = args
    task.async_val = 0
    task.check_mode = check_mode
    task.diff = diff
    task.action = name
    action = action_class(task, connection or MagicMock(), MagicMock(check_mode=check_mode), loader=None, templar=None,
                          shared_loader_obj=None)
    action._load_name = name  # set by the plugin loader in a real run
    return action


def recording_action(action_class, name, args, module_result):
    """(action, calls): task_action whose module run on the host returns ``module_result``; ``calls`` records
    each run as (module name, module args)."""
    action = task_action(action_class, name, args)
    calls = []

    def execute(module_name=None, module_args=None, task_vars=None, **kwargs):
        calls.append((module_name, dict(module_args)))
        return dict(module_result)

    action._execute_module = execute
    return action, calls
