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


@pytest.mark.parametrize("args", [["--port", "0"], ["--port", "70000"], ["--port", "x"], ["--cull-idle", "-1"], ["--cull-interval", "0"]])
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
    assert c.VoilaConfiguration.prelaunch_hook is _app.set_xsrf_cookie
    assert c.MappingKernelManager.cull_idle_timeout == _app.DEFAULT_CULL_IDLE_SECONDS
    assert c.MappingKernelManager.cull_interval == _app.DEFAULT_CULL_INTERVAL_SECONDS
    assert c.MappingKernelManager.cull_connected is False  # an open page keeps its kernel
    assert "cull_idle_timeout" not in _app.voila_config(cull_idle=0).MappingKernelManager


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
    assert "--cull-idle" in out.stdout


@pytest.mark.slow
def test_wheel_ships_the_notebooks(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(ROOT)], check=True, timeout=600)
    (wheel,) = tmp_path.glob("careersim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for nb in (ROOT / "notebooks").glob("*.ipynb"):
        assert f"careersim/notebooks/{nb.name}" in names, names
