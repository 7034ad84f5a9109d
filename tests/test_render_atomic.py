"""Outputs are written atomically (relhealth.files): a reader sees the old file or the new one, never half."""
import os

import pytest

from relhealth.render import atomic as files
from relhealth.render.atomic import TEMP_SUFFIX, write_text_atomic


def test_a_write_replaces_the_file_whole_with_the_usual_permissions(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("old")
    write_text_atomic(page, "new ✓")
    assert page.read_text(encoding="utf-8") == "new ✓"
    assert page.stat().st_mode & 0o777 == files.FILE_MODE
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_temporary_file(tmp_path, monkeypatch):
    page = tmp_path / "page.html"
    page.write_text("old")

    def interrupted(source, target):
        raise KeyboardInterrupt
    monkeypatch.setattr(os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_text_atomic(page, "new")
    assert page.read_text() == "old"
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}"))
