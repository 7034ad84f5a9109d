"""What the pages say on the sample agency (data/sample/README.md): the words a director reads."""
from __future__ import annotations

import pytest

import relhealth
from relhealth.render import client_page
from relhealth.resources import SAMPLE_DIR
from relhealth.review import client_report


@pytest.fixture(scope="module")
def sample():
    settings = relhealth.load_settings()
    return relhealth.read_dataset(SAMPLE_DIR, settings), settings


def test_a_client_with_no_event_this_month_is_told_why_its_balance_moved(sample):
    data, settings = sample
    report = client_report(data, settings, "Pinecrest Logistics", "2026-10")
    # Pinecrest has no event in October 2026: +0.93, all of it old withdrawals fading
    assert "+0.93 since last month: +0.00 from this month's events, +0.93 as older ones fade" in str(
        client_page.headline(report))
    moved = str(client_page.what_moved(report))
    assert "No event this month: the balance moved by +0.93 only because older events fade." in moved
    assert "<td>old withdrawal fading</td><td>promise broken</td>" in moved
    assert "new deposit" not in moved and "new withdrawal" not in moved
