"""Shared by the test suite and the docstring examples: no windows, no figures left open,
and on CI the same Hypothesis examples every run (local runs keep exploring new ones)."""

import os

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
