"""Server classes for ``make present``: a kernel cap, and an Origin check on every request.

Origin (issue 20): Jupyter Server skips its Origin check for any request that carries the token
(``IdentityProvider.should_check_origin`` is "not token-authenticated"), so a page on
``http://evil.example`` or a sandboxed ``Origin: null`` frame holding a leaked deck URL could open
a kernel websocket. :class:`OriginCheckingIdentityProvider` checks Origin on every request, token
or cookie; ``tools/present.py`` selects it with ``--Voila.identity_provider_class``. A request
with no Origin header (a script, not a browser page) is still let through by the token.

Kernel cap:

Voila starts one kernel (about 210 MB here) for every page request. Its token already refuses
strangers, but a reload loop, a second tab or a forgotten laptop could still start kernels
faster than the idle culler removes them. :class:`CappedKernelManager` refuses to start more
than ``max_kernels`` at a time with HTTP 503 and a one-line reason; the page is then not
rendered and no kernel is started. ``tools/present.py`` selects it with
``--VoilaConfiguration.multi_kernel_manager_class=jia_voila.CappedKernelManager`` and puts this
folder on ``PYTHONPATH``.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.auth.identity import PasswordIdentityProvider
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer


class CappedKernelManager(AsyncMappingKernelManager):
    """``AsyncMappingKernelManager`` that starts at most ``max_kernels`` kernels at once."""

    max_kernels = Integer(
        4, config=True, help="Most kernels alive at once; a further page request gets HTTP 503."
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._starting = 0  # starts in flight (a kernel is listed only once it is up)

    async def start_kernel(self, *args: Any, kernel_id: str | None = None, **kwargs: Any) -> str:
        if kernel_id is None or kernel_id not in self:
            if len(self.list_kernel_ids()) + self._starting >= self.max_kernels:
                self.log.warning("present: refused a kernel: %d already running", len(self))
                raise web.HTTPError(
                    503,
                    reason=(
                        f"All {self.max_kernels} live sessions of the deck are in use; "
                        "close another tab or wait a few minutes for an idle one to stop, "
                        "then reload."
                    ),
                )
        self._starting += 1
        try:
            return await super().start_kernel(*args, kernel_id=kernel_id, **kwargs)
        finally:
            self._starting -= 1


class OriginCheckingIdentityProvider(PasswordIdentityProvider):
    """Jupyter Server's token and password login, with the Origin check never skipped."""

    def should_check_origin(self, handler: web.RequestHandler) -> bool:
        """Always: a token in the URL is no proof that the page asking is ours."""
        return True
