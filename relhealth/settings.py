"""Settings: the shipped TOML file inside the package (DESIGN section 4a)."""
from __future__ import annotations

import tomllib
from pathlib import Path

DEFAULT_SETTINGS = Path(__file__).with_name("settings.toml")


def load_settings() -> dict:
    """The shipped settings as a nested dict."""
    with DEFAULT_SETTINGS.open("rb") as handle:
        return tomllib.load(handle)


def known_kinds(settings: dict) -> set[str]:
    """The kinds the rubric gives a weight to."""
    return set(settings["eba"]["weights"])
