"""Shared by the test suite and the docstring examples: no windows, no figures left open,
and on CI the same Hypothesis examples every run (local runs keep exploring new ones)."""

import os

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("ci", derandomize=True, print_blob=True)
# `make fuzz` (pytest --hypothesis-profile=fuzz): fresh examples every run, and every
# property test's example count times CAREERSIM_FUZZ_SCALE. The tests write their counts
# for one CI run and scale them by this profile's max_examples over Hypothesis's default 100.
FUZZ_SCALE = float(os.environ.get("CAREERSIM_FUZZ_SCALE", "20"))
settings.register_profile("fuzz", max_examples=max(1, round(100 * FUZZ_SCALE)), derandomize=False, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
