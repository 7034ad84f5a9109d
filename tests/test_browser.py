"""The report's pages in a real browser (issue 9): headless Chromium, driven through Playwright, opens the
index and the client pages of one report run and watches every request, console message, script error and
dialog. The report is built once for the module and the browser launched once; each page is visited in a
fresh browser context.

Needs Debian's Chromium (`apt-get install chromium`) and the playwright package (`pip install -e '.[test]'`);
no browser is downloaded (`playwright install` is never needed). Without them these tests are skipped, except
under CI (the CI environment variable set), where a missing browser fails them."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest

from relhealth.cli import main
from relhealth.render.slugs import slugify

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
INSTALL = "install them with `apt-get install chromium` and `pip install -e '.[test]'`"
MONTH = "2026-03"

HOSTILE = "Acme <script>alert('name')</script>"
SUBJECT = "<img src=x onerror=alert('subject')>"
FILES = {
    "clients.csv": f"""\
        client,account_manager,retainer_hours,payment_terms_days,currency
        "{HOSTILE}",Oleg,20,30,EUR
        Café Zürich & Fils,Maria,10,30,CHF
        Gamma,Maria,,30,USD
    """,
    "crm_activities.csv": f"""\
        date,client,kind,subject
        2026-01-12,"{HOSTILE}",deadline_met,January drop
        2026-02-10,"{HOSTILE}",complaint,Slow answers
        2026-03-05,"{HOSTILE}",praise,{SUBJECT}
        2026-03-06,Café Zürich & Fils,praise,Kind words
        2026-03-07,Gamma,complaint,Late copy
        2026-03-09,Gamma,complaint,Wrong colours
    """,
    "time_entries.csv": f"""\
        date,client,hours,task
        2026-01-05,"{HOSTILE}",4,Design
        2026-02-05,"{HOSTILE}",3,Design
        2026-03-02,"{HOSTILE}",5,Layout
        2026-03-03,"{HOSTILE}",1,Chasing payment
        2026-03-02,Café Zürich & Fils,3,Layout
        2026-03-02,Gamma,2,Design
    """,
    "invoices.csv": f"""\
        invoice,client,issued,due,amount,currency,paid_on,paid_amount
        INV-1,"{HOSTILE}",2026-01-31,2026-02-28,1200.00,EUR,,
        INV-2,Café Zürich & Fils,2026-02-28,2026-03-30,800.00,CHF,2026-03-20,
    """,
}
PAGES = {HOSTILE: "acme-script-alert-name-script.html", "Café Zürich & Fils": "cafe-zurich-fils.html",
         "Gamma": "gamma.html"}


def under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def find_chromium() -> str:
    """The path of Chromium and the playwright package present; else a skip, or under CI a failure."""
    missing = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("the playwright Python package")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(chromium, os.X_OK):
        missing.append("Chromium (/usr/bin/chromium)")
    if missing:
        message = f"browser tests need {' and '.join(missing)}: {INSTALL}"
        if under_ci():
            pytest.fail(f"CI is set, so the browser tests must run; {message}", pytrace=False)
        pytest.skip(message)
    return chromium


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The month folder of one report run over the three clients of FILES."""
    from conftest import write_folder

    base = tmp_path_factory.mktemp("browser")
    data = write_folder(base / "data", FILES)
    out = base / "reports"
    assert main(["report", str(data), "--out", str(out), "--jobs", "2", "--month", MONTH, "--pdf"]) == 0
    return (out / MONTH).resolve()


@pytest.fixture(scope="module")
def browser():
    chromium = find_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # launch() starts Chromium on a fresh, empty user-data directory of its own, removed on close
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def local_path(url: str) -> Path | None:
    """The file a file:// URL names; None for any other scheme."""
    parsed = urlparse(url)
    if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
        return None
    return Path(url2pathname(parsed.path))


@dataclass
class Visit:
    """What the browser did while it opened one page."""
    url: str
    requests: list[str] = field(default_factory=list)     # every request the page made, in order
    blocked: list[str] = field(default_factory=list)      # requests for anything outside the folder, refused
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)      # each <img>: src (start), complete, natural size
    links: list[dict] = field(default_factory=list)       # each <a href>: href as written, resolved, text
    scripts: int = 0                                       # <script> elements in the document
    title: str = ""


class Watcher:
    """Opens pages in fresh contexts, serving only files inside ``root``; anything else is recorded and refused."""

    def __init__(self, browser, root: Path):
        self.browser, self.root = browser, root

    def inside(self, url: str) -> bool:
        path = local_path(url)
        return path is not None and path.resolve().is_relative_to(self.root)

    def open(self, url: str, then=None) -> tuple[Visit, object]:
        """Visit ``url``; ``then(page)`` may act on the page (a click) before it is read; returns the visit
        of the page shown at the end and ``then``'s result."""
        context = self.browser.new_context(java_script_enabled=True)
        visit = Visit(url)

        def route(route):
            if self.inside(route.request.url):
                route.continue_()
            else:
                visit.blocked.append(route.request.url)
                route.abort()

        try:
            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda request: visit.requests.append(request.url))
            page.on("console", lambda msg: msg.type == "error" and visit.console_errors.append(
                f"{msg.text} at {msg.location.get('url')}:{msg.location.get('lineNumber')}"))
            page.on("pageerror", lambda error: visit.page_errors.append(str(error)))

            def dialog(d):
                visit.dialogs.append(f"{d.type}: {d.message}")
                d.dismiss()

            page.on("dialog", dialog)
            page.goto(url, wait_until="load")
            result = then(page) if then else None
            page.wait_for_load_state("load")
            visit.url = page.url
            visit.title = page.title()
            visit.images = page.evaluate("""() => Array.from(document.images, i => ({
                src: i.getAttribute('src').slice(0, 22), complete: i.complete,
                width: i.naturalWidth, height: i.naturalHeight}))""")
            visit.links = page.evaluate("""() => Array.from(document.querySelectorAll('a[href]'), a => ({
                href: a.getAttribute('href'), url: a.href, text: a.textContent}))""")
            visit.scripts = page.evaluate("() => document.scripts.length")
            return visit, result
        finally:
            context.close()


@pytest.fixture(scope="module")
def watcher(browser, folder) -> Watcher:
    return Watcher(browser, folder)


def test_missing_browser_skips_with_how_to_install_but_fails_under_ci(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        find_chromium()
    assert "Chromium (/usr/bin/chromium)" in str(skipped.value)
    assert "`apt-get install chromium`" in str(skipped.value) and "`pip install -e '.[test]'`" in str(skipped.value)
    for ci in ("true", "1"):
        monkeypatch.setenv("CI", ci)
        with pytest.raises(pytest.fail.Exception) as failed:
            find_chromium()
        assert "CI is set" in str(failed.value) and "apt-get install chromium" in str(failed.value)


def test_the_watcher_catches_each_fault_it_looks_for(watcher, tmp_path):
    """A page with every fault the other tests look for: each must be seen, else they prove nothing."""
    month = tmp_path / "reports" / MONTH
    month.mkdir(parents=True)
    (tmp_path / "reports" / "secret.css").write_text("body {}")
    (month / "bad.html").write_text(
        '<!DOCTYPE html><html><head><link rel="stylesheet" href="../secret.css"></head><body>'
        '<img src="x" onerror="alert(\'caught\')"><img src="http://example.invalid/a.png">'
        '<a href="missing.html">missing</a>'
        '<script>console.error("boom"); throw new Error("uncaught")</script></body></html>', encoding="utf-8")
    visit, _ = Watcher(watcher.browser, month).open((month / "bad.html").as_uri())
    assert visit.dialogs == ["alert: caught"]
    assert sorted(visit.blocked) == sorted([(tmp_path / "reports" / "secret.css").as_uri(),
                                            "http://example.invalid/a.png"])
    assert [(i["complete"], i["width"]) for i in visit.images] == [(True, 0), (True, 0)]
    assert "boom at " in " ".join(visit.console_errors) and visit.page_errors == ["uncaught"]
    assert visit.scripts == 1 and [link["href"] for link in visit.links] == ["missing.html"]


@pytest.mark.parametrize("name", ["index.html", PAGES[HOSTILE], PAGES["Gamma"]])
def test_every_image_loads_and_nothing_outside_the_month_folder_is_requested(watcher, folder, name):
    path = folder / name
    visit, _ = watcher.open(path.as_uri())
    html = path.read_text(encoding="utf-8")
    # every image the page holds is in the DOM, decoded, with a size; all are embedded PNGs
    assert len(visit.images) == html.count("<img ") >= 2
    assert [i for i in visit.images if not (i["complete"] and i["width"] > 0 and i["height"] > 0)] == []
    assert {i["src"] for i in visit.images} == {"data:image/png;base64,"}
    # the only request is the page itself: nothing else in the folder, nothing outside it, no network
    assert visit.requests == [path.as_uri()] and visit.blocked == []
    assert local_path(visit.requests[0]).parent == folder
    assert visit.console_errors == [] and visit.page_errors == [] and visit.dialogs == []


def test_no_script_runs_from_the_inputs_and_their_text_shows_literally(watcher, folder):
    index, _ = watcher.open((folder / "index.html").as_uri())
    page, texts = watcher.open((folder / PAGES[HOSTILE]).as_uri(), lambda p: {
        "h1": p.locator("h1").all_inner_texts(),
        "subject": p.locator(f"td:text-is({SUBJECT!r})").all_inner_texts()})
    for visit in (index, page):
        assert visit.dialogs == [] and visit.page_errors == [] and visit.console_errors == []
        assert visit.scripts == 0
        assert [i for i in visit.images if not i["src"].startswith("data:")] == []   # no <img src=x> made
    assert page.title == f"{HOSTILE}: relationship health, {MONTH}"
    assert [link["text"] for link in index.links if link["href"] == PAGES[HOSTILE]] == [HOSTILE]
    assert texts["h1"] == [HOSTILE]
    # the subject shows in the events that moved the balance and in the month's ledger, as written
    assert texts["subject"] == [SUBJECT, SUBJECT]


def test_every_link_of_the_index_opens_its_page_inside_the_month_folder(watcher, folder):
    index, _ = watcher.open((folder / "index.html").as_uri())
    local = [link for link in index.links if not link["href"].startswith("#") and not link["href"].endswith(".csv")]
    tables = sorted(link["href"] for link in index.links if link["href"].endswith(".csv"))
    # beside the pages, the review table and each client's events, each a file of the month folder
    assert tables == sorted(["review.csv", *(page.replace(".html", "-events.csv") for page in PAGES.values())])
    assert all((folder / href).is_file() for href in tables)
    # one link per client, each to its own page in the month folder; nothing else is linked
    assert sorted((link["text"], link["href"]) for link in local) == sorted(PAGES.items())
    assert all(href == f"{slugify(name)}.html" for name, href in PAGES.items())
    for link in local:
        target = local_path(link["url"])
        assert target is not None and target.parent == folder and target.is_file(), link
        # click the link as a reader would, and look at the page it opens
        visit, _ = watcher.open((folder / "index.html").as_uri(),
                                lambda p: p.get_by_role("link", name=link["text"], exact=True).click())
        assert visit.url == target.as_uri()
        assert visit.title == f"{link['text']}: relationship health, {MONTH}"
        assert visit.requests == [(folder / "index.html").as_uri(), target.as_uri()] and visit.blocked == []
        assert visit.console_errors == [] and visit.page_errors == [] and visit.dialogs == []
        assert visit.images and all(i["complete"] and i["width"] > 0 for i in visit.images)


#: Where an element sticks out of the viewport, outside the boxes that scroll on their own.
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('body *')]
        .filter(e => !(e.closest('div.scroll') && !e.matches('div.scroll')))
        .filter(e => e.getBoundingClientRect().right > width + 1)
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
    return {width, page: document.documentElement.scrollWidth, wide};
}"""


@pytest.mark.parametrize("name", ["index.html", *PAGES.values()])
def test_on_a_phone_nothing_is_wider_than_the_screen(browser, folder, name):
    context = browser.new_context(viewport={"width": 400, "height": 800})
    try:
        page = context.new_page()
        page.goto((folder / name).as_uri(), wait_until="load")
        found = page.evaluate(OVERFLOW)
        assert found["page"] <= 400 and found["wide"] == [], found
        # the cards stack: each takes the width of the page
        widths = page.evaluate("() => Array.from(document.querySelectorAll('.card'), c => c.offsetWidth)")
        assert widths and min(widths) > 300, widths
    finally:
        context.close()


def test_at_1280_pixels_the_portfolio_table_fits_with_its_overdue_column(browser, folder):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        page.goto((folder / "index.html").as_uri(), wait_until="load")
        table = page.evaluate("""() => { const t = document.querySelector('table.attention');
            const box = t.closest('div.scroll');
            return {table: t.scrollWidth, box: box.clientWidth,
                    headings: Array.from(t.querySelectorAll('th'), th => [th.textContent,
                              th.getBoundingClientRect().right <= box.getBoundingClientRect().right + 1])}; }""")
        assert table["table"] <= table["box"], table
        assert [text for text, seen in table["headings"] if not seen] == []
        assert [text for text, _ in table["headings"]][-1] == "overdue"
        # the hostile client's EUR 1,200.00 is overdue since 28 February: 31 days at 31 March
        assert "EUR 1,200.00, oldest 31 days" in page.inner_text("table.attention")
    finally:
        context.close()


def test_the_printed_index_has_every_column_and_the_client_pages_their_folded_rows(folder):
    import unicodedata

    import pypdf

    def text(name: str) -> str:
        pages = pypdf.PdfReader(folder / name).pages
        return " ".join(unicodedata.normalize("NFKC", p.extract_text()) for p in pages).replace("\n", " ")
    index = " ".join(text("index.pdf").split())
    for heading in ("client", "account manager", "signals", "quadrant", "why it needs attention", "EBA (points)",
                    "change since last month", "effort ratio: month / 3 months", "overdue"):
        assert heading in index, heading
    # a PDF for each client; Gamma's two complaints fire friction, and the rows behind it, folded on
    # screen, are printed
    assert all((folder / page.replace(".html", ".pdf")).is_file() for page in PAGES.values())
    gamma = " ".join(text("gamma.pdf").split())
    assert "The rows behind Complaints pile up (2 rows)" in gamma
    folded = gamma.split("The rows behind Complaints pile up")[1].split("Emotional bank account month by month")[0]
    assert "Late copy" in folded and "Wrong colours" in folded
