"""What a page records it was made from (relhealth.render.records): a client's slice hashes its own rows
only, and a record changes with the settings, the language and the notebook."""
from __future__ import annotations

import relhealth
from relhealth.render.records import client_slices, page_record, recorder
from relhealth.resources import CLIENT_NOTEBOOK, PORTFOLIO_NOTEBOOK

FILES = {"clients.csv": "client\nAcme\nBeta\n",
         "time_entries.csv": "date,client,hours\n2026-03-02,Acme,1\n2026-03-03,Beta,2\n"}


def test_a_clients_slice_changes_with_its_own_rows_only(folder):
    before = client_slices(relhealth.read_dataset(folder(FILES)))
    after = client_slices(relhealth.read_dataset(folder({**FILES, "time_entries.csv": FILES["time_entries.csv"]
                                                         + "2026-03-04,Beta,1\n"})))
    assert after["Acme"] == before["Acme"] and after["Beta"] != before["Beta"]
    assert client_slices(relhealth.read_dataset(folder(FILES))) == before          # the same data, the same hash


def test_a_record_changes_with_settings_language_and_notebook(tmp_path):
    settings = relhealth.load_settings()
    config = tmp_path / "decay.toml"
    config.write_text("[eba]\nhalf_life_days = 30\n", encoding="utf-8")
    record = recorder(settings, CLIENT_NOTEBOOK)
    base = record("client", "2026-03", "Acme")
    assert base == record("client", "2026-03", "Acme") == recorder(settings, CLIENT_NOTEBOOK)("client", "2026-03", "Acme")
    others = [recorder(settings.with_language("ru"), CLIENT_NOTEBOOK)("client", "2026-03", "Acme"),
              recorder(relhealth.load_settings(config), CLIENT_NOTEBOOK)("client", "2026-03", "Acme"),
              recorder(settings, PORTFOLIO_NOTEBOOK)("client", "2026-03", "Acme"),
              record("client", "2026-04", "Acme")]
    assert base not in others and len(set(others)) == 4


def test_a_page_record_is_read_from_its_head_in_either_attribute_order(tmp_path):
    digest = "a" * 64
    page = tmp_path / "acme.html"
    page.write_text(f'<html><head><meta content="{digest}" name="relhealth-record"/></head></html>', encoding="utf-8")
    assert page_record(page) == digest
    page.write_text(f'<html><head><meta name="relhealth-record" content="{digest}"></head></html>', encoding="utf-8")
    assert page_record(page) == digest
    page.write_text('<html><head><meta name="relhealth-record" content="short"></head></html>', encoding="utf-8")
    assert page_record(page) is None and page_record(tmp_path / "missing.html") is None
