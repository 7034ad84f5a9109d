"""What an unknown export looks like, and the start of a ``[mapping]`` that reads it.

An export relhealth has no format for is read through a mapping of its columns (:mod:`.formats`). To
write one, a user needs to know which of the export's columns is which canonical column: this module
guesses that from the column names that invoicing tools, time trackers and CRMs use (in English, Russian
and German), so that the message refusing a file, and ``relhealth mapping FILE``, can start the mapping.
A guess is only ever shown to be checked; nothing is read through it until the user puts it in a settings
file.
"""
from __future__ import annotations

import re

from relhealth.columns import CLIENTS, CRM_ACTIVITIES, INVOICES, TABLES, TASKS, TIME_ENTRIES, TableSpec
from relhealth.io.text import clean_header

#: Per table, per canonical column: the names the exports of other tools give it (compared after
#: :func:`clean_header` and without ``*``, ``#``, ``№`` and ``()``). The first name a header has wins.
NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    INVOICES.name: {
        "invoice": ("invoice", "invoice number", "invoice no", "invoice no.", "invoice id", "invoice num",
                    "number", "номер", "номер счета", "номер счёта", "счет", "счёт", "rechnungsnummer"),
        "client": ("client", "customer", "customer name", "client name", "contact", "contactname",
                   "contact name", "company", "клиент", "покупатель", "контрагент", "компания", "kunde"),
        "issued": ("issue date", "issued", "invoice date", "date issued", "date", "created", "дата",
                   "дата счета", "дата счёта", "дата выставления", "rechnungsdatum", "datum"),
        "due": ("due date", "due", "date due", "срок оплаты", "оплатить до", "fälligkeitsdatum", "fällig am"),
        "amount": ("total", "amount", "invoice amount", "invoice total", "total amount", "сумма", "итого",
                   "сумма счета", "betrag", "gesamtbetrag"),
        "currency": ("currency", "currency code", "валюта", "währung"),
        "paid_on": ("paid date", "date paid", "paid on", "payment date", "last payment date", "дата оплаты",
                    "bezahlt am"),
        "paid_amount": ("paid amount", "amount paid", "paid", "payments", "оплачено", "сумма оплаты",
                        "bezahlt"),
        "balance": ("balance", "amount due", "balance due", "due amount", "outstanding", "остаток",
                    "к оплате", "долг", "offener betrag"),
        "status": ("status", "invoice status", "state", "статус", "состояние"),
    },
    TIME_ENTRIES.name: {
        "date": ("date", "start date", "work date", "spent on", "day", "дата", "дата начала", "datum"),
        "client": ("client", "customer", "account", "client name", "customer name", "клиент", "заказчик",
                   "kunde"),
        "hours": ("hours", "duration", "time", "time (h)", "duration (h)", "duration (decimal)",
                  "hours worked", "logged hours", "часы", "длительность", "продолжительность", "время",
                  "stunden", "dauer"),
        "project": ("project", "project name", "проект", "projekt"),
        "person": ("user", "person", "employee", "username", "full name", "name", "сотрудник",
                   "пользователь", "исполнитель", "benutzer", "mitarbeiter"),
        "task": ("description", "notes", "task", "issue summary", "work description", "comment",
                 "описание", "задача", "комментарий", "beschreibung", "tätigkeit"),
        "tags": ("tags", "labels", "теги", "метки"),
        "billable": ("billable", "billable?", "оплачиваемое", "abrechenbar"),
    },
    CRM_ACTIVITIES.name: {
        "date": ("date", "activity date", "due date", "start date", "start time", "created", "create date",
                 "дата", "дата начала", "срок", "дата создания", "datum"),
        "client": ("client", "company", "organization", "organisation", "account", "associated company",
                   "organization name", "company name", "account name", "клиент", "компания",
                   "организация", "firma", "kunde"),
        "kind": ("type", "activity type", "kind", "event", "тип", "тип дела", "вид", "typ", "art"),
        "subject": ("subject", "title", "activity subject", "name", "тема", "название", "betreff"),
        "contact": ("contact", "person", "contact name", "person name", "контакт", "kontakt"),
        "direction": ("direction", "направление", "richtung"),
    },
    TASKS.name: {
        "client": ("client", "customer", "клиент", "заказчик", "kunde"),
        "task": ("summary", "name", "task", "title", "task name", "название", "задача", "тема"),
        "due": ("due date", "due", "deadline", "due on", "крайний срок", "срок", "fällig"),
        "done": ("resolved", "completed at", "completed", "done", "date done", "closed", "дата закрытия",
                 "завершена"),
        "id": ("issue key", "task id", "id", "key", "ключ"),
        "status": ("status", "state", "статус"),
        "project": ("project name", "project", "projects", "проект"),
        "created": ("created", "created at", "дата создания"),
    },
}

#: Words in a column name that only a table of records has: a file whose header holds them is an export
#: of invoices, time or activities, never a client list.
_RECORD_WORDS = {
    INVOICES.name: r"invoice|amount|balance|paid|due\b|total|issue|\bsubtotal|\btax\b|сч[её]т|сумм|оплат|"
                   r"итог|долг|rechnung|betrag",
    TIME_ENTRIES.name: r"hours|duration|\bstart|\bend\b|\btime\b|timesheet|worklog|час|длительн|"
                       r"продолжительн|stunden|dauer",
    CRM_ACTIVITIES.name: r"activit|\btype\b|subject|meeting|outcome|\bdeal|\bcall\b|дело|дела\b|тип|"
                         r"тема|событ|сделк|встреч|звонок|aktivität|betreff",
    TASKS.name: r"\bissue|\btask|summary|resolved|deadline|completed|крайний срок|задач",
}


def _key(name: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[*#№()]", " ", clean_header(name))).strip()


def _fits(name: str, names: tuple[str, ...]) -> bool:
    return _key(name) in {_key(n) for n in names}


def looks_like(header: list[str]) -> TableSpec | None:
    """The table of records (invoices, time entries, CRM activities) a header looks like, None for a
    header with no column of records (amounts, durations, activity types, ...): a client list, or
    something else. Of the tables it has record columns of, the one whose required columns are best
    guessed (:func:`guess_columns`) wins, then the one with the most record columns."""
    counts = {table: sum(bool(re.search(words, clean_header(c))) for c in header)
              for table, words in _RECORD_WORDS.items()}
    if not any(counts.values()):
        return None

    def fit(spec: TableSpec) -> tuple[float, int]:
        guessed = guess_columns(header, spec)
        return sum(c in guessed for c in spec.required) / len(spec.required), counts[spec.name]
    return max((spec for spec in TABLES if counts.get(spec.name)), key=fit)


def guess_columns(header: list[str], spec: TableSpec) -> dict[str, str]:
    """The export's column (as written) most likely to be each canonical column of ``spec``; a column
    is guessed for one canonical column at most."""
    guessed: dict[str, str] = {}
    for canonical, names in NAMES.get(spec.name, {}).items():
        for name in names:
            found = next((c for c in header if c not in guessed.values() and _key(c) == _key(name)), None)
            if found is not None:
                guessed[canonical] = found
                break
    return guessed


def _toml(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def columns_line(header: list[str], spec: TableSpec) -> str:
    """``columns = { ... }`` of a mapping for ``header``: the guessed column of each required column,
    ``"?"`` where none is guessed, and the guessed optional columns."""
    guessed = guess_columns(header, spec)
    parts = [f"{c} = {_toml(guessed.get(c, '?'))}" for c in spec.required]
    parts += [f"{c} = {_toml(guessed[c])}" for c in spec.optional if c in guessed]
    return "columns = { " + ", ".join(parts) + " }"


def starter_mapping(header: list[str], name: str, spec: TableSpec | None = None) -> str:
    """The text of a ``[mapping.<name>]`` settings section for an export with ``header``, to check and
    fill in: the table it looks like, the columns guessed, and the header as a comment."""
    spec = spec or looks_like(header) or CLIENTS
    slug = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "my_export"
    missing = [c for c in spec.required if c not in guess_columns(header, spec)]
    lines = [
        f"# A mapping for {name}: check each guess, replace every \"?\" with a column of the file, and put",
        "# this in a settings file passed with --config (docs/data-format.md, \"Exports relhealth does not know\").",
        f"# The file's columns: {', '.join(header)}",
        f"[mapping.{slug}]",
        f"table = {_toml(spec.name)}       # one of: {', '.join(t.name for t in TABLES)}",
        columns_line(header, spec),
    ]
    if missing:
        lines.append(f"# not guessed: {', '.join(missing)}. A column the file lacks may be set to one value for "
                     "every row, e.g. set = { currency = \"RUB\" }")
    if spec is CRM_ACTIVITIES:
        lines.append("values.kind = { }        # the file's activity types -> rubric kinds, e.g. Meeting = \"meeting_held\"")
    lines.append("rules = []")
    return "\n".join(lines) + "\n"


#: The examples of an empty register, per language: its delimiter, header and rows. Each row's date starts
#: with ``#``, so the examples are not counted until a user removes it (or deletes the row).
REGISTER_TEMPLATES = {
    "en": (",", ["date", "client", "kind", "subject", "contact", "weight"], [
        ["# 2026-03-02", "Northwind", "praise", "Thanked us for the launch", "Jane Roe", ""],
        ["# 2026-03-05", "Northwind", "deadline missed", "Banners sent two days late", "", ""],
        ["# 2026-03-10", "Northwind", "complaint", "Unhappy with the report format", "Jane Roe", ""],
        ["# 2026-03-12", "Northwind", "extra sold", "The free audit, named as a bonus", "", ""],
    ]),
    "ru": (";", ["Дата", "Клиент", "Событие", "Описание", "Контакт", "Вес"], [
        ["# 02.03.2026", "ООО Ромашка", "Похвала", "Поблагодарили за запуск сайта", "Иван Петров", ""],
        ["# 05.03.2026", "ООО Ромашка", "Срыв срока", "Баннеры сдали на два дня позже", "", ""],
        ["# 10.03.2026", "ООО Ромашка", "Жалоба", "Недовольны форматом отчёта", "Иван Петров", ""],
        ["# 12.03.2026", "ООО Ромашка", "Бонус", "Аудит сделали бесплатно и назвали бонусом", "", ""],
    ]),
}


def register_template(language: str) -> str:
    """An empty register (``register.csv``) for account managers: the header and a few example rows,
    each commented out with ``#`` at the start of its date. Kinds may be written in words (``Жалоба``)."""
    import csv
    import io

    delimiter, header, rows = REGISTER_TEMPLATES[language]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([header, *rows])
    return out.getvalue()


__all__ = ["NAMES", "REGISTER_TEMPLATES", "columns_line", "guess_columns", "looks_like", "register_template",
           "starter_mapping"]
