"""The wheel: built from the checkout and installed, not editable, into a fresh virtual environment outside
it, it runs every command on the sample it carries (DESIGN section 7). Needs the package index, or pip's
cache of it (the set-up of .venv fills the cache)."""
import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def run(*command, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv, outside the checkout, with the wheel of the checkout installed; its bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", base / "dist", ROOT, cwd=base)
    wheel = next((base / "dist").glob("relhealth-*.whl"))
    venv.create(base / "env", with_pip=True)
    bin_dir = base / "env" / "bin"
    run(bin_dir / "python", "-m", "pip", "install", "--quiet", wheel, cwd=base)
    return bin_dir, base


def test_the_wheel_carries_the_notebooks_and_the_sample(installed):
    bin_dir, base = installed
    where = run(bin_dir / "python", "-c", "import json, relhealth, relhealth.resources as r; print(json.dumps("
                "[relhealth.__file__, str(r.SAMPLE_DIR), str(r.CLIENT_NOTEBOOK), str(r.PORTFOLIO_NOTEBOOK)]))", cwd=base)
    package, sample, client, portfolio = json.loads(where.stdout)
    env = str(base / "env")
    assert all(path.startswith(env) for path in (package, sample, client, portfolio))    # not the checkout
    assert Path(client).is_file() and Path(portfolio).is_file()
    assert sorted(p.name for p in Path(sample).glob("*.*") if p.suffix in (".csv", ".ics")) == [
        "calendar.ics", "clients.csv", "crm_activities.csv", "invoices.csv", "jira.csv", "register.csv",
        "time_entries.csv"]


def test_the_installed_commands_validate_score_and_render_the_sample(installed):
    bin_dir, base = installed
    relhealth = bin_dir / "relhealth"
    assert "The data is usable." in run(relhealth, "validate", cwd=base).stdout
    score = run(relhealth, "score", cwd=base).stdout.splitlines()
    assert score[0].startswith("client,month,account_manager,eba_balance") and len(score) == 11
    assert any(line.startswith("Pinecrest Logistics,2026-10,") for line in score)
    run(relhealth, "report", "--out", base / "reports", cwd=base)
    pages = sorted(p.name for p in (base / "reports" / "2026-10").glob("*.html"))
    assert len(pages) == 11 and "index.html" in pages and "pinecrest-logistics.html" in pages
    pinecrest = (base / "reports" / "2026-10" / "pinecrest-logistics.html").read_text(encoding="utf-8")
    assert "USD 25,875.00" in pinecrest and "consider parting" in pinecrest


def test_the_installed_notebook_command_writes_a_notebook_that_runs(installed):
    bin_dir, base = installed
    run(bin_dir / "relhealth", "notebook", "--client", "Orbita Labs", cwd=base)
    written = base / "orbita-labs-2026-10.ipynb"
    assert written.is_file()
    run(bin_dir / "python", "-m", "papermill", "--no-progress-bar", written, base / "ran.ipynb", cwd=base)
    ran = json.loads((base / "ran.ipynb").read_text(encoding="utf-8"))
    shown = "".join("".join(o.get("data", {}).get("text/html", "")) for c in ran["cells"] for o in c.get("outputs", []))
    assert "<h1>Orbita Labs</h1>" in shown and '<div class="value">7.54</div>' in shown
    # an analyst re-runs it for September with the month alone: the client stays (EBA 2.08 then)
    run(bin_dir / "python", "-m", "papermill", "--no-progress-bar", written, base / "september.ipynb",
        "-p", "month", "2026-09", cwd=base)
    ran = json.loads((base / "september.ipynb").read_text(encoding="utf-8"))
    shown = "".join("".join(o.get("data", {}).get("text/html", "")) for c in ran["cells"] for o in c.get("outputs", []))
    assert "<h1>Orbita Labs</h1>" in shown and "September 2026" in shown and '<div class="value">2.08</div>' in shown
