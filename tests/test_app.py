"""`careersim app`: the bundled notebooks, the command's arguments and messages, Voila's
configuration (the kernel-shutdown fix and the idle cull). The app in a real browser is in
tests/test_browser.py."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from careersim import ScenarioError, _app
from careersim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_the_notebooks_are_bundled_in_the_package():
    names = _app.bundled_notebooks()
    assert "explorer" in names
    assert {p.name for p in (ROOT / "notebooks").glob("*.ipynb")} == {p.name for p in names.values()}
    assert _app.find_notebook("explorer.ipynb") == _app.find_notebook("explorer")


def test_unknown_notebook_is_one_line_exit_2(capsys):
    assert main(["app", "nosuch", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "nosuch" in err and "explorer" in err and "Traceback" not in err and err.count("\n") == 1


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"], ["--port", "x"], ["--cull-idle", "-1"], ["--cull-interval", "0"], ["--preheat", "-1"], ["--preheat", "17"], ["--preheat", "x"]])
def test_bad_arguments_exit_2(args, capsys):
    with pytest.raises(SystemExit) as info:
        main(["app", *args])
    assert info.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_missing_extras_say_what_to_install(monkeypatch, capsys):
    monkeypatch.setattr(_app, "missing_extras", lambda: ["voila"])
    assert main(["app", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'careersim[notebooks]'" in err and "voila" in err


def test_voila_configuration_frees_kernels():
    c = _app.voila_config()
    assert c.MappingKernelManager.cull_idle_timeout == _app.DEFAULT_CULL_IDLE_SECONDS
    assert c.MappingKernelManager.cull_interval == _app.DEFAULT_CULL_INTERVAL_SECONDS
    assert c.MappingKernelManager.cull_connected is False  # an open page keeps its kernel
    assert "cull_idle_timeout" not in _app.voila_config(cull_idle=0).MappingKernelManager
    # preheated kernels (Voila refuses a prelaunch_hook with them: the handler sets the cookie)
    assert c.VoilaConfiguration.preheat_kernel is True
    assert c.VoilaConfiguration.default_pool_size == _app.DEFAULT_POOL_SIZE >= 1
    assert "prelaunch_hook" not in c.VoilaConfiguration
    assert c.VoilaKernelManager.default_env_variables == {"VOILA_APP_IP": "127.0.0.1"}
    assert "preheat_kernel" not in _app.voila_config(pool_size=0).VoilaConfiguration


@pytest.mark.parametrize(("host", "address"), [("127.0.0.1", "127.0.0.1"), ("0.0.0.0", "127.0.0.1"), ("", "127.0.0.1"),
                                                ("::", "[::1]"), ("::1", "[::1]"), ("fe80::2", "[fe80::2]"), ("myhost", "myhost")])
def test_a_preheated_kernel_reaches_the_server(host, address):
    assert _app.kernel_server_address(host) == address
    assert _app.voila_config(host=host).VoilaKernelManager.default_env_variables["VOILA_APP_IP"] == address


def test_the_page_handler_is_replaced_by_one_that_sets_the_xsrf_cookie(monkeypatch):
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    other = object()
    monkeypatch.setattr(Voila, "init_handlers", lambda self: [("/static", other), ("/(.*)", TornadoVoilaHandler, {"notebook_path": "x"})])
    app = _app.voila_class()
    assert issubclass(app, Voila)
    handlers = app.init_handlers(object.__new__(app))
    assert handlers[0] == ("/static", other)
    pattern, page, kwargs = handlers[1]
    assert (pattern, kwargs) == ("/(.*)", {"notebook_path": "x"})
    assert issubclass(page, TornadoVoilaHandler) and page is not TornadoVoilaHandler


def test_prelaunch_hook_sets_the_xsrf_cookie():
    class Handler:
        read = 0

        @property
        def xsrf_token(self):
            Handler.read += 1
            return b"token"

    assert _app.set_xsrf_cookie(Handler(), notebook=None, cwd=".") is None
    assert Handler.read == 1


def test_help_starts_cheaply():
    """`careersim app --help` does not import numpy, Voila or the widgets."""
    code = ("import sys; from careersim.cli import main\n"
            "try:\n    main(['app', '--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = [m for m in ('numpy', 'voila', 'ipywidgets', 'careersim.widgets') if m in sys.modules]\n"
            "assert not heavy, heavy")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "--cull-idle" in out.stdout and "--preheat" in out.stdout


def test_preheat_flag_reaches_the_server(monkeypatch):
    seen = {}
    monkeypatch.setattr(_app, "serve", lambda *a, **kw: seen.update(kw) or 0)
    assert main(["app", "--no-browser", "--preheat", "0"]) == 0 and seen["pool_size"] == 0
    assert main(["app", "--no-browser"]) == 0 and seen["pool_size"] == _app.DEFAULT_POOL_SIZE


def test_kernels_start_with_the_malloc_settings(monkeypatch):
    """serve() puts KERNEL_MALLOC_ENV in the environment its kernels inherit, keeping a
    value the user set."""
    import os

    seen = {}

    class Stub:
        @staticmethod
        def launch_instance(**kw):
            seen.update({k: os.environ.get(k) for k in _app.KERNEL_MALLOC_ENV})

    monkeypatch.setattr(_app, "voila_class", lambda: Stub)
    monkeypatch.setattr(_app, "missing_extras", lambda: [])
    monkeypatch.setattr(_app.signal, "signal", lambda *a: None)
    for k in _app.KERNEL_MALLOC_ENV:
        monkeypatch.delenv(k, raising=False)
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "12345")
    assert _app.serve("explorer", open_browser=False) == 0
    assert seen == {"MALLOC_MMAP_THRESHOLD_": str(32 * 2**20), "MALLOC_TRIM_THRESHOLD_": "12345"}


@pytest.mark.slow
def test_wheel_ships_the_notebooks(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)], check=True, timeout=600)
    (wheel,) = tmp_path.glob("careersim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"careersim/notebooks/{nb.name}" in names, names


# -- preheated kernels: the page's link arrives after the explorer is built -------------------

def test_page_query_outside_voila_is_empty(monkeypatch):
    from careersim import widgets

    for name in ("VOILA_KERNEL_ID", "VOILA_BASE_URL", "VOILA_PREHEAT"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QUERY_STRING", "seed=7")  # not Voila's: not a page's link
    assert widgets.page_query() == ""


@pytest.mark.parametrize("received", ["seed=7", "", None])
def test_page_query_waits_once_for_the_request_in_a_preheated_kernel(monkeypatch, received):
    import voila.utils

    from careersim import widgets

    calls = []

    def wait_for_request(url=None):
        calls.append(url)
        if received is not None:  # Voila sets the request's variables; None: it could not be read
            monkeypatch.setenv("QUERY_STRING", received)

    monkeypatch.setattr(voila.utils, "wait_for_request", wait_for_request)
    monkeypatch.setattr(widgets, "_page_request_seen", False)
    monkeypatch.delenv("QUERY_STRING", raising=False)
    monkeypatch.setenv("VOILA_BASE_URL", "/")
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    assert widgets.page_query() == received
    assert widgets.page_query() == (received or "")
    assert len(calls) == 1
    # a kernel Voila started for the page (no pool left) has the request in its environment
    monkeypatch.setenv("VOILA_PREHEAT", "False")
    monkeypatch.setattr(widgets, "_page_request_seen", False)
    monkeypatch.setenv("QUERY_STRING", "offer_usd=250000")
    assert widgets.page_query() == "offer_usd=250000" and len(calls) == 1


def test_open_link_on_a_built_explorer_gives_the_link_numbers():
    from careersim.widgets import Explorer

    link = "offer_usd=250000&seed=7&path1=offer-b~engineer~230000~seattle~mix~1"
    fresh = Explorer(worlds=1_000, figure="image", query=link)
    built = Explorer(worlds=1_000, figure="image", query="")
    built.open_link(link)
    assert built.error is None and built.query() == fresh.query()
    assert built.summary().equals(fresh.summary())
    assert built.table.value == fresh.table.value

    before = built.summary()
    built.open_link("")  # nothing to apply
    assert built.summary().equals(before) and built.error is None


@pytest.mark.parametrize("query", ["offer_usd=abc", "seed=7&nosuch=1", None])
def test_open_link_refused_keeps_the_defaults(query):
    from careersim.widgets import Explorer

    ex = Explorer(worlds=1_000, figure="image", query="")
    table = ex.table.value
    ex.open_link(query)
    assert ex.values() == ex.defaults and ex.paths == []
    assert ex.table.value == table
    assert ex.error and ("could not be read" if query is None else "were not applied") in ex.error
    assert "cs-error" in ex.message.value
