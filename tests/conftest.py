"""Shared test helpers: data folders written from small, readable texts."""
from __future__ import annotations

import textwrap
from pathlib import Path

import pytest


def write_folder(folder: Path, files: dict[str, str | bytes], encoding: str = "utf-8") -> Path:
    """Write each ``name: content`` into ``folder``; text is dedented and encoded with ``encoding``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        data = content if isinstance(content, bytes) else textwrap.dedent(content).lstrip("\n").encode(encoding)
        (folder / name).write_bytes(data)
    return folder


@pytest.fixture
def folder(tmp_path):
    """A function writing files into a fresh data folder and returning its path."""
    def make(files: dict[str, str | bytes], encoding: str = "utf-8") -> Path:
        return write_folder(tmp_path / "data", files, encoding)
    return make
