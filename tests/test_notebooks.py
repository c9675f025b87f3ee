"""Every notebook in notebooks/: committed clean (no outputs, no execution counts, no saved
widget state) and executing top to bottom in a fresh kernel (marked ``slow``).

Notebooks are discovered, not listed: a notebook added to notebooks/ is tested without
touching this file. The executed copies are saved under artifacts/notebooks/ (git-ignored)
for inspection; the committed files are never modified.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ARTIFACTS = ROOT / "artifacts" / "notebooks"
#: seconds any one cell may run before the notebook fails
CELL_TIMEOUT = int(os.environ.get("CAREERSIM_NOTEBOOK_CELL_TIMEOUT", "600"))


def notebook_paths() -> list[Path]:
    return sorted(p for p in NOTEBOOKS.glob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


PATHS = notebook_paths()
IDS = [p.name for p in PATHS]


def test_notebooks_exist():
    assert (NOTEBOOKS / "explorer.ipynb") in PATHS, f"notebooks found: {IDS}"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_is_committed_clean(path):
    """No outputs, execution counts or widget state: notebooks are committed stripped."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.get("outputs"):
            dirty.append(f"cell {i} has {len(cell.outputs)} output(s)")
        if cell.get("execution_count") is not None:
            dirty.append(f"cell {i} has execution_count {cell.execution_count}")
    if "widgets" in nb.metadata:
        dirty.append("notebook metadata holds saved widget state ('widgets')")
    assert not dirty, f"{path.name} is not clean: " + "; ".join(dirty) + " (clear all outputs before committing)"


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_notebook_executes(path):
    """Runs top to bottom in a fresh python3 kernel, in the notebooks/ folder."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    try:
        client.execute()
    finally:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, ARTIFACTS / path.name)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, f"{path.name}: {errors[0].get('ename')}: {errors[0].get('evalue')}"
