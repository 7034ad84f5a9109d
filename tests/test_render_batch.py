"""`relhealth report` and `relhealth notebook` (relhealth.render.batch): the notebooks run through papermill on
small data and on the sample. These tests start Jupyter kernels, a few seconds each."""
import json
import re
from pathlib import Path

import nbformat
import papermill
import pytest

from relhealth.cli import main
from relhealth.render import batch as report_module
from relhealth.render.slugs import slugify
from relhealth.resources import CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK

pytestmark = pytest.mark.slow

HOSTILE = "Acme <script>alert('name')</script>"
FILES = {
    "clients.csv": f"""\
        client,account_manager
        "{HOSTILE}",Oleg
        Beta Canary,Maria
        Gamma,Maria
    """,
    "crm_activities.csv": f"""\
        date,client,kind,subject
        2026-03-05,"{HOSTILE}",praise,<img src=x onerror=alert('subject')>
        2026-03-06,Beta Canary,praise,CANARY-7731 kind words
        2026-03-07,Gamma,complaint,Late copy
    """,
    "time_entries.csv": """\
        date,client,hours,task
        2026-03-02,Beta Canary,3,CANARY-7731 layout
        2026-03-02,Gamma,2,Design
    """,
}


def failing_notebook(folder: Path, client: str) -> Path:
    """The client notebook with one more cell that fails for ``client``."""
    nb = nbformat.read(CLIENT_NOTEBOOK, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell(f"if report.client == {client!r}:\n"
                                                 "    raise RuntimeError('broken on purpose')"))
    path = folder / "failing.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """One run over three clients: Gamma's report fails on purpose; notebooks are kept to be inspected."""
    from conftest import write_folder

    base = tmp_path_factory.mktemp("hostile")
    data = write_folder(base / "data", FILES)
    out = base / "reports"
    mp = pytest.MonkeyPatch()
    mp.setattr(report_module, "CLIENT_NOTEBOOK", failing_notebook(base, "Gamma"))
    original = report_module.run_reports
    mp.setattr("relhealth.render.batch.run_reports", lambda *a, **k: original(*a, **k, keep_notebooks=True))
    try:
        code = main(["report", str(data), "--out", str(out), "--jobs", "2", "--month", "2026-03"])
    finally:
        mp.undo()
    return code, out / "2026-03"


def test_a_failing_report_leaves_the_others_whole_and_is_named(hostile_run, capsys):
    code, folder = hostile_run
    assert code == 1
    pages = sorted(p.name for p in folder.glob("*.html"))
    acme = slugify(HOSTILE)
    assert pages == sorted([f"{acme}.html", "beta-canary.html", "index.html"])
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert "Gamma <span class=\"failed\">report failed</span>" in index
    assert "RuntimeError: broken on purpose" in index
    assert 'href="beta-canary.html"' in index and 'href="gamma.html"' not in index
    log = (folder / "logs" / "gamma.log").read_text(encoding="utf-8")
    assert log.startswith("Gamma: RuntimeError: broken on purpose")
    assert (folder / "logs" / "gamma.ipynb").exists()
    assert not list(folder.glob(".*"))                                   # no work folder, no temporary file


def test_one_clients_data_never_reaches_another_clients_page_or_notebook(hostile_run):
    _, folder = hostile_run
    beta = (folder / "beta-canary.html").read_text(encoding="utf-8")
    assert "CANARY-7731" in beta
    others = [folder / f"{slugify(HOSTILE)}.html", folder / "notebooks" / f"{slugify(HOSTILE)}.ipynb",
              folder / "logs" / "gamma.ipynb"]
    for path in others:
        assert "CANARY" not in path.read_text(encoding="utf-8"), path


def test_text_from_the_inputs_stays_text_in_the_pages(hostile_run):
    _, folder = hostile_run
    page = (folder / f"{slugify(HOSTILE)}.html").read_text(encoding="utf-8")
    index = (folder / "index.html").read_text(encoding="utf-8")
    for html in (page, index):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert re.search(r"Acme &lt;script&gt;alert\((&#x27;|')name(&#x27;|')\)&lt;/script&gt;", html)
    assert re.search(r"&lt;img src=x onerror=alert\((&#x27;|')subject(&#x27;|')\)&gt;", page)
    # our pages carry no script at all and fetch nothing: every src is an embedded image
    for html in (page, index):
        assert "<script" not in html
        assert set(re.findall(r'src="([a-z]+):', html)) == {"data"}
        assert not re.search(r"""(href|src)=["']?(https?:)?//""", html)


def test_a_client_page_shows_the_headline_and_states_where_it_came_from(hostile_run):
    _, folder = hostile_run
    page = (folder / "beta-canary.html").read_text(encoding="utf-8")
    assert "<title>Beta Canary: relationship health, 2026-03</title>" in page
    # praise 3 on 2026-03-06, decayed to 2026-03-31 (25 days): 3 * 0.5 ** (25 / 90) = 2.4746
    assert '<div class="value">2.47</div>' in page
    assert "Month: 2026-03" in page and "Settings fingerprint:" in page and "relhealth 0.1.0" in page
    assert "def " not in page and "import " not in page                # no code
    executed = json.loads((folder / "notebooks" / "beta-canary.ipynb").read_text(encoding="utf-8"))
    injected = next(c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", []))
    assert 'client = "Beta Canary"' in "".join(injected["source"])


def test_the_sample_renders_its_stories_and_the_index_puts_the_most_attention_first(tmp_path):
    out = tmp_path / "reports"
    clients = ["pinecrest logistics", "Orbita Labs", "Alpenrose Hotels GmbH", "Copperleaf", "Harrow Motor Group",
               "Northwind Outfitters"]
    code = main(["report", *[arg for c in clients for arg in ("--client", c)], "--out", str(out), "--jobs", "2"])
    assert code == 0
    folder = out / "2026-10"
    pages = ["alpenrose-hotels-gmbh", "copperleaf-studios", "harrow-motor-group", "northwind-outfitters",
             "orbita-labs", "pinecrest-logistics"]
    # each page, its events of the month as CSV beside it, the index and the month's review table
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{p}.html" for p in pages] + [f"{p}-events.csv" for p in pages] + ["index.html", "review.csv"])
    review = (folder / "review.csv").read_text(encoding="utf-8").splitlines()
    assert review[0].startswith("client,month,account_manager,eba_balance") and len(review) == 11
    events = (folder / "pinecrest-logistics-events.csv").read_text(encoding="utf-8").splitlines()
    # October's events of the late payer are mail and payment reminders, which weigh nothing
    assert events[0] == "date,kind,weight,weight_from,derived,subject,contact,source,row" and len(events) > 1
    assert all(",0.00,rubric,False," in line for line in events[1:])
    assert "2026-10-27 10:15,email_in,0.00,rubric,False,Payment schedule for the open invoices,,crm_activities.csv," in (
        "\n".join(events))
    harrow = (folder / "harrow-motor-group-events.csv").read_text(encoding="utf-8").splitlines()
    assert any(",rude_message,0.00,rubric,False," in line for line in harrow)
    index = (folder / "index.html").read_text(encoding="utf-8")
    attention = index.split("Clients by the attention they need", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr><td>(?:<a [^>]+>)?([^<]+)", attention)
    # attention: signals fired + bands below healthy + effort flag steps, then the lower balance
    # Pinecrest 1 + 2 (overdrawn) + 2 (red) = 5; Harrow 2 + 2 = 4; Alpenrose 2 + 1 = 3 (2.57); Copperleaf 3 (3.01)
    assert rows[:5] == ["Pinecrest Logistics", "Harrow Motor Group", "Alpenrose Hotels GmbH", "Copperleaf Studios",
                        "Maison Duval"]
    assert len(rows) == 10 and rows[-1] == "Northwind Outfitters"
    assert re.search(r'<span class="fired">Complaints pile up</span><br/?><span class="fired">The client is rude</span>',
                     index)
    pinecrest = (folder / "pinecrest-logistics.html").read_text(encoding="utf-8")
    for figure in ("-3.46", "2.500", "USD 25,875.00", "154 days", "consider parting", "INV-1069"):
        assert figure in pinecrest

    def fired(page: str) -> list[str]:
        return re.findall(r'<tr class="fired"><td><b>[^<]+</b><br/?><span class="sub">([a-z_]+)</span>',
                          (folder / page).read_text(encoding="utf-8"))

    assert fired("alpenrose-hotels-gmbh.html") == ["no_feedback", "no_partnership"]
    assert fired("copperleaf-studios.html") == ["ignored_advice", "excessive_demands"]
    assert fired("harrow-motor-group.html") == ["friction", "hostility"]
    assert fired("pinecrest-logistics.html") == ["payment_burden"]
    assert fired("northwind-outfitters.html") == []
    northwind = (folder / "northwind-outfitters.html").read_text(encoding="utf-8")
    assert "0 signals of 7 fired in October 2026." in northwind
    alpenrose = (folder / "alpenrose-hotels-gmbh.html").read_text(encoding="utf-8")
    assert "days since the client's last contact: 26 (≥ 21)" in alpenrose
    assert "The rows behind <b>The client has gone quiet</b>" in alpenrose
    copperleaf = (folder / "copperleaf-studios.html").read_text(encoding="utf-8")
    assert "Could you redo the About page while you are at it?" in copperleaf and "<td>decline</td>" in copperleaf


def test_the_client_notebook_runs_as_is_and_stops_on_a_wrong_client(tmp_path):
    out = tmp_path / "run.ipynb"
    nb = papermill.execute_notebook(str(CLIENT_NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                                    parameters={"client": "Orbita Labs"})
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells for o in c.get("outputs", []))
    assert "<h1>Orbita Labs</h1>" in html and '<div class="value">7.54</div>' in html
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        papermill.execute_notebook(str(CLIENT_NOTEBOOK), str(out), kernel_name="python3", progress_bar=False,
                                   parameters={"client": "Pinecrst"})
    assert failure.value.ename == "UsageError"
    assert "no client 'Pinecrst'" in failure.value.evalue and "Did you mean 'Pinecrest Logistics'?" in failure.value.evalue
    assert set(papermill.inspect_notebook(str(PORTFOLIO_NOTEBOOK))) == {"data", "month", "config", "lang", "pages",
                                                                        "failures", "tables"}


def test_a_notebook_without_a_parameter_the_run_passes_stops_the_run_before_any_page(tmp_path, monkeypatch,
                                                                                     capsys):
    nb = nbformat.read(CLIENT_NOTEBOOK, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("config = None", "settings = None")
    nbformat.write(nb, tmp_path / "renamed.ipynb")
    monkeypatch.setattr(report_module, "CLIENT_NOTEBOOK", tmp_path / "renamed.ipynb")
    assert main(["report", "--out", str(tmp_path / "reports"), "--jobs", "1"]) == 2
    assert "the parameters cell has no config." in capsys.readouterr().err
    assert not list((tmp_path / "reports").rglob("*.html"))


def test_the_notebook_command_writes_a_ready_notebook(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["notebook", "--client", "northwind", "--month", "2026-09"]) == 2
    assert "Did you mean 'Northwind Outfitters'?" in capsys.readouterr().err
    assert main(["notebook", "--client", "Northwind Outfitters", "--month", "2026-09"]) == 0
    written = tmp_path / "northwind-outfitters-2026-09.ipynb"
    printed = capsys.readouterr().out
    assert f"wrote {written.name}" in printed and "jupyter lab northwind-outfitters-2026-09.ipynb" in printed
    nb = nbformat.read(written, as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "client = 'Northwind Outfitters'" in parameters.source and "month = '2026-09'" in parameters.source
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert main(["notebook", "--client", "Northwind Outfitters", "--month", "2026-09"]) == 1   # never overwrites


def test_a_russian_run_writes_the_same_file_names_in_russian(tmp_path):
    out = tmp_path / "reports"
    assert main(["report", "--lang", "ru", "--client", "Pinecrest Logistics", "--client", "ООО «Северный ветер»", "--out", str(out),
                 "--jobs", "2"]) == 0
    folder = out / "2026-10"
    pages = ["ooo-severnyy-veter", "pinecrest-logistics"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [f"{p}.html" for p in pages] + [f"{p}-events.csv" for p in pages] + ["index.html", "review.csv"])
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in index and "<title>Портфель клиентов, окт. 2026</title>" in index
    assert "Клиенты по степени внимания" in index and "Получить оплату слишком дорого" in index
    pinecrest = (folder / "pinecrest-logistics.html").read_text(encoding="utf-8")
    pinecrest = pinecrest.replace("\N{NARROW NO-BREAK SPACE}", " ").replace("\N{NO-BREAK SPACE}", " ")
    assert '<html lang="ru">' in pinecrest
    # the explanations of the notebook, the sections and the numbers in Russian
    assert "Ранние признаки: когда пора расставаться" in pinecrest and "подумать о расставании" in pinecrest
    for figure in ("-3,46", "2,500", "25 875,00 $", "154 дня", "INV-1069"):
        assert figure in pinecrest
    assert "Client portfolio" not in index and "Early warnings" not in pinecrest
    # the review table stays the contract: codes and dots
    assert "payment_burden" in (folder / "review.csv").read_text(encoding="utf-8")


def test_the_notebook_command_writes_a_russian_notebook_that_runs(tmp_path, monkeypatch, capsys):
    import papermill

    monkeypatch.chdir(tmp_path)
    assert main(["notebook", "--client", "Harrow Motor Group", "--month", "2026-10", "--lang", "ru"]) == 0
    written = tmp_path / "harrow-motor-group-2026-10.ipynb"
    nb = nbformat.read(written, as_version=4)
    parameters = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    assert "lang = 'ru'" in parameters.source
    assert nb.cells[0].source.startswith("# Отчёт по клиенту")
    ran = papermill.execute_notebook(str(written), str(tmp_path / "ran.ipynb"), progress_bar=False, kernel_name="python3")
    shown = "".join(o.get("data", {}).get("text/html", "") for c in ran.cells for o in c.get("outputs", []))
    assert "Здоровье отношений за октябрь 2026" in shown and "Клиент груб" in shown


def test_the_backtest_command_writes_the_panel_and_its_page(folder, tmp_path):
    from test_backtest import FILES

    path, out = folder(FILES), tmp_path / "reports"
    assert main(["backtest", str(path), "--out", str(out), "--lang", "ru", "--from", "2026-01"]) == 0
    written = out / "backtest"
    assert sorted(p.name for p in written.iterdir()) == ["backtest.csv", "index.html"]
    rows = (written / "backtest.csv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    assert header[:3] == ["client", "month", "account_manager"] and header[-2:] == ["churned", "paid_late"]
    # Acme ends in May: churn follows February (within its three months), not January; May is empty
    acme = {r.split(",")[1]: r.split(",")[-2:] for r in rows[1:] if r.startswith("Acme,")}
    assert acme["2026-01"] == ["False", "False"] and acme["2026-02"] == ["True", "False"] and acme["2026-05"] == ["", ""]
    page = (written / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ru">' in page and "Бэктест" in page and "Acme" in page
    assert main(["backtest", str(path), "--out", str(out), "--from", "2026-05", "--to", "2026-02"]) == 2


def test_a_second_run_keeps_the_pages_whose_inputs_did_not_change(folder, tmp_path, capsys):
    from test_backtest import FILES

    data, out = folder(FILES), tmp_path / "reports"
    run = ["report", str(data), "--month", "2026-03", "--out", str(out), "--jobs", "2"]
    assert main(run) == 0
    month = out / "2026-03"
    pages = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in month.glob("*.html")}
    assert sorted(pages) == ["acme.html", "beta.html", "gamma.html", "index.html"]
    capsys.readouterr()
    # nothing changed: every page kept as it is, bytes and time
    assert main(run) == 0
    printed = capsys.readouterr().out
    assert "wrote 0 client pages" in printed and "kept 3 unchanged" in printed
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in month.glob("*.html")} == pages
    # one more hour of Beta's: Beta's page and the index again, Acme's and Gamma's kept
    (data / "time_entries.csv").write_text(FILES["time_entries.csv"] + "2026-03-20,Beta,2,Design\n", encoding="utf-8")
    assert main(run) == 0
    changed = {p.name for p in month.glob("*.html") if p.stat().st_mtime_ns != pages[p.name][0]}
    assert changed == {"beta.html", "index.html"}
    # a page whose record is damaged is rendered again; --force renders all
    acme = month / "acme.html"
    acme.write_text(acme.read_text(encoding="utf-8").replace('name="relhealth-record"', 'name="x"'), encoding="utf-8")
    before = {p.name: p.stat().st_mtime_ns for p in month.glob("*.html")}
    assert main(run) == 0
    assert {p.name for p in month.glob("*.html") if p.stat().st_mtime_ns != before[p.name]} == {"acme.html"}
    before = {p.name: p.stat().st_mtime_ns for p in month.glob("*.html")}
    assert main([*run, "--force"]) == 0
    assert all(p.stat().st_mtime_ns != before[p.name] for p in month.glob("*.html"))


def test_one_clients_page_renders_alone_and_the_index_is_kept_when_nothing_else_changed(folder, tmp_path, capsys):
    from test_backtest import FILES

    data, out = folder(FILES), tmp_path / "reports"
    run = ["report", str(data), "--month", "2026-03", "--out", str(out)]
    assert main(run) == 0
    month = out / "2026-03"
    before = {p.name: p.stat().st_mtime_ns for p in month.iterdir()}
    # the analyst's path: one client's page again (its own record damaged); the index and the review stay
    gamma = month / "gamma.html"
    gamma.write_text(gamma.read_text(encoding="utf-8").replace('name="relhealth-record"', 'name="x"'), encoding="utf-8")
    before["gamma.html"] = gamma.stat().st_mtime_ns
    capsys.readouterr()
    assert main([*run, "--client", "gamma"]) == 0
    assert "wrote 1 client page" in capsys.readouterr().out
    changed = {p.name for p in month.iterdir() if p.stat().st_mtime_ns != before[p.name]}
    assert changed == {"gamma.html", "gamma-events.csv"}
    # the page made from Gamma's slice alone is the page the whole month makes
    alone = gamma.read_bytes()
    assert main([*run, "--force"]) == 0
    # but for when it was made and the id papermill gives the cell it injects
    strip = lambda page: re.sub(rb"Generated at: [^<]+|cell-id=[0-9a-f]+", b"", page)
    assert strip(gamma.read_bytes()) == strip(alone)
