"""A register kept by hand, kinds in plain words (DESIGN sections 2 and 3): [eba.aliases] and
``relhealth template register``."""
from __future__ import annotations

import re

import pandas as pd
import pytest

import relhealth
from relhealth.cli import main
from relhealth.settings import load_settings

SETTINGS = load_settings()

REGISTER_RU = """\
    Дата;Клиент;Событие;Описание;Контакт;Вес
    # 02.03.2026;ООО Ромашка;Похвала;Пример;;
    03.03.2026;ООО Ромашка;Похвала;Поблагодарили за запуск;Иван Петров;
    05.03.2026;ООО «Ромашка»;Срыв срока;Баннеры на два дня позже;;
    10.03.2026;ООО Ромашка;претензия;Недовольны отчётом;Иван Петров;
    12.03.2026;ООО Ромашка;Благодарность;За быстрый ответ;;
    13.03.2026;ООО Ромашка;Бонус;Аудит назвали бонусом;;
    20.03.2026;ООО Ромашка;эскалация;Написали директору;;
    25.03.2026;ООО Ромашка;сорвали срок;Отчёт опоздал;;2
"""


def test_a_russian_register_scores_without_a_settings_file(folder):
    path = folder({"журнал.csv": REGISTER_RU})
    data = relhealth.read_dataset(path)
    assert data.files[0].format == "register (Russian)"
    assert data.crm_activities["kind"].tolist() == [
        "praise", "deadline_missed", "complaint", "praise", "extra_sold", "escalation", "deadline_missed"]
    row = relhealth.month_review(data, SETTINGS, "2026-03").set_index("client").loc["ООО Ромашка"]
    # deposits: Похвала 3 + Благодарность 3 + Бонус 3; withdrawals: Срыв срока -5, претензия -4, эскалация -8,
    # and the last row's own weight, 2, in place of deadline_missed's -5
    assert (row["eba_deposits"], row["eba_withdrawals"]) == (11.0, -17.0)
    assert [(n.code, n.rows) for n in data.quality] == [("left_out", (2,))]


def test_the_shipped_aliases_name_every_kind_in_english_and_in_russian():
    weights, aliases = SETTINGS.values["eba"]["weights"], SETTINGS.values["eba"]["aliases"]
    assert set(aliases.values()) <= set(weights)
    for kind in set(weights) - {"slow_reply"}:          # slow_reply is only ever derived
        words = [w for w, k in aliases.items() if k == kind]
        assert any(re.search("[a-z]", w) for w in words), kind
        assert any(re.search("[а-я]", w) for w in words), kind


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_register_template_reads_as_it_is_and_counts_a_row_once_its_hash_is_removed(folder, tmp_path, lang,
                                                                                         capsys):
    out = tmp_path / "register.csv"
    assert main(["template", "register", "--lang", lang, "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8-sig")
    path = folder({"register.csv": text})
    empty = relhealth.read_dataset(path)
    assert empty.crm_activities.empty
    assert [(n.code, n.rows) for n in empty.quality] == [("left_out", (2, 3, 4, 5))]
    # the first two examples kept: a praise (+3) and a missed deadline (-5)
    lines = text.splitlines()
    kept = "\n".join([lines[0], lines[1].removeprefix("# "), lines[2].removeprefix("# ")]) + "\n"
    data = relhealth.read_dataset(folder({"register.csv": kept}))
    assert data.crm_activities["kind"].tolist() == ["praise", "deadline_missed"]
    assert data.crm_activities["date"].tolist() == [pd.Timestamp("2026-03-02"), pd.Timestamp("2026-03-05")]
    assert main(["template", "register", "--lang", lang, "--out", str(out)]) == 2
    assert "will not overwrite" in capsys.readouterr().err
