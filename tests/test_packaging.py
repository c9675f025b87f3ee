"""The package works from a non-editable install, with its bundled data and scenarios (issue 2)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_install_has_data_and_runs(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)], check=True, cwd=tmp_path, timeout=600)
    target = tmp_path / "site"
    (wheel,) = wheels.glob("careersim-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True, timeout=600)
    code = (
        "import careersim, pathlib, sys;"
        f"assert pathlib.Path(careersim.__file__).is_relative_to({str(target)!r}), careersim.__file__;"
        "names = careersim.bundled_scenarios(); assert {'default', 'money-much-better'} <= set(names), names;"
        "r = careersim.simulate(careersim.load_scenario('money-much-better'), worlds=200, rng=1);"
        "careersim.simulate(careersim.load_scenario('default').replace({'market.model': 'bootstrap'}), worlds=200, rng=1);"
        "from careersim import calibration; calibration.calibrate();"
        "print('ok', r.net_worth.shape)"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("ok")
