"""Settings: the shipped file, a user's file merged key by key, and every settings error (relhealth.settings)."""
import textwrap

import pytest

from relhealth.errors import InputError
from relhealth.settings import load_settings


def config(tmp_path, text):
    path = tmp_path / "my.toml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(path):
    with pytest.raises(InputError) as error:
        load_settings(path)
    return str(error.value)


def test_the_shipped_settings_hold_the_design_defaults():
    eba = load_settings()["eba"]
    assert (eba["half_life_days"], eba["opening_balance"]) == (90, 0)
    assert eba["bands"] == {"strong": 15, "healthy": 5, "watch": 0}
    assert eba["weights"]["deadline_missed"] == -5 and eba["weights"]["rude_message"] == 0


def test_a_user_file_overrides_key_by_key_and_tables_merge(tmp_path):
    settings = load_settings(config(tmp_path, """
        [eba]
        half_life_days = 60
        [eba.weights]
        complaint = -6
        lunch = 1.5
    """))
    eba = settings["eba"]
    assert eba["half_life_days"] == 60
    assert eba["opening_balance"] == 0                      # kept from the shipped file
    assert eba["weights"]["complaint"] == -6                # replaced
    assert eba["weights"]["lunch"] == 1.5                   # added to the open table
    assert eba["weights"]["praise"] == 3                    # kept
    assert eba["bands"] == {"strong": 15, "healthy": 5, "watch": 0}
    assert "lunch" in settings.known_kinds


def test_the_fingerprint_changes_with_the_effective_settings_only(tmp_path):
    default = load_settings().fingerprint
    assert len(default) == 12
    assert load_settings(config(tmp_path, "[eba]\nhalf_life_days = 90\n")).fingerprint == default
    assert load_settings(config(tmp_path, "[eba]\nhalf_life_days = 91\n")).fingerprint != default


def test_an_unknown_key_in_a_fixed_table_is_named_with_a_suggestion(tmp_path):
    path = config(tmp_path, "[eba]\nhalf_life_dayz = 60\n")
    assert error_of(path) == f"{path}: eba.half_life_dayz is not a setting. Did you mean eba.half_life_days?"


def test_an_unknown_table_lists_the_keys_there_are(tmp_path):
    path = config(tmp_path, "[ebb]\nx = 1\n")
    assert error_of(path) == f"{path}: ebb is not a setting. Did you mean eba?"


def test_a_value_of_the_wrong_type_is_named(tmp_path):
    path = config(tmp_path, """
        [eba]
        half_life_days = "ninety"
        [eba.weights]
        praise = true
        [eba.bands]
        strong = "15"
    """)
    assert error_of(path) == "\n".join([
        f"{path}: 3 problems",
        "  eba.half_life_days must be a number, not text ('ninety').",
        "  eba.weights.praise must be a number, not true or false (True).",
        "  eba.bands.strong must be a number, not text ('15').",
    ])


def test_a_table_given_as_a_value_is_an_error(tmp_path):
    path = config(tmp_path, "eba = 3\n")
    assert error_of(path) == f"{path}: eba must be a table, not a number."


def test_a_pattern_that_does_not_compile_is_named(tmp_path):
    path = config(tmp_path, "[effort.categories]\ncollections = ['invoic(']\n")
    assert error_of(path).startswith(
        f"{path}: effort.categories.collections: the pattern 'invoic(' does not compile (missing ), ")


def test_a_file_that_is_not_toml_is_an_error_naming_it(tmp_path):
    path = config(tmp_path, "[eba\nhalf_life_days = 1\n")
    assert error_of(path).startswith(f"{path}: is not valid TOML (")


def test_a_missing_settings_file_is_an_error_naming_it(tmp_path):
    assert error_of(tmp_path / "nope.toml") == f"{tmp_path / 'nope.toml'}: no such settings file. Give the path of a TOML file."


def test_the_quadrant_must_name_a_band_and_a_flag_that_exist(tmp_path):
    path = config(tmp_path, """
        [quadrant]
        high_trust_band = "healty"
        high_cost_flag = "red"
    """)
    assert error_of(path) == (f"{path}: quadrant.high_trust_band = 'healty' names no entry of [eba.bands]. "
                              "Use one of: strong, healthy, watch.")
    renamed = config(tmp_path, """
        [eba.bands]
        trusted = 8
        [quadrant]
        high_trust_band = "trusted"
    """)
    assert load_settings(renamed)["quadrant"] == {"high_trust_band": "trusted", "high_cost_flag": "amber"}


def test_an_alias_that_names_no_kind_is_an_error_naming_it(tmp_path):
    path = config(tmp_path, '[eba.aliases]\n"наш термин" = "complain"\n')
    assert error_of(path) == (f"{path}: eba.aliases.наш термин = 'complain' is not a kind of [eba.weights]. "
                              "Did you mean 'complaint'?")
