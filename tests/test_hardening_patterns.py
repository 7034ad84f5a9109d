"""Pattern matching ends in time, whatever the text (issue 25, class 8): the shipped patterns read a text
once, a user's pattern that repeats a repetition is refused when the settings load, and the patterns read
the first PATTERN_TEXT_LIMIT characters of a text, a longer one noted."""
from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pandas as pd
import pytest

import relhealth
from relhealth.cli import main
from relhealth.errors import InputError
from relhealth.io.quality import DataQuality, note_long_texts
from relhealth.metrics.conversation import irritated, matched_words
from relhealth.metrics.effort import _any_of, categorise
from relhealth.settings import PATTERN_TEXT_LIMIT, load_settings, repeated_repetition

SETTINGS = load_settings()
COLLECTIONS = SETTINGS["effort"]["categories"]["collections"]
TONE = SETTINGS["tone"]["irritation"]
#: The shipped patterns as they were, each beside the pattern that replaced it: the old ones take the square
#: of a text's length (the first once per chasing word, the second once per capital).
OLD_CHASING = r"\b(chas\w*|follow(ing)?[- ]?up|remind\w*)\b.*\b(invoice|payment|overdue)"
NEW_CHASING = r"(?m:^)(?>.*?\b(chas\w*|follow(ing)?[- ]?up|remind\w*)\b).*\b(invoice|payment|overdue)"
OLD_CAPITALS = r"(?-i:^(?=.*[A-ZА-ЯЁ]{2,}\s+[A-ZА-ЯЁ]{2,})[^a-zа-яё]+$)"
NEW_CAPITALS = r"(?-i:^(?=.*?[A-ZА-ЯЁ]{2}\s++[A-ZА-ЯЁ]{2})[^a-zа-яё]+$)"
#: Texts at the edges of the two rewrites: chasing and invoice on two lines, several chasing words on a
#: line, the target before the chasing word, capitals over lines, a lower-case letter at the end.
EDGES = ["chasing\ninvoice", "invoice chasing", "a chase\nb chasing the invoice", "remind remind payment",
         "chasinvoice", "followup invoice", "following up: overdue", "Follow-Up re Payment", "x\nchasing the invoice",
         "НУ СКОЛЬКО\nМОЖНО", "НУ\nСКОЛЬКО МОЖНО", "AB CD\n", "AB CD\nx", "A B C", "AB  \t CD!!", "ABC", "ÀB CD",
         "ГДЕ АКТ?", "ГДЕ АКТ?ё", "ПОЧЕМУ ОПЯТЬ 3 ДНЯ", "AB\n\nCD", " AB CD", "AB-CD EF"]


def corpus() -> list[str]:
    """The texts the patterns meet: the sample's tasks, tags, message texts and subjects, every text written
    in the tests (each string, its lines and its comma-separated fields), and the edges above."""
    sample = relhealth.load_sample()
    texts = [*sample.time_entries["task"].dropna(), *sample.time_entries["tags"].dropna(),
             *sample.crm_activities["text"].dropna(), *sample.crm_activities["subject"].dropna()]
    texts += [tag.strip() for tags in sample.time_entries["tags"].dropna() for tag in tags.split(",")]
    for source in sorted(Path(__file__).parent.glob("test_*.py")):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts += [node.value, *node.value.splitlines(), *node.value.split(",")]
    return list(dict.fromkeys([*texts, *EDGES]))


def test_the_rewritten_shipped_patterns_find_what_the_old_ones_found():
    assert OLD_CHASING not in COLLECTIONS and NEW_CHASING in COLLECTIONS
    assert OLD_CAPITALS not in TONE and NEW_CAPITALS in TONE
    texts = corpus()
    assert len(texts) > 3000
    chasing = [re.compile(p, re.IGNORECASE) for p in (OLD_CHASING, NEW_CHASING)]
    found = [bool(chasing[0].search(t)) for t in texts]
    assert found == [bool(chasing[1].search(t)) for t in texts]
    assert sum(found) >= 20                      # the corpus holds texts either way
    capitals = [re.compile(p, re.IGNORECASE) for p in (OLD_CAPITALS, NEW_CAPITALS)]
    # the tone pages list the words that matched: the same spans, not only the same yes or no
    shouted = [[m.span() for m in capitals[0].finditer(t)] for t in texts]
    assert shouted == [[m.span() for m in capitals[1].finditer(t)] for t in texts]
    assert sum(map(bool, shouted)) >= 10


def test_a_task_of_240_kb_of_chasing_words_is_scored_in_a_second(folder, capsys):
    # before: 80 s (the old chasing pattern tried once per chasing word, each time to the end of the text)
    path = folder({"time_entries.csv": 'date,client,hours,task\n2026-03-02,Acme,2,"' + "chasing " * 30_000 + '"\n'})
    started = time.perf_counter()
    assert main(["score", str(path)]) == 0
    assert time.perf_counter() - started < 5
    row = capsys.readouterr().out.splitlines()[1].split(",")
    assert row[:2] == ["Acme", "2026-03"] and row[8:10] == ["2.00", "0.00"]     # work hours, collection hours


@pytest.mark.parametrize("text", ["A" * 240_000, "AB" * 120_000, "AB " * 80_000, "chasing " * 30_000,
                                  "remind " * 34_000, "!" * 240_000])
def test_every_shipped_pattern_reads_240_kb_in_well_under_a_second(text):
    for pattern in [*(p for ps in SETTINGS["effort"]["categories"].values() for p in ps), *TONE]:
        expression = re.compile(pattern, re.IGNORECASE)
        started = time.perf_counter()
        list(expression.finditer(text))
        assert time.perf_counter() - started < 0.5, pattern


def entries(tasks: list[str], tags: list[str | None] | None = None) -> pd.DataFrame:
    return pd.DataFrame({"date": pd.to_datetime(["2026-03-02"] * len(tasks)), "client": "Acme", "hours": 1.0,
                         "task": pd.Series(tasks, dtype="str"), "tags": pd.Series(tags or [None] * len(tasks), dtype="str"),
                         "category": pd.Series([None] * len(tasks), dtype="str")})


def test_the_category_patterns_read_the_first_2000_characters_of_a_task_and_of_its_tags():
    assert PATTERN_TEXT_LIMIT == 2_000
    early, late = "Invoice follow-up " + "x" * 3_000, "x" * 1_990 + " invoice follow-up"
    found = categorise(entries([early, late, "Design", "Design"], [None, None, "y" * 1_995 + ",dunning", "dunning"]),
                       SETTINGS["effort"]["categories"])
    assert found["category"].tolist() == ["collections", "delivery", "delivery", "collections"]
    cut = "Invoice follow-up " + "x" * 1_982
    assert found["category_rule"][0] == (f"collections: task '{cut}' matches "
                                         r"'\binvoice\s*(follow[- ]?up|reminder|chas|query|dispute)'")


def test_the_tone_patterns_read_the_first_2000_characters_of_a_message():
    texts = pd.Series(["How many times? " + "x" * 3_000, "x" * 2_000 + " how many times", "A" * 240_000 + " B"])
    started = time.perf_counter()
    assert irritated(texts, TONE).tolist() == [True, False, False]
    assert matched_words(texts, TONE).tolist() == ["How many times", "", ""]
    assert time.perf_counter() - started < 1
    shouting = pd.Series(["ГДЕ АКТ " * 100, "ГДЕ АКТ " * 100 + "ну"])
    assert irritated(shouting, TONE).tolist() == [True, False]


def test_tone_patterns_with_a_flag_of_their_own_or_a_back_reference_are_tried_one_by_one():
    # joined into one expression, "(?i)" would stand inside it (an error) and \1 would name another's group
    patterns = [r"(?i)AGAIN", r"\b(no)\s+\1\b", r"\bunacceptable\b"]
    texts = pd.Series(["Again?", "no no and no", "unacceptable, again", "fine"])
    assert irritated(texts, patterns).tolist() == [True, True, True, False]
    assert matched_words(texts, patterns).tolist() == ["Again", "no no", "unacceptable, again", ""]


def test_a_categorys_patterns_join_into_one_expression_when_their_flags_are_their_groups_own():
    assert _any_of(COLLECTIONS) is not None          # (?m:^) joins: texts are searched once per category
    assert _any_of(TONE) is not None
    assert _any_of([r"(?i)x", "y"]) is None


@pytest.mark.parametrize("key, table, pattern, part", [
    ("effort.categories.collections", "[effort.categories]\ncollections", r"^(a+)+$", "(a+)+"),
    ("effort.categories.extra", "[effort.categories]\nextra", r"(a*)*b", "(a*)*"),
    ("effort.categories.account_management", "[effort.categories]\naccount_management", r"\b(a|aa)+\b", "(a|aa)+"),
    ("tone.irritation", "[tone]\nirritation", r"^(\w+\s?)*$", r"(\w+\s?)*"),
])
def test_a_user_pattern_that_repeats_a_repetition_is_refused_naming_the_key(tmp_path, key, table, pattern, part):
    config = tmp_path / "mine.toml"
    config.write_text(f"{table} = ['{pattern}']\n", encoding="utf-8")
    with pytest.raises(InputError) as error:
        load_settings(config)
    assert str(error.value) == (
        f"{config}: {key}: the pattern '{pattern}' repeats a group that itself repeats or chooses ('{part}'), which "
        "can take hours on a long text. Write it without a repeated repetition ('a+' finds what '(a+)+' finds).")


def test_score_refuses_a_user_pattern_that_would_hang_it(folder, tmp_path, capsys):
    # before: 50 s for a task of 30 a's and a '!' (each a more doubles it), a hang for a real task
    path = folder({"time_entries.csv": "date,client,hours,task\n2026-03-02,Acme,2," + "a" * 30 + "!\n"})
    config = tmp_path / "mine.toml"
    config.write_text("[effort.categories]\ncollections = ['^(a+)+$']\n", encoding="utf-8")
    started = time.perf_counter()
    assert main(["score", str(path), "--config", str(config)]) == 1
    assert time.perf_counter() - started < 5
    assert "effort.categories.collections: the pattern '^(a+)+$' repeats a group" in capsys.readouterr().err


@pytest.mark.parametrize("pattern, part", [
    (r"(a+)+", "(a+)+"), (r"(?:x?y){2,}", "(?:x?y){2,}"), (r"(a+){2}", "(a+){2}"), (r"(a+){,3}", "(a+){,3}"),
    (r"(a+)*?", "(a+)*?"), (r"(a+)++", "(a+)++"), (r"((a)+)+", "((a)+)+"), (r"(a(b+))*", "(a(b+))*"),
    (r"(?P<word>a+)+", "(?P<word>a+)+"), (r"(?i:a+)+", "(?i:a+)+"), (r"(?x) (a +) +", "(a +) +"),
    ("(?x)(a+) # a comment\n+", "(a+) # a comment\n+"), (r"(?x:(a+) +)", "(a+) +"),
    (r"(\N{LATIN SMALL LETTER A}+)+", r"(\N{LATIN SMALL LETTER A}+)+"), (r"(a)(?(1)b|c)+", "(?(1)b|c)+"),
])
def test_a_repeated_group_holding_a_quantifier_or_a_choice_is_found_as_written(pattern, part):
    assert repeated_repetition(pattern) == part


@pytest.mark.parametrize("pattern", [
    r"(a+)?", r"(a+){1}", r"(a+){0,1}", r"(ab)+", r"(a[+*]b)+", r"(a\+b)+", r"\(a+\)+", r"[(a+)+]", r"[]a+]+",
    r"(?=a+)b", r"x{2,3}", r"(a){2}", r"a{}", r"(a{x})+", r"(a)\1+", r"(?#(a+)x", r"(?x)(a+) # c +",
    r"(?x)(?-x:(a+) +)", r"\N{LATIN SMALL LETTER A}+", r"(the\s+)?(monthly\s+)?invoice",
])
def test_a_pattern_that_only_looks_like_a_repeated_repetition_is_accepted(pattern):
    re.compile(pattern)
    assert repeated_repetition(pattern) is None


def test_every_shipped_pattern_is_accepted():
    shipped = [*(p for ps in SETTINGS["effort"]["categories"].values() for p in ps), *TONE]
    assert [p for p in shipped if repeated_repetition(p) is not None] == []


def test_a_text_over_the_limit_is_noted_naming_its_file_rows_and_column(folder):
    long_task = "chasing " * 300                         # 2,400 characters, 2,399 once trimmed
    path = folder({
        "time_entries.csv": f'date,client,hours,task\n2026-03-02,Acme,1,Design\n2026-03-03,Acme,1,"{long_task}"\n'
                            f'2026-03-04,Acme,1,"{"x" * 2_001}"\n2026-03-05,Beta,1,"{"y" * 2_000}"\n',
        "crm_activities.csv": f'date,client,kind,subject\n2026-03-02,Beta,email_in,"{"z" * 5_000}"\n'})
    data = relhealth.read_dataset(path)
    quality = DataQuality()
    note_long_texts(data.time_entries, quality)
    note_long_texts(data.crm_activities, quality)
    assert [str(note).replace(str(path), "{d}") for note in quality] == [
        "{d}/time_entries.csv rows 3, 4, column task: texts over 2000 characters (the longest of 2399 characters): "
        "the patterns of [effort.categories] and [tone] read only the first 2000 characters of each.",
        "{d}/crm_activities.csv row 2, column subject: a text of 5000 characters, more than the patterns of "
        "[effort.categories] and [tone] read: they read its first 2000 characters.",
    ]
    assert [note.client for note in quality] == ["Acme", "Beta"]


def test_validate_shows_the_note_of_a_text_over_the_limit(folder, capsys):
    path = folder({"time_entries.csv": f'date,client,hours,task\n2026-03-02,Acme,1,"{"x" * 2_001}"\n'})
    assert main(["validate", str(path)]) == 0
    assert (f"{path}/time_entries.csv row 2, column task: a text of 2001 characters, more than the patterns of "
            "[effort.categories] and [tone] read: they read its first 2000 characters.") in capsys.readouterr().out
