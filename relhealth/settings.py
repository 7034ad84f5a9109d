"""Settings (DESIGN section 4a): the TOML file shipped inside the package, overridden key by key by a
user's file given with ``--config``.

Tables merge; a key the user sets replaces the default value. Fixed tables accept only the keys of the
shipped file; open tables (``eba.weights``, ``eba.bands``) accept any name. Every value must have the
type of its default (any number where a number is asked), and every pattern must compile.
"""
from __future__ import annotations

import copy
import difflib
import hashlib
import json
import math
import re
import tomllib
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from relhealth.columns import TABLES
from relhealth.errors import InputError, Problem, UsageError

DEFAULT_SETTINGS = Path(__file__).with_name("settings.toml")

#: Tables whose keys the user names: kind = weight, band = lower bound.
OPEN_TABLES = {"eba.weights": float, "eba.bands": float}
#: Words people write for the rubric's kinds (word = kind): any word, each naming a kind of ``eba.weights``.
ALIASES = "eba.aliases"
#: Tables whose values are lists of regular expressions.
PATTERN_TABLES = {"effort.categories", "tone"}
#: The characters of a text (a time entry's task, its tags, a message) that the patterns read: Python's
#: ``re`` backtracks, so a pattern's time on a text can grow with the square of its length or worse; a
#: text cut here bounds it, and a longer one is noted (``long_text``).
PATTERN_TEXT_LIMIT = 2_000


@dataclass(frozen=True)
class Settings:
    """The effective settings: the merged values, the files they came from, and a short fingerprint."""

    values: dict
    files: tuple[str, ...]

    def __getitem__(self, key: str):
        return self.values[key]

    @property
    def fingerprint(self) -> str:
        """12 hex digits of a SHA-256 over the effective values but the pages' language (words change no
        number): equal settings, equal fingerprint, so an English and a Russian page of one run compare."""
        values = {**self.values, "report": {k: v for k, v in self.values["report"].items() if k != "language"}}
        canonical = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def with_language(self, language: str | None) -> Settings:
        """These settings with the pages in ``language`` (``--lang``; None: as they are)."""
        if language is None or language == self.values["report"]["language"]:
            return self
        allowed = CHOICES[("report", "language")][0]
        if language not in allowed:
            raise UsageError(f"--lang {language}: the pages are written in {', '.join(allowed)}.")
        return self.with_value("report", "language", language)

    def with_value(self, table: str, key: str, value) -> Settings:
        """These settings with ``[table] key`` set to ``value`` (``table`` may be dotted: ``eba``)."""
        values = copy.deepcopy(self.values)
        values[table][key] = value
        return Settings(values, self.files)

    @property
    def known_kinds(self) -> set[str]:
        """The kinds the rubric gives a weight to."""
        return set(self.values["eba"]["weights"])

    @property
    def read_options(self) -> dict:
        """The arguments of :func:`relhealth.io.read_dataset` that the settings decide."""
        return {"known_kinds": self.known_kinds, "aliases": self.values["eba"]["aliases"],
                "date_order": self.values["input"]["date_order"] or None,
                "mappings": self.values[MAPPINGS], "people": self.values["people"],
                "timezone": self.values["report"]["timezone"]}


#: The most a settings file may hold: a real one is a few kilobytes; a device such as /dev/zero never ends.
SETTINGS_LIMIT = 1_000_000


def _read_toml(path: Path) -> dict:
    try:
        with path.open("rb") as handle:
            raw = handle.read(SETTINGS_LIMIT + 1)
    except FileNotFoundError:
        raise InputError(Problem(str(path), "no such settings file. Give the path of a TOML file.")) from None
    if len(raw) > SETTINGS_LIMIT:
        raise InputError(Problem(str(path), f"holds more than {SETTINGS_LIMIT:,} bytes, which no settings file does. "
                                            "Give the path of a TOML file (docs/settings.md).")) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise InputError(Problem(str(path), f"line {line}: the byte at offset {exc.start} (0x{raw[exc.start]:02x}) is not UTF-8. "
                                            "Save the settings file as UTF-8 and run again.")) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(Problem(str(path), f"is not valid TOML ({exc}). Correct the file and run again.")) from None


def load_settings(config: str | Path | None = None) -> Settings:
    """The shipped settings, overridden key by key by ``config`` when given.

    Raises
    ------
    InputError : naming the file and the key, for an unknown key in a fixed table, a value of the wrong
        type, or a pattern that does not compile.
    """
    defaults = _read_toml(DEFAULT_SETTINGS)
    defaults[MAPPINGS] = {name: _complete(mapping) for name, mapping in defaults[MAPPINGS].items()}
    if config is None:
        return Settings(defaults, (str(DEFAULT_SETTINGS),))
    config = Path(config)
    user = _read_toml(config)
    problems: list[Problem] = []
    merged = _merge(defaults, user, "", str(config), problems)
    if not problems:
        _check_numbers(merged, str(config), problems)
        _check_references(merged, str(config), problems)
        _check_aliases(merged, str(config), problems)
        _check_mappings(merged, str(config), problems)
    if problems:
        raise InputError(problems)
    return Settings(merged, (str(DEFAULT_SETTINGS), str(config)))


def _merge(default: dict, user: dict, prefix: str, file: str, problems: list[Problem]) -> dict:
    merged = copy.deepcopy(default)
    for key, value in user.items():
        path = f"{prefix}{key}"
        table = prefix.rstrip(".")
        if table == MAPPINGS:
            if not isinstance(value, dict):
                problems.append(Problem(file, f"{path} must be a table, not {_describe(value)}."))
            else:
                merged[key] = _merge_mapping(default.get(key), value, path, file, problems)
            continue
        if table == ALIASES:
            if not isinstance(value, str) or not value.strip():
                problems.append(Problem(file, f"{path} must name a kind of [eba.weights] in quotes, not {_describe(value)}."))
            else:
                merged[key] = value
            continue
        if table in OPEN_TABLES:
            if not _is_number(value):
                problems.append(Problem(file, f"{path} must be a number, not {_describe(value)}."))
            else:
                merged[key] = value
            continue
        if key not in default:
            close = difflib.get_close_matches(key, list(default), n=1)
            hint = f" Did you mean {prefix}{close[0]}?" if close else (
                f" The keys here are: {', '.join(prefix + k for k in default)}.")
            problems.append(Problem(file, f"{path} is not a setting.{hint}"))
            continue
        expected = default[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                problems.append(Problem(file, f"{path} must be a table, not {_describe(value)}."))
            else:
                merged[key] = _merge(expected, value, f"{path}.", file, problems)
        elif table in PATTERN_TABLES:
            merged[key] = _patterns(value, path, file, problems)
        elif _is_number(expected):
            if not _is_number(value):
                problems.append(Problem(file, f"{path} must be a number, not {_describe(value)}."))
            else:
                merged[key] = value
        elif type(value) is not type(expected):
            problems.append(Problem(file, f"{path} must be {_describe(expected, article=True)}, not "
                                          f"{_describe(value)}."))
        else:
            merged[key] = value
    return merged


#: Settings that name a key of another table: setting -> (table, what the table holds).
REFERENCES = {("quadrant", "high_trust_band"): ("eba", "bands"), ("quadrant", "high_cost_flag"): ("effort", "flags")}


#: The table of export mappings: each entry names one, and holds these keys of these types.
MAPPINGS = "mapping"
MAPPING_KEYS = {"table": str, "columns": dict, "set": dict, "values": dict, "rules": list, "split": dict,
                "lines": bool, "due_days": int}
#: A mapping's keys left out: no constant, no rewrite, no rule, no list split, one row per record.
MAPPING_DEFAULTS = {"table": "", "columns": {}, "set": {}, "values": {}, "rules": [], "split": {}, "lines": False,
                    "due_days": None}
#: The keys of a mapping that merge with a preset's key by key; the others replace it.
_MERGED_KEYS = ("columns", "set", "split")


def _complete(mapping: dict) -> dict:
    return {**copy.deepcopy(MAPPING_DEFAULTS), **mapping}


def _merge_mapping(default: dict | None, user: dict, path: str, file: str, problems: list[Problem]) -> dict:
    """A mapping merged key by key: ``columns``, ``set``, ``split`` and each column's ``values`` merge,
    ``table``, ``rules`` and ``lines`` are replaced."""
    merged = _complete(copy.deepcopy(default) if default else {})
    for key, value in user.items():
        if key not in MAPPING_KEYS:
            close = difflib.get_close_matches(key, list(MAPPING_KEYS), n=1)
            hint = f" Did you mean {path}.{close[0]}?" if close else f" The keys are: {', '.join(MAPPING_KEYS)}."
            problems.append(Problem(file, f"{path}.{key} is not a setting of a mapping.{hint}"))
        elif not isinstance(value, MAPPING_KEYS[key]):
            problems.append(Problem(file, f"{path}.{key} must be {_describe(MAPPING_KEYS[key](), article=True)}, "
                                          f"not {_describe(value)}."))
        elif key in _MERGED_KEYS:
            merged[key].update(value)
        elif key == "values":
            for column, table in value.items():
                if isinstance(table, dict):
                    merged["values"].setdefault(column, {}).update(table)
                else:
                    merged["values"][column] = table
        else:
            merged[key] = value
    return merged


def _check_mappings(values: dict, file: str, problems: list[Problem]) -> None:
    """Every mapping names a canonical table, maps each of its required columns to a column of the
    export, and rewrites only canonical columns."""
    specs = {spec.name: spec for spec in TABLES}
    for name, mapping in values.get(MAPPINGS, {}).items():
        where = f"{MAPPINGS}.{name}"
        spec = specs.get(mapping["table"])
        if spec is None:
            problems.append(Problem(file, f"{where}.table = {mapping['table']!r} is not a table. Use one of: "
                                          f"{', '.join(specs)}."))
            continue
        def unknown(columns) -> list[str]:
            return [c for c in columns if c not in spec.columns]
        for key in ("columns", "set", "values", "split"):
            for column in unknown(mapping[key]):
                problems.append(Problem(file, f"{where}.{key}.{column} is not a column of {spec.name}. Its columns "
                                              f"are: {', '.join(spec.columns)}."))
        if not all(isinstance(v, str) and v.strip() or isinstance(v, list) and v and all(isinstance(x, str) and x.strip()
                                                                                   for x in v)
                   for v in mapping["columns"].values()):
            problems.append(Problem(file, f"{where}.columns must map each column to the name of a column in the export "
                                          "(or a list of names, each row taking the first that holds a value: "
                                          '["Organization", "Company"]).'))
        if not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in mapping["set"].values()):
            problems.append(Problem(file, f"{where}.set must give each column one value in quotes, such as "
                                          'currency = "RUB".'))
        if not all(isinstance(v, str) and v for v in mapping["split"].values()):
            problems.append(Problem(file, f"{where}.split must give each column the text between its parts, such as "
                                          'client = ";".'))
        derived = {"due"} if mapping["due_days"] is not None else set()
        missing = [c for c in spec.required if c not in mapping["columns"] and c not in mapping["set"] and c not in derived]
        if missing:
            problems.append(Problem(file, f"{where}.columns must name the export's column for {', '.join(missing)} "
                                          f"(or {where}.set one value for every row)."))
        if mapping["due_days"] is not None and (spec.name != "invoices" or mapping["due_days"] < 0):
            problems.append(Problem(file, f"{where}.due_days is for invoices without a due date: 0 or more days "
                                          "after the issue date."))
        if mapping["lines"] and spec.name != "invoices":
            problems.append(Problem(file, f"{where}.lines is for invoices: a table of {spec.name} has no invoice lines."))
        for i, rule in enumerate(mapping["rules"], start=1):
            problems += _rule_problems(rule, i, where, spec, file)


def _check_aliases(values: dict, file: str, problems: list[Problem]) -> None:
    """Every word of ``[eba.aliases]`` names a kind the rubric weighs."""
    kinds = values["eba"]["weights"]
    for word, kind in values["eba"]["aliases"].items():
        if kind not in kinds:
            close = difflib.get_close_matches(kind, list(kinds), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else " Add it to [eba.weights] first."
            problems.append(Problem(file, f"eba.aliases.{word} = {kind!r} is not a kind of [eba.weights].{hint}"))


def _rule_problems(rule, i: int, where: str, spec, file: str) -> list[Problem]:
    """A rule is ``{ when = { column = value or [values], ... }, set = { column = value, ... } }``, or
    ``skip = "why"`` in place of (or beside) ``set``; it sets canonical columns only."""
    def values_ok(when: dict) -> bool:
        return all(isinstance(v, str) or (isinstance(v, list) and v and all(isinstance(x, str) for x in v))
                   for v in when.values())
    shape = (isinstance(rule, dict) and isinstance(rule.get("when"), dict) and rule["when"] and values_ok(rule["when"])
             and not set(rule) - {"when", "set", "skip"} and ("set" in rule or "skip" in rule)
             and (isinstance(rule.get("set"), dict) and rule["set"] if "set" in rule else True)
             and (isinstance(rule.get("skip"), str) and rule["skip"].strip() if "skip" in rule else True))
    if not shape:
        return [Problem(file, f"{where}.rules: rule {i} must be {{ when = {{ column = value, ... }}, set = {{ column = "
                              'value, ... } }, or { when = { ... }, skip = "why the row is no record" }.')]
    return [Problem(file, f"{where}.rules: rule {i} sets {column!r}, not a column of {spec.name}.")
            for column in rule.get("set", {}) if column not in spec.columns]


#: Settings that take one of a few words, and what the words mean.
CHOICES = {("input", "date_order"): (("", "dmy", "mdy"), '"dmy" reads 03/04/2026 as 3 April, "mdy" as March 4, '
                                                          'and "" lets the dates of each file tell'),
           ("report", "language"): (("en", "ru"), "the languages of the pages, English and Russian")}


#: Settings that must lie in a range, with what they count: the date arithmetic of the scoring holds
#: within these, and a negative time or count means nothing.
RANGES = {("eba", "half_life_days"): (0, 36_500, "days (0 switches decay off)"),
          ("signals", "reply_sla_hours"): (0, 8_760, "hours"), ("signals", "recap_hours"): (0, 8_760, "hours"),
          ("backtest", "horizon_months"): (1, 120, "months"), ("backtest", "churn_months"): (1, 120, "months"),
          ("backtest", "late_days"): (0, 3_650, "days"), ("backtest", "lead_months"): (0, 120, "months"),
          ("tasks", "early_days"): (0, 3_650, "days"), ("tasks", "grace_days"): (0, 3_650, "days")}
#: Tables of names and numbers (bounds, weights, thresholds) whose every number must be finite.
FINITE_TABLES = ("eba.weights", "eba.bands", "effort.flags", "signals.ignored_advice", "signals.payment_burden",
                 "signals.excessive_demands", "signals.no_feedback", "signals.no_partnership", "signals.friction",
                 "signals.hostility", "signals.conversation")


def _check_numbers(values: dict, file: str, problems: list[Problem]) -> None:
    """Numbers that make no sense: out of their range (``RANGES``), not finite (TOML writes ``inf`` and
    ``nan``), two bands or two flags at the same bound."""
    for (table, key), (low, high, unit) in RANGES.items():
        value = values[table][key]
        if not (isinstance(value, (int, float)) and math.isfinite(value) and low <= value <= high):
            problems.append(Problem(file, f"{table}.{key} = {value!r} must be from {low:g} to {high:,} {unit}."))
    if not math.isfinite(values["eba"]["opening_balance"]):
        problems.append(Problem(file, f"eba.opening_balance = {values['eba']['opening_balance']!r} must be a finite "
                                      "number."))
    for path in FINITE_TABLES:
        table, _, sub = path.partition(".")
        for key, value in values[table][sub].items():
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isfinite(value):
                problems.append(Problem(file, f"{path}.{key} = {value!r} must be a finite number."))
    for path in ("eba.bands", "effort.flags"):
        table, _, sub = path.partition(".")
        bounds = values[table][sub]
        same = [name for name, bound in bounds.items() if list(bounds.values()).count(bound) > 1]
        if same:
            problems.append(Problem(file, f"{path}: {', '.join(same)} have the same bound; give each its own, so "
                                          "that each value has one name."))


def _check_references(values: dict, file: str, problems: list[Problem]) -> None:
    for (table, key), (allowed, meaning) in CHOICES.items():
        if values[table][key] not in allowed:
            words = ", ".join(f"'{a}'" for a in allowed)
            problems.append(Problem(file, f"{table}.{key} = {values[table][key]!r} is not one of {words}: "
                                          f"{meaning}."))
    try:
        zoneinfo.ZoneInfo(values["report"]["timezone"])
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(Problem(file, f"report.timezone = {values['report']['timezone']!r} is no time zone. Use an "
                                      "IANA name such as \"UTC\", \"Europe/Moscow\" or \"Europe/Berlin\"."))
    for (table, key), (ref_table, ref_key) in REFERENCES.items():
        name, names = values[table][key], list(values[ref_table][ref_key])
        if name not in names:
            problems.append(Problem(file, f"{table}.{key} = {name!r} names no entry of [{ref_table}.{ref_key}]. "
                                          f"Use one of: {', '.join(names)}."))


def _patterns(value, path: str, file: str, problems: list[Problem]):
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        problems.append(Problem(file, f"{path} must be a list of regular expressions in quotes."))
        return value
    for pattern in value:
        try:
            re.compile(pattern)
        except re.error as exc:
            problems.append(Problem(file, f"{path}: the pattern '{pattern}' does not compile ({exc})."))
            continue
        part = repeated_repetition(pattern)
        if part is not None:
            problems.append(Problem(file, f"{path}: the pattern '{pattern}' repeats a group that itself repeats or "
                                          f"chooses ('{part}'), which can take hours on a long text. Write it "
                                          "without a repeated repetition ('a+' finds what '(a+)+' finds)."))
    return value


#: A quantifier as Python's ``re`` reads it: ``*``, ``+``, ``?`` or ``{m}``, ``{m,}``, ``{,n}``, ``{m,n}``
#: (``{}`` and ``{x}`` are literal braces), then ``?`` (lazy) or ``+`` (possessive).
_QUANTIFIER = re.compile(r"(?:[*+?]|\{(\d*)(,?)(\d*)\}(?<!\{\}))[?+]?")


def repeated_repetition(pattern: str) -> str | None:
    """The first group of ``pattern`` (a pattern that compiles) that is repeated and holds a quantifier or a
    choice, with its quantifier, as written: ``(a+)+``, ``(a*)*``, ``(a|aa)+``, ``(\\w+\\s?)*``,
    ``(?:x?y){2,}``; None when there is none.

    Such a group can match one text in exponentially many ways, and Python's ``re`` tries them all before
    it gives up. A group is repeated by ``*``, ``+`` or braces allowing more than one; ``?`` and ``{0,1}``
    only make it optional. The scan reads the pattern's text: escapes, classes ``[...]``, comments
    ``(?#...)``, and in verbose mode (``(?x)``) white space and ``#`` comments, between an item and its
    quantifier too."""
    # each open group: [where it starts, whether it holds a quantifier or a choice, verbose inside]
    groups: list[list] = [[0, False, False]]
    last: tuple[int, bool] | None = None     # the item a quantifier would apply to: its start, its inner flag
    i, n = 0, len(pattern)
    while i < n:
        ch, verbose = pattern[i], groups[-1][2]
        if verbose and ch.isspace():
            i += 1
            continue
        if verbose and ch == "#":
            end = pattern.find("\n", i)
            i = n if end < 0 else end + 1
            continue
        quantifier = _QUANTIFIER.match(pattern, i) if last is not None else None
        if quantifier is not None:
            low, comma, high = quantifier.group(1, 2, 3)
            braces = quantifier.group(0).startswith("{")
            repeats = not braces and ch != "?" or braces and (
                (comma and (not high or int(high) > 1)) or (not comma and int(low or 0) > 1))
            start, inner = last
            if repeats and inner:
                return pattern[start:quantifier.end()]
            groups[-1][1] = True
            last, i = None, quantifier.end()
            continue
        if ch == "\\":
            last, i = (i, False), _escape_end(pattern, i)
        elif ch == "[":
            last, i = (i, False), _class_end(pattern, i)
        elif ch == "|":
            groups[-1][1], last, i = True, None, i + 1
        elif ch == "(":
            start = i
            i, kind, flags = _group_opening(pattern, i)
            if kind == "flags":                  # (?x) and the like: flags for the whole pattern, no item
                groups[-1][2] = verbose or "x" in flags.partition("-")[0]
                last = None
            elif kind == "item":                 # (?#...): nothing; (?P=name): a back-reference, one item
                last = None if pattern.startswith("(?#", start) else (start, False)
            else:
                on, _, off = flags.partition("-")
                groups.append([start, False, "x" in on or verbose and "x" not in off])
                last = None
        elif ch == ")":
            start, inner, _ = groups.pop()
            groups[-1][1] = groups[-1][1] or inner
            last, i = (start, inner), i + 1
        else:
            last, i = (i, False), i + 1
    return None


def _escape_end(pattern: str, i: int) -> int:
    """Where the escape at ``i`` ends: ``\\N{NAME}`` with its braces, any other after its letter (digits
    and hex digits that follow read as literals, which quantify alike)."""
    if pattern.startswith("\\N{", i):
        return pattern.index("}", i) + 1
    return i + 2


def _class_end(pattern: str, i: int) -> int:
    """Where the class ``[...]`` at ``i`` ends: a ``]`` first (after ``^``) is a member, escapes are skipped."""
    j = i + 1
    if j < len(pattern) and pattern[j] == "^":
        j += 1
    if j < len(pattern) and pattern[j] == "]":
        j += 1
    while pattern[j] != "]":
        j += 2 if pattern[j] == "\\" else 1
    return j + 1


def _group_opening(pattern: str, i: int) -> tuple[int, str, str]:
    """Past the opening of the group at ``i``: where its content starts, what it opens (the opening's text
    for a group; ``"flags"`` for ``(?aiLmsux)``; ``"item"`` for a comment or a back-reference, whose
    ``)`` is consumed) and the flags it sets (``"x"``, ``"-x"``)."""
    if not pattern.startswith("(?", i):
        return i + 1, "(", ""
    scoped = re.match(r"\(\?([aiLmsux]*(?:-[imsx]+)?)([:)])", pattern[i:])
    if scoped:
        end = i + scoped.end()
        if scoped.group(2) == ")":
            return end, "flags", scoped.group(1)
        return end, pattern[i:end], scoped.group(1)
    if pattern.startswith(("(?#", "(?P="), i):
        return pattern.index(")", i) + 1, "item", ""
    if pattern.startswith("(?(", i):                 # (?(1)yes|no), (?(name)yes|no)
        end = pattern.index(")", i + 3) + 1
        return end, pattern[i:end], ""
    opening = re.match(r"\(\?(?:P<\w+>|<\w+>|[:=!>]|<=|<!)", pattern[i:])
    end = i + opening.end()
    return end, pattern[i:end], ""


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(value, article: bool = False) -> str:
    if _is_number(value):
        return "a number"
    names = {str: "text", bool: "true or false", list: "a list", dict: "a table"}
    name = names.get(type(value), type(value).__name__)
    return name if article or not isinstance(value, (str, bool)) else f"{name} ({value!r})"
