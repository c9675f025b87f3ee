"""No notebook Markdown, in its source or in what its cells display, holds a dollar sign that a
Markdown renderer (JupyterLab, Voila) would read as the start of LaTeX math."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from careersim._format import markdown, unescaped_dollars

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_the_checker_finds_what_a_renderer_would_read_as_math():
    assert unescaped_dollars("from $47k to $60k")
    assert not unescaped_dollars(markdown("from $47k to $60k"))
    assert not unescaped_dollars("code `x = $1` and \\\\$5")
    assert unescaped_dollars("from \\$47k to \\$60k"), "JupyterLab reads \\$...\\$ as math (jupyterlab#8645)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_markdown_cells_escape_dollars(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    bad = [(i, hit) for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown" for hit in unescaped_dollars("".join(c["source"]))]
    assert not bad, bad


def _displayed_markdown(nb: dict) -> list[tuple[int, str]]:
    out = []
    for i, c in enumerate(nb["cells"]):
        for o in c.get("outputs", []):
            text = o.get("data", {}).get("text/markdown")
            if text:
                out.append((i, "".join(text)))
    return out


@pytest.mark.slow
def test_money_notebook_displays_no_math_dollars(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    path = ROOT / "notebooks" / "money_much_better.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    shown = _displayed_markdown(nb)
    assert shown, "the notebook displays Markdown"
    bad = [(i, hit) for i, text in shown for hit in unescaped_dollars(text)]
    assert not bad, bad
