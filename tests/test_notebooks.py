"""The report notebooks as they are kept in git: no outputs, a parameters cell first."""
import nbformat
import pytest

from relhealth.resources import CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK


@pytest.mark.parametrize("notebook", [CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK])
def test_notebooks_are_kept_without_outputs(notebook):
    nb = nbformat.read(notebook, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata.get("tags", [])
