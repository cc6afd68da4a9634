# Copyright: (c) 2026, entra.app_proxy contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# FOR INTERNAL COLLECTION USE ONLY: not part of the public interface of entra.app_proxy;
# no compatibility promise, it may change in any release.
"""Controller-side token broker for the action plugins.

Ansible runs each host's task in its own worker process. The broker keeps one device-code prompt per
run anyway: every acquisition holds an exclusive lock next to the MSAL token cache file, so while one
worker waits for the admin to sign in, the others wait on the lock and then sign in silently from the
tokens it saved.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile

from ..module_utils._auth import (
    AuthSettings,
    EntraAuthError,
    scopes_for,
)
from ._sign_in import (
    AUTH_METHODS,
    AccessTokenAuth,
    _import_msal,
)


class TokenCacheFile:
    """The MSAL token cache on disk: mode 0600 in a 0700 directory, replaced atomically, guarded by a lock file."""

    def __init__(self, path: str):
        self.path = path
        self.lock_path = path + ".lock"

    def _ensure_dir(self) -> None:
        directory = os.path.dirname(os.path.abspath(self.path))
        if not os.path.isdir(directory):
            try:
                os.makedirs(directory, mode=0o700)
            except FileExistsError:
                pass  # another worker made it first
            else:
                os.chmod(directory, 0o700)  # makedirs applies the umask

    @contextlib.contextmanager
    def locked(self, on_wait=None):
        """Hold the exclusive lock; call on_wait() first when another process holds it."""
        try:
            self._ensure_dir()
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise EntraAuthError("The token cache lock %r cannot be created (%s): fix token_cache_path or its "
                                 "directory's permissions, or set token_cache=false." % (self.lock_path, exc.strerror))
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    def load(self, cache, display=None) -> None:
        """Replace the contents of an msal.SerializableTokenCache with the file's."""
        try:
            with open(self.path, "r", encoding="utf-8") as handle:
                if os.fstat(handle.fileno()).st_mode & 0o077:
                    os.chmod(self.path, 0o600)  # a copied-in cache must not stay readable by others
                text = handle.read()
        except FileNotFoundError:
            text = None
        except OSError as exc:
            raise EntraAuthError("The token cache %r cannot be read (%s): fix token_cache_path or its permissions, "
                                 "or set token_cache=false." % (self.path, exc.strerror))
        try:
            cache.deserialize(text)
        except ValueError:
            if display is not None:
                display.warning("entra.app_proxy: the token cache %s is not valid JSON; starting a new one."
                                % self.path)
            cache.deserialize(None)

    def save(self, cache) -> None:
        """Write the cache if MSAL changed it: a 0600 temporary file in the same directory, then rename."""
        if not cache.has_state_changed:
            return
        directory = os.path.dirname(os.path.abspath(self.path))
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".msal_token_cache.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(cache.serialize())
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


class TokenBroker:
    """Gets access tokens for 'graph' and 'registration' on the controller.

    Every get_token() goes through MSAL's silent acquisition first, so a long run gets a refreshed
    token instead of an expired one; only when that fails does the method sign in (device code prompt,
    password, client credential).
    """

    def __init__(self, settings: AuthSettings, display=None, http_client=None):
        self.settings = settings
        self._display = display
        method_class = AUTH_METHODS[settings.auth_method]
        self._store = None
        self._cache = None
        if method_class is not AccessTokenAuth:
            self._cache = _import_msal().SerializableTokenCache()
            if settings.token_cache:
                self._store = TokenCacheFile(settings.token_cache_path)
        self._method = method_class(settings, token_cache=self._cache, http_client=http_client)

    def _on_wait(self) -> None:
        vvv = getattr(self._display, "vvv", None)
        if vvv is not None:
            vvv("entra.app_proxy: waiting for another worker's sign-in to finish (token cache lock %s)"
                % self._store.lock_path)

    def get_token(self, resource: str, force_refresh: bool = False) -> str:
        """The access token for resource ('graph' or 'registration'). Raises EntraAuthError.

        force_refresh=True when a service refused the last token as expired although MSAL still held
        it valid (revoked, or clocks apart): the cached access tokens are dropped and a new one fetched.
        """
        scopes = scopes_for(resource, self.settings)
        kwargs = dict(resource=resource, display=self._display, force_refresh=force_refresh)
        if self._store is None:
            return self._method.acquire_token(scopes, **kwargs)["access_token"]
        with self._store.locked(on_wait=self._on_wait):
            self._store.load(self._cache, display=self._display)
            try:
                result = self._method.acquire_token(scopes, **kwargs)
            finally:
                self._store.save(self._cache)
        return result["access_token"]
