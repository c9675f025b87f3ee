"""``careersim app``: a bundled notebook served as a web app with Voila.

The notebooks ship inside the package (``careersim/notebooks``), so the command works from a
plain ``pip install 'careersim[notebooks]'``. Two things Voila does not do by itself are done
here:

- **Kernels freed when a page closes.** Voila's page asks the server to shut its kernel down
  on ``beforeunload``, sending the ``_xsrf`` cookie as a form field; Voila never sets that
  cookie, so the request is refused with "403: '_xsrf' argument missing from POST" and the
  kernel keeps running (voila-dashboards/voila#1458). A pre-launch hook reads the handler's
  ``xsrf_token``, which sets the cookie on the page's response, so the shutdown is accepted.
- **Idle kernels culled.** A page killed without ``beforeunload`` (a crashed tab, a lost
  network) leaves its kernel behind: kernels with no page connected and idle for
  ``cull_idle`` seconds are shut down (checked every ``cull_interval`` seconds). A kernel
  whose page is still open is never culled.
- **Preheated kernels.** A page's first render used to wait for a kernel to start, import
  careersim (numpy, pandas, matplotlib, ipywidgets), load the engine's compiled kernels and
  simulate before Voila sent the page: 4-7 s of the 6-10 s it took (benchmarks/browser.py,
  load 1-4 on 2 cores). Voila keeps ``pool_size`` kernels (default 1) that
  have run the notebook up to the point where it needs the page's request (the explorer is
  built and simulated with the default inputs, then :func:`careersim.widgets.page_query`
  waits for the request and applies its link); a page takes one and the pool is refilled.
  Pooled kernels are never culled (Voila's pool protects them); a page that finds the pool
  empty gets a kernel started for it, as before. Voila refuses a ``prelaunch_hook`` with
  preheated kernels, so the ``_xsrf`` cookie is set by the page's handler instead
  (:func:`voila_class`).
"""

from __future__ import annotations

import errno
import os
import signal
from pathlib import Path
from typing import Any

from ._params import ScenarioError

#: seconds a kernel with no page connected may stay idle before it is shut down
DEFAULT_CULL_IDLE_SECONDS = 600
#: seconds between two checks for idle kernels
DEFAULT_CULL_INTERVAL_SECONDS = 60
#: kernels kept ready with the notebook already run up to its page's request (0: none)
DEFAULT_POOL_SIZE = 1
#: seconds after a page takes a preheated kernel before a new one is started (the new one's
#: imports and first simulation would otherwise compete with that page's first render)
POOL_FILL_DELAY_SECONDS = 3.0
#: glibc malloc settings of the kernels ``careersim app`` starts: freed memory is kept for
#: the next allocation instead of going back to the system. A slider move at 5,000 worlds
#: allocates about 13 MB of arrays afresh; with glibc's defaults each of its ~3,300 pages was
#: faulted in again, about 20 ms of a 68 ms recomputation on this project's 2-core VM (none
#: with these settings: 48 ms). Arrays up to 32 MiB come from the heap, whose top is given
#: back only past 1 GiB; a kernel's memory goes back to the system when it is shut down.
KERNEL_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": str(2**30)}
DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
NOTEBOOK_EXTRAS = ("voila", "ipywidgets", "ipympl")


def notebooks_dir() -> Path:
    """The folder of the bundled notebooks (inside the installed package)."""
    return Path(__file__).resolve().parent / "notebooks"


def bundled_notebooks() -> dict[str, Path]:
    """``{name: path}`` of the bundled notebooks, e.g. ``{"explorer": .../explorer.ipynb}``."""
    folder = notebooks_dir()
    return {p.stem: p for p in sorted(folder.glob("*.ipynb"))} if folder.is_dir() else {}


def find_notebook(name: str) -> Path:
    """The bundled notebook called ``name`` (with or without ``.ipynb``)."""
    notebooks = bundled_notebooks()
    stem = str(name).removesuffix(".ipynb")
    if stem not in notebooks:
        raise ScenarioError(
            f"notebook {str(name)[:80]!r}: not a bundled notebook; bundled: {', '.join(notebooks) or '(none found in ' + str(notebooks_dir()) + ')'}"
        )
    return notebooks[stem]


def missing_extras() -> list[str]:
    """The notebook extras that cannot be imported (empty when the app can run)."""
    import importlib.util

    return [m for m in NOTEBOOK_EXTRAS if importlib.util.find_spec(m) is None]


def set_xsrf_cookie(handler: Any, notebook: Any = None, cwd: Any = None) -> None:
    """Make the page's response set the ``_xsrf`` cookie, which the page's kernel-shutdown
    request on ``beforeunload`` sends back (voila#1458). Called by the page's handler
    (:func:`voila_class`); its signature is also that of a Voila ``prelaunch_hook``."""
    handler.xsrf_token  # noqa: B018 - reading the property sets the cookie
    return None


def voila_class() -> type:
    """Voila's application with the page handler replaced by one that sets the ``_xsrf``
    cookie (:func:`set_xsrf_cookie`) before Voila renders the page, whether the page gets a
    preheated kernel or a new one (a ``prelaunch_hook`` would only run for a new one, and
    Voila refuses one together with ``preheat_kernel``)."""
    import tornado.web
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    class XsrfCookieVoilaHandler(TornadoVoilaHandler):
        @tornado.web.authenticated
        async def get(self, path: Any = None) -> None:
            set_xsrf_cookie(self)
            await super().get(path)

    class CareersimVoila(Voila):
        def init_handlers(self) -> list:
            return [(h[0], XsrfCookieVoilaHandler, *h[2:]) if len(h) > 1 and h[1] is TornadoVoilaHandler else h
                    for h in super().init_handlers()]

    return CareersimVoila


def kernel_server_address(host: str) -> str:
    """The address a kernel on this machine reaches the server at, for the request of a
    preheated kernel (``voila.utils.wait_for_request`` connects to ``ws://ADDRESS:PORT``)."""
    host = str(host).strip()
    if host in ("", "0.0.0.0", "*"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    if ":" in host and not host.startswith("["):
        return f"[{host}]"  # an IPv6 address in a URL
    return host


def voila_config(*, cull_idle: int = DEFAULT_CULL_IDLE_SECONDS, cull_interval: int = DEFAULT_CULL_INTERVAL_SECONDS,
                 pool_size: int = DEFAULT_POOL_SIZE, host: str = DEFAULT_HOST) -> Any:
    """The traitlets configuration ``careersim app`` starts Voila with."""
    from traitlets.config import Config

    c = Config()
    c.VoilaConfiguration.show_tracebacks = False
    if pool_size > 0:
        c.VoilaConfiguration.preheat_kernel = True
        c.VoilaConfiguration.default_pool_size = int(pool_size)
        c.VoilaKernelManager.default_env_variables = {"VOILA_APP_IP": kernel_server_address(host)}
        c.VoilaKernelManager.fill_delay = float(POOL_FILL_DELAY_SECONDS)
    if cull_idle > 0:
        c.MappingKernelManager.cull_idle_timeout = int(cull_idle)
        c.MappingKernelManager.cull_interval = max(1, int(cull_interval))
        c.MappingKernelManager.cull_connected = False  # a page still open keeps its kernel
        c.MappingKernelManager.cull_busy = False
    return c


def check_address(host: str, port: int) -> None:
    """A :class:`ScenarioError` naming ``--host`` or ``--port`` unless this machine can listen
    there now: checked by binding a socket (released at once) before Voila starts, which would
    otherwise fail with a traceback and leave its connection folder behind."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as err:
        raise ScenarioError(f"--host {host}: not a name or address of this machine ({err}); e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every network)") from None
    family, kind, proto, _name, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server will
        try:
            sock.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                raise ScenarioError(f"--port {port}: already in use on {host}; choose another port (e.g. --port {port + 1})") from None
            raise ScenarioError(f"--host {host}: this machine cannot listen there ({err.strerror}); e.g. 127.0.0.1 (this machine only) "
                                "or 0.0.0.0 (every network)") from None


def serve(notebook: str = "explorer", *, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST, open_browser: bool = True,
          cull_idle: int = DEFAULT_CULL_IDLE_SECONDS, cull_interval: int = DEFAULT_CULL_INTERVAL_SECONDS,
          pool_size: int = DEFAULT_POOL_SIZE) -> int:
    """Serve a bundled notebook with Voila until Ctrl-C or SIGTERM (then its kernels are
    shut down), with ``pool_size`` preheated kernels (0: a kernel is started per page).
    Raises :class:`ScenarioError` for an unknown notebook or missing extras."""
    missing = missing_extras()
    if missing:
        raise ScenarioError(
            f"careersim app needs the notebook extras ({', '.join(missing)} not installed): "
            "pip install 'careersim[notebooks]'"
        )
    path = find_notebook(notebook)
    check_address(host, port)
    argv = [str(path), f"--port={int(port)}", f"--Voila.ip={host}", "--Voila.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    for key, value in KERNEL_MALLOC_ENV.items():  # kernels inherit the server's environment
        os.environ.setdefault(key, value)
    # Ctrl-C stops the server's loop; Voila then shuts its kernels down (SIGTERM does too)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    voila_class().launch_instance(argv=argv, config=voila_config(cull_idle=cull_idle, cull_interval=cull_interval,
                                                                  pool_size=pool_size, host=host))
    return 0
