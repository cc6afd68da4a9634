# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Profile every Python process of a benchmark run: the controller and each forked task worker.

Loaded through PYTHONPATH only when BENCH_PROFILE_DIR is set (site_scale.py --profile). cProfile does not
follow a fork, and multiprocessing ends a forked worker with os._exit, which skips atexit; so each worker
gets its own profiler, dumped when the worker's process body returns.
"""
import os

_DIR = os.environ.get("BENCH_PROFILE_DIR")

if _DIR:
    import atexit
    import cProfile
    import multiprocessing.process
    import time

    # CPU time, not wall time: a worker waiting on a pipe or a sleeping retry costs the controller nothing.
    _profiler = cProfile.Profile(time.process_time)

    def _dump(prof, kind):
        prof.disable()
        prof.dump_stats(os.path.join(_DIR, "%s-%d.prof" % (kind, os.getpid())))

    _bootstrap = multiprocessing.process.BaseProcess._bootstrap

    def _profiled_bootstrap(self, *args, **kwargs):
        global _profiler
        _profiler.disable()  # the parent's profiler, copied by the fork
        _profiler = cProfile.Profile(time.process_time)
        _profiler.enable()
        try:
            return _bootstrap(self, *args, **kwargs)
        finally:
            _dump(_profiler, "worker")

    multiprocessing.process.BaseProcess._bootstrap = _profiled_bootstrap
    atexit.register(lambda: _dump(_profiler, "main"))
    _profiler.enable()
