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
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from ._params import ScenarioError

#: seconds a kernel with no page connected may stay idle before it is shut down
DEFAULT_CULL_IDLE_SECONDS = 600
#: seconds between two checks for idle kernels
DEFAULT_CULL_INTERVAL_SECONDS = 60
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
    """Voila pre-launch hook: make the page's response set the ``_xsrf`` cookie, which the
    page's kernel-shutdown request on ``beforeunload`` sends back (voila#1458)."""
    handler.xsrf_token  # noqa: B018 - reading the property sets the cookie
    return None


def voila_config(*, cull_idle: int = DEFAULT_CULL_IDLE_SECONDS, cull_interval: int = DEFAULT_CULL_INTERVAL_SECONDS) -> Any:
    """The traitlets configuration ``careersim app`` starts Voila with."""
    from traitlets.config import Config

    c = Config()
    c.VoilaConfiguration.prelaunch_hook = set_xsrf_cookie
    c.VoilaConfiguration.show_tracebacks = False
    if cull_idle > 0:
        c.MappingKernelManager.cull_idle_timeout = int(cull_idle)
        c.MappingKernelManager.cull_interval = max(1, int(cull_interval))
        c.MappingKernelManager.cull_connected = False  # a page still open keeps its kernel
        c.MappingKernelManager.cull_busy = False
    return c


def serve(notebook: str = "explorer", *, port: int = DEFAULT_PORT, host: str = DEFAULT_HOST, open_browser: bool = True,
          cull_idle: int = DEFAULT_CULL_IDLE_SECONDS, cull_interval: int = DEFAULT_CULL_INTERVAL_SECONDS) -> int:
    """Serve a bundled notebook with Voila until Ctrl-C or SIGTERM (then its kernels are
    shut down). Raises :class:`ScenarioError` for an unknown notebook or missing extras."""
    missing = missing_extras()
    if missing:
        raise ScenarioError(
            f"careersim app needs the notebook extras ({', '.join(missing)} not installed): "
            "pip install 'careersim[notebooks]'"
        )
    path = find_notebook(notebook)
    from voila.app import Voila

    argv = [str(path), f"--port={int(port)}", f"--Voila.ip={host}", "--Voila.port_retries=0"]
    if not open_browser:
        argv.append("--no-browser")
    # Ctrl-C stops the server's loop; Voila then shuts its kernels down (SIGTERM does too)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    Voila.launch_instance(argv=argv, config=voila_config(cull_idle=cull_idle, cull_interval=cull_interval))
    return 0
