"""Seeded generator of the bundled sample agency.

Twelve clients of a small agency, September 2025 to October 2026, each living one story that the reports must
make visible (see ``data/sample/README.md``): ten are still clients in October 2026, and two left before (their
``ended`` date in ``clients.csv``), so that the backtest has a history of clients who left. The generator uses
only the standard library and writes the four canonical CSVs of DESIGN section 2, and some of the events where
an agency keeps them (DESIGN section 2a): a Jira export, a calendar, a register in Russian words, a mailbox
(mbox) and a Telegram Desktop export. The same seed gives byte-identical files.

Run it with ``python -m tools.sample OUT_DIR [--seed N]`` (``make sample`` regenerates ``data/sample``).
"""

from __future__ import annotations

import argparse
import csv
import email.policy
import json
import random
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

DEFAULT_SEED = 20261031
START = date(2025, 9, 1)
END = date(2026, 10, 31)
END_OF_DATA = datetime.combine(END, time(23, 59))

# --------------------------------------------------------------------------------------------------------------
# The agency: people and clients
# --------------------------------------------------------------------------------------------------------------

ANNA, BEN, DMITRY = "Anna Kovacs", "Ben Carter", "Dmitry Sokolov"  # account managers
ELENA, MARCO, PRIYA, SOFIA, TOM = "Elena Petrova", "Marco Rossi", "Priya Shah", "Sofia Lindqvist", "Tom Becker"
PEOPLE = (ANNA, BEN, DMITRY, ELENA, MARCO, PRIYA, SOFIA, TOM)
DAY_HOURS = 8.0  # nobody logs more than this on a day (except the forgotten timer, see build())


@dataclass(frozen=True)
class Client:
    """One row of the client table: the master data and what the generator needs to tell its story."""

    key: str
    name: str
    aliases: tuple[str, ...]
    account_manager: str
    retainer_hours: int | None  # None: billed by the hour
    payment_terms_days: int
    currency: str
    rate: float  # price of an hour, in `currency`
    team: tuple[str, ...]
    contacts: tuple[str, ...]
    story: str  # the story in a few words, as in data/sample/README.md (the code is in STORIES[key])
    first_month: tuple[int, int] = (2025, 9)
    last_billed: tuple[int, int] = (2026, 10)
    billing_name: str = ""  # the spelling the billing system uses, when not `name`
    variants: tuple[str, ...] = ()  # other spellings that turn up in time entries and CRM rows
    ended: date | None = None  # the day the relationship ended (clients.csv `ended`); no record after it


CLIENTS = (
    Client("northwind", "Northwind Outfitters", ("Northwind Outfitters Inc.",), ANNA, 80, 30, "USD", 120.0,
           (PRIYA, MARCO, TOM), ("Laura Chen", "Mike Olsen"), "healthy partner",
           variants=("northwind outfitters", "Northwind  Outfitters", "Northwind Outfitters Inc.")),
    Client("alpenrose", "Alpenrose Hotels GmbH", (), BEN, 50, 30, "EUR", 95.0,
           (SOFIA, TOM), ("Katrin Huber", "Jonas Weber"), "goes quiet"),
    Client("copperleaf", "Copperleaf Studios", ("Copperleaf",), ANNA, 60, 30, "USD", 110.0,
           (SOFIA, TOM, PRIYA), ("Rachel Moss", "Dan Whitaker"), "scope creeper",
           variants=("Copperleaf", "copperleaf studios")),
    Client("pinecrest", "Pinecrest Logistics", ("Pinecrest Logistics LLC",), BEN, 50, 30, "USD", 115.0,
           (MARCO, TOM), ("Gary Holt", "Sandra Kim"), "late payer",
           last_billed=(2026, 8), billing_name="Pinecrest Logistics LLC"),
    Client("harrow", "Harrow Motor Group", (), BEN, 40, 30, "USD", 115.0,
           (PRIYA, TOM, SOFIA), ("Victor Harrow", "Nina Patel"), "rude client",
           variants=("HARROW MOTOR GROUP",)),
    Client("solstice", "Solstice Wellness", (), ANNA, 50, 30, "USD", 110.0,
           (PRIYA, MARCO, SOFIA), ("Emma Lawson", "Chris Doyle"), "recovery after a reset"),
    Client("orbita", "Orbita Labs", (), DMITRY, None, 14, "EUR", 90.0,
           (MARCO, PRIYA), ("Lena Vogt", "Tobias Keller"), "new client", first_month=(2026, 8)),
    Client("veter", "ООО «Северный ветер»", ("Северный ветер", "Severny Veter LLC"), DMITRY, 60, 10, "RUB", 3200.0,
           (ELENA, DMITRY), ("Ирина Волкова", "Павел Андреев"), "Russian-speaking client",
           variants=('ООО "Северный ветер"', "Северный ветер", "ооо  «северный ветер»")),
    Client("duval", "Maison Duval", (), BEN, None, 30, "EUR", 95.0,
           (PRIYA, ELENA), ("Claire Duval", "Hugo Martin"), "ordinary, mixed"),
    Client("tidewater", "Tidewater Coffee Co.", (), DMITRY, 30, 30, "USD", 110.0,
           (MARCO, SOFIA, ELENA), ("Sam Rivera", "Julia Grant"), "ordinary, steady"),
    # Two clients who left before the last months (for the backtest). They come last, and their rows, invoice
    # numbers and thread ids are their own, so the ten clients' records stay what they were.
    Client("brightline", "Brightline Media", (), DMITRY, 45, 30, "USD", 110.0,
           (MARCO, ELENA, TOM), ("Grace Holloway", "Owen Price"), "slow slide, left",
           last_billed=(2026, 5), ended=date(2026, 5, 31)),
    Client("kestrel", "Kestrel Foods", (), ANNA, 40, 30, "EUR", 90.0,
           (SOFIA, PRIYA, ELENA), ("Hanna Berg", "Lukas Brandt"), "sudden end, left",
           last_billed=(2026, 3), ended=date(2026, 3, 20)),
)

# Extras that were sold (named, priced, invoiced on their own): client key, issued, amount, what.
SOLD_EXTRAS = (
    ("northwind", date(2025, 11, 14), 4800.00, "Holiday lookbook microsite"),
    ("northwind", date(2026, 3, 13), 3600.00, "Spring pop-up store signage"),
    ("northwind", date(2026, 7, 17), 4200.00, "Back-to-school email series"),
)

# Discipline tags of time entries, by a word in the task (the first match wins).
DISCIPLINES = (
    ("copy", ("copy", "article", "texts", "press kit")),
    ("design", ("design", "layout", "banner", "mockup", "template", "illustration", "screens", "concept",
                "assets", "retouching", "edits", "brochure", "label", "flyer", "deck", "guidelines", "page",
                "photo", "креатив")),
    ("dev", ("build", "integration", "front end", "fixes", "cms", "automation", "app", "update", "dashboard")),
    ("copy", ("newsletter", "email", "content")),
    ("analytics", ("analytics",)),
    ("rework", ("rework",)),
    ("media", ("медиаплан", "кампани", "конкурент")),
)

MONTH_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
            "November", "December")
MONTH_RU = ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
            "ноябрь", "декабрь")

# --------------------------------------------------------------------------------------------------------------
# Calendar helpers
# --------------------------------------------------------------------------------------------------------------

Month = tuple[int, int]


def months(first: Month = (2025, 9), last: Month = (2026, 10)) -> list[Month]:
    """The months from `first` to `last`, both included."""
    out, (y, m) = [], first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def weekdays(ym: Month, lo: int = 1, hi: int = 31) -> list[date]:
    """Monday-to-Friday dates of a month between day `lo` and day `hi`, within the sample period."""
    d, out = date(ym[0], ym[1], 1), []
    while d.month == ym[1]:
        if d.weekday() < 5 and lo <= d.day <= hi and START <= d <= END:
            out.append(d)
        d += timedelta(days=1)
    return out


def last_weekday(ym: Month) -> date:
    """The last Monday-to-Friday date of a month."""
    return weekdays(ym)[-1]


def awake(when: datetime) -> bool:
    """Whether clients write at this time: weekdays from 7:00 to 22:00."""
    return when.weekday() < 5 and 7 <= when.hour < 22


def next_morning(when: datetime, rng: random.Random) -> datetime:
    """Between 8:00 and 9:30 on the first weekday after `when` (or on its own day, before 7:00)."""
    d = when.date() + timedelta(days=0 if when.hour < 7 else 1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return datetime.combine(d, time(8)) + timedelta(minutes=rng.randint(0, 90))


def mondays(ym: Month) -> list[date]:
    return [d for d in weekdays(ym) if d.weekday() == 0]


def fridays(ym: Month) -> list[date]:
    return [d for d in weekdays(ym) if d.weekday() == 4]


# --------------------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------------------


@dataclass
class Invoice:
    number: str
    client: Client
    issued: date
    amount: float
    paid_on: date | None = None
    paid_amount: float | None = None
    extra: str = ""  # what was sold, for the invoice of a sold extra

    @property
    def due(self) -> date:
        return self.issued + timedelta(days=self.client.payment_terms_days)

    @property
    def month(self) -> Month:
        return (self.issued.year, self.issued.month)


@dataclass
class Agency:
    """All generated rows."""

    time_entries: list[dict] = field(default_factory=list)
    crm: list[dict] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    load: dict[tuple[date, str], float] = field(default_factory=dict)  # hours logged per (day, person)

    def log_time(self, row: dict) -> None:
        self.time_entries.append(row)
        key = (row["date"], row["person"])
        self.load[key] = self.load.get(key, 0.0) + row["hours"]

    def free(self, d: date, person: str) -> float:
        return DAY_HOURS - self.load.get((d, person), 0.0)


def discipline(task: str) -> str:
    """The discipline tag of a task ("design", "dev", "copy", "media"), or "" when none fits."""
    lowered = task.lower()
    return next((tag for tag, words in DISCIPLINES if any(w in lowered for w in words)), "")


def quarter_hours(rng: random.Random, lo: float, hi: float) -> float:
    """A duration between `lo` and `hi` hours in steps of a quarter hour."""
    return rng.randint(round(lo * 4), round(hi * 4)) / 4


class Book:
    """One client's share of the agency's records, with the helpers that the stories share."""

    def __init__(self, agency: Agency, client: Client, rng: random.Random):
        self.agency, self.client, self.rng = agency, client, rng
        self.invoices = [inv for inv in agency.invoices if inv.client is client]
        self._threads = 0

    # --- names ------------------------------------------------------------------------------------------------

    def spelling(self) -> str:
        """Mostly the canonical name; now and then one of the client's other spellings."""
        c = self.client
        if c.variants and self.rng.random() < 0.05:
            return self.rng.choice(c.variants)
        return c.name

    def contact(self) -> str:
        return self.rng.choice(self.client.contacts)

    # --- time entries -----------------------------------------------------------------------------------------

    def time(self, d: date, task: str, hours: float, person: str, project: str, tags: str = "",
             billable: bool = True, category: str = "") -> None:
        self.agency.log_time({
            "date": d, "client": self.spelling(), "project": project, "person": person, "task": task,
            "tags": tags, "hours": hours, "billable": billable, "category": category,
        })

    def work(self, ym: Month, hours: float, tasks: tuple[str, ...], project: str, people: tuple[str, ...] = (),
             tags: str = "", billable: bool = True, category: str = "", lo: int = 1, hi: int = 31) -> float:
        """Spread `hours` of work over the weekdays of a month in entries of 0.5 to 4 hours, on days when the
        person still has time."""
        days = weekdays(ym, lo, hi)
        people = people or self.client.team
        left = round(hours * 4) / 4
        while left > 0:
            h = min(left, quarter_hours(self.rng, 0.5, 4))
            slots = [(self.rng.choice(days), self.rng.choice(people)) for _ in range(40)]
            d, person = next((s for s in slots if self.agency.free(*s) >= h),
                             max(slots, key=lambda s: self.agency.free(*s)))
            task = self.rng.choice(tasks)
            self.time(d, task, h, person, project, ",".join(filter(None, (tags, discipline(task)))), billable,
                      category)
            left -= h
        return round(hours * 4) / 4

    def status_calls(self, ym: Month, task: str = "Weekly status call", project: str = "Account management",
                     lo: int = 1, hi: int = 31) -> None:
        """The account manager's weekly status call (account management time)."""
        for d in weekdays(ym, lo, hi):
            if d.weekday() == 2:
                self.time(d, task, 0.5, self.client.account_manager, project)

    # --- CRM activities ---------------------------------------------------------------------------------------

    def crm(self, when: datetime, kind: str, subject: str = "", direction: str = "", channel: str = "",
            contact: str = "", thread: str = "", weight: str = "", danetor: tuple[str, str, str] = ("", "", "")
            ) -> None:
        if when > END_OF_DATA:
            return  # not happened yet when the data was exported
        if self.client.ended and when.date() > self.client.ended:
            return  # the relationship had ended
        self.agency.crm.append({
            "key": self.client.key,
            "date": when, "client": self.spelling(), "kind": kind, "weight": weight, "direction": direction,
            "channel": channel, "subject": subject, "contact": contact, "thread": thread,
            "benefits_client": danetor[0], "benefits_us": danetor[1], "covers_cost": danetor[2],
        })

    def moment(self, d: date, start: float = 9.0, end: float = 17.5) -> datetime:
        """A time of day in office hours on day `d`, to the minute."""
        minutes = self.rng.randint(round(start * 60), round(end * 60))
        return datetime.combine(d, time()) + timedelta(minutes=minutes)

    def day(self, ym: Month, lo: int = 1, hi: int = 31) -> date:
        return self.rng.choice(weekdays(ym, lo, hi))

    def event(self, ym: Month, kind: str, subject: str, lo: int = 1, hi: int = 31, **kw) -> datetime:
        """A logged event on a random weekday of the month (between day `lo` and day `hi`)."""
        when = self.moment(self.day(ym, lo, hi))
        self.crm(when, kind, subject, **kw)
        return when

    def new_thread(self) -> str:
        self._threads += 1
        return f"{self.client.key}:{self._threads}"

    def thread_from_client(self, when: datetime, subject: str, reply_hours: tuple[float, float] = (0.3, 5.0),
                           messages: bool = False) -> None:
        """The client writes; we answer within the day."""
        kin, kout, channel = self._kinds(messages)
        thread, contact = self.new_thread(), self.contact()
        self.crm(when, kin, subject, "in", channel, contact, thread)
        self.crm(self.our_answer(when, reply_hours), kout, "Re: " + subject, "out", channel, contact, thread)

    def our_answer(self, received: datetime, hours: tuple[float, float] = (0.3, 4.0)) -> datetime:
        """When we answer a client's message: within hours, next morning when that is night, always within
        24 hours (from the phone when the next morning is after a weekend)."""
        t = received + timedelta(hours=self.rng.uniform(*hours))
        if t.weekday() < 5 and 8 <= t.hour < 21:
            return t
        morning = next_morning(t, self.rng)
        if morning - received < timedelta(hours=20):
            return morning
        return received + timedelta(hours=self.rng.uniform(0.3, 1.5))

    def thread_from_us(self, when: datetime, subject: str, client_reply_hours: float | None,
                       messages: bool = False, kind: str = "", ack: bool = True) -> None:
        """We write; the client answers after `client_reply_hours` (None: not at all); we acknowledge."""
        kin, kout, channel = self._kinds(messages)
        thread, contact = self.new_thread(), self.contact()
        self.crm(when, kind or kout, subject, "out", channel, contact, thread)
        if client_reply_hours is None:
            return
        reply = when + timedelta(hours=client_reply_hours)
        if not awake(reply):
            reply = next_morning(reply, self.rng)
        self.crm(reply, kin, "Re: " + subject, "in", channel, contact, thread)
        if ack:
            self.crm(self.our_answer(reply), kout, "Re: " + subject, "out", channel, contact, thread)

    @staticmethod
    def _kinds(messages: bool) -> tuple[str, str, str]:
        return ("message_in", "message_out", "chat") if messages else ("email_in", "email_out", "email")

    def correspondence(self, ym: Month, threads: int, topics: tuple[str, ...], client_reply: tuple[float, float],
                       share_from_client: float = 0.5, messages: float = 0.0, lo: int = 1, hi: int = 31) -> None:
        """A month's routine e-mail and chat threads, some started by the client, some by us."""
        for _ in range(threads):
            d, subject = self.day(ym, lo, hi), self.rng.choice(topics)
            chat = self.rng.random() < messages
            if self.rng.random() < share_from_client:
                self.thread_from_client(self.moment(d), subject, messages=chat)
            else:  # we write in the morning; the client answers on a weekday, not at night
                for _ in range(25):
                    when, hours = self.moment(d, 9, 12.5), self.rng.uniform(*client_reply)
                    if awake(when + timedelta(hours=hours)):
                        break
                    d = self.day(ym, lo, hi)
                self.thread_from_us(when, subject, hours, messages=chat)

    def calls(self, ym: Month, n: int, subject: str, direction: str = "") -> None:
        for _ in range(n):
            self.event(ym, "call", subject, direction=direction or self.rng.choice(("in", "out")),
                       channel="phone", contact=self.contact())

    def monthly_meeting(self, ym: Month, subject: str, channel: str = "video") -> None:
        self.event(ym, "meeting_held", subject, lo=8, hi=24, channel=channel, contact=self.contact())

    def weekly_reports(self, ym: Month, subject: str = "Weekly status report", lo: int = 1) -> None:
        for d in fridays(ym):
            if d.day >= lo:
                self.crm(self.moment(d, 15, 17.5), "proactive_report", subject, channel="email",
                         contact=self.contact())

    def fortnightly_reports(self, ym: Month, subject: str, lo: int = 1) -> None:
        for d in [d for d in fridays(ym) if d.day >= lo][::2]:
            self.crm(self.moment(d, 15, 17.5), "proactive_report", subject, channel="email", contact=self.contact())

    def monthly_report(self, ym: Month, subject: str, weight: str = "") -> None:
        d = weekdays(ym)[min(3, len(weekdays(ym)) - 1)]
        self.crm(self.moment(d), "proactive_report", subject, channel="email", contact=self.contact(),
                 weight=weight)

    # --- invoices ---------------------------------------------------------------------------------------------

    def invoice(self, ym: Month) -> Invoice:
        """The client's regular (monthly) invoice issued in month `ym`."""
        return next(inv for inv in self.invoices if inv.month == ym and not inv.extra)

    def pay(self, inv: Invoice, days_after_due: int, fraction: float = 1.0) -> None:
        """Record a payment `days_after_due` days after the due date (on a weekday), unless that is after END."""
        paid = max(inv.due + timedelta(days=days_after_due), inv.issued + timedelta(days=1))
        while paid.weekday() >= 5:
            paid += timedelta(days=1)
        if paid > END:
            return
        inv.paid_on = paid
        inv.paid_amount = None if fraction == 1.0 else round(inv.amount * fraction, 2)

    def pay_all(self, days: tuple[int, int]) -> None:
        """Pay every invoice `days` (a range) after its due date."""
        for inv in self.invoices:
            self.pay(inv, self.rng.randint(*days))

    def bill_hours(self, ym: Month, hours: float) -> None:
        """Price the month's invoice of an hourly client."""
        inv = self.invoice(ym)
        inv.amount = round(hours * self.client.rate, 2)


# --------------------------------------------------------------------------------------------------------------
# The stories: one function per client
# --------------------------------------------------------------------------------------------------------------


def healthy_partner(b: Book) -> None:
    """Northwind Outfitters: deadlines met, praise, monthly meetings, extras sold by name, pays early."""
    rng = b.rng
    tasks = ("Homepage hero refresh", "Product page templates", "Email newsletter design", "Campaign copywriting",
             "Lookbook photo selection", "Social media assets", "Landing page build", "Analytics review")
    topics = ("Newsletter draft for review", "Homepage banners", "Product photos from the shoot", "Campaign calendar",
              "Landing page copy", "Social posts for next week", "Analytics questions")
    extras = {(issued.year, issued.month): what for key, issued, _, what in SOLD_EXTRAS if key == "northwind"}
    for i, ym in enumerate(months()):
        # in a month with a sold extra, part of the team works on the extra instead
        b.work(ym, quarter_hours(rng, 66, 78) if ym not in extras else quarter_hours(rng, 56, 62), tasks,
               "Website & email retainer")
        b.status_calls(ym)
        if ym[1] in (9, 12, 3, 6):
            b.work(ym, 3, ("Quarterly business review prep",), "Account management", (ANNA,),
                   category="account_management", lo=20)
            b.event(ym, "meeting_held", "Quarterly business review", lo=22, channel="in person",
                    contact="Laura Chen")
        b.correspondence(ym, rng.randint(4, 5), topics, (2.0, 6.0), messages=0.3)
        b.calls(ym, rng.randint(1, 2), "Quick sync on priorities")
        b.weekly_reports(ym)
        b.monthly_meeting(ym, f"Monthly review: {MONTH_EN[ym[1] - 1]}")
        b.event(ym, "deadline_met", "Newsletter and homepage refresh delivered", lo=1, hi=14)
        b.event(ym, "deadline_met", "Campaign assets delivered on schedule", lo=15)
        if i % 2 == 1:
            b.event(ym, "praise", "Great feedback on the campaign results", direction="in", channel="email",
                    contact=b.contact())
        if i % 3 == 2:
            b.event(ym, "delivered_early", "Social assets delivered two days early")
        if ym in extras:
            name = extras[ym]
            b.event(ym, "scope_request", f"Could you also do a {name.lower()}?", lo=1, hi=5, direction="in",
                    channel="email", contact="Laura Chen", danetor=("yes", "yes", "yes"))
            b.event(ym, "extra_sold", f"{name}: quoted and approved", lo=6, hi=10, channel="email",
                    contact="Laura Chen")
            b.work(ym, 24, (name,), name, lo=10)
    b.event((2025, 11), "praise", "CEO: best holiday season we have had", lo=28, weight="5", direction="in",
            channel="email", contact="Mike Olsen")
    for who in (MARCO, PRIYA):  # Black Friday launch weekend
        b.time(date(2025, 11, 29), "Black Friday launch support", 3.0 if who == MARCO else 2.0, who,
               "Website & email retainer")
    b.event((2026, 1), "error_found", "Wrong price on a product banner", lo=12, hi=14)
    b.event((2026, 1), "issue_resolved", "Banner price fixed within the hour", lo=15, hi=16)
    b.event((2026, 2), "deadline_shift_announced", "Spring campaign moved by a week (photo shoot delayed)",
            lo=2, hi=6)
    b.pay_all((-12, 0))


def goes_quiet(b: Book) -> None:
    """Alpenrose Hotels: fine until June 2026, then slower replies, cancelled meetings and silence."""
    rng = b.rng
    tasks = ("Booking page redesign", "Seasonal offer banners", "Newsletter copy", "Room photo retouching",
             "Brochure layout", "Website content update")
    topics = ("Winter offers copy", "Room photos", "Newsletter for the spa package", "Brochure proof",
              "Booking page feedback", "Website texts for review")
    client_reply = {(2026, 6): (8, 14), (2026, 7): (18, 30), (2026, 8): (34, 46), (2026, 9): (60, 75)}
    for ym in months():
        b.work(ym, quarter_hours(rng, 38, 46), tasks, "Hotel marketing retainer")
        b.status_calls(ym)
        b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        if ym < (2026, 6):
            b.correspondence(ym, rng.randint(3, 4), topics, (2.0, 6.0), share_from_client=0.35)
            b.calls(ym, 1, "Catch-up call")
            b.monthly_meeting(ym, "Monthly marketing meeting")
            b.event(ym, "deadline_met", "Monthly offers delivered")
        elif ym < (2026, 10):  # from August the client no longer writes first
            b.correspondence(ym, 4, topics, client_reply[ym], share_from_client=0.2 if ym < (2026, 8) else 0.0)
        else:  # October: the last answers come in the first week, then nothing
            for d in (date(2026, 10, 1), date(2026, 10, 2)):
                b.thread_from_us(b.moment(d, 9, 11), rng.choice(topics), rng.uniform(70, 90))
            for d in (date(2026, 10, 9), date(2026, 10, 16), date(2026, 10, 22), date(2026, 10, 28)):
                b.thread_from_us(b.moment(d), "Following up: " + rng.choice(topics), None)
            b.calls(ym, 2, "Tried to reach Katrin: voicemail", direction="out")
    for ym in ((2025, 11), (2026, 3)):
        b.event(ym, "praise", "The team loved the new offer pages", direction="in", channel="email",
                contact="Katrin Huber")
    b.event((2026, 1), "delivered_early", "Spring brochure delivered early")
    b.monthly_meeting((2026, 6), "Monthly marketing meeting")
    b.monthly_meeting((2026, 7), "Monthly marketing meeting (short)")
    b.event((2026, 7), "deadline_shift_announced", "Summer campaign waits for the client's approval", lo=10)
    for ym in ((2026, 8), (2026, 9), (2026, 10)):
        b.event(ym, "meeting_cancelled", "Monthly marketing meeting cancelled by the client", lo=8, hi=20,
                channel="video")
        b.event(ym, "deadline_shift_announced", "Autumn campaign waits for the client's approval", lo=10, hi=25)
    b.event((2026, 9), "meeting_cancelled", "Rescheduled meeting cancelled again", lo=22, hi=28,
            channel="video")
    b.pay_all((-8, 2))


def scope_creeper(b: Book) -> None:
    """Copperleaf Studios: scope requests, extras given silently, hours above the 60 h retainer, advice rejected."""
    rng = b.rng
    tasks = ("Portfolio site templates", "Case study layouts", "Showreel landing page", "Blog post design",
             "Social media assets", "CMS updates")
    extra_tasks = ("Extra banner sizes (out of scope)", "Pitch deck redesign (out of scope)",
                   "Instagram story templates (out of scope)", "Event flyer (out of scope)")
    topics = ("Case study feedback", "Homepage tweaks", "Blog post images", "Showreel page", "Social assets")
    requests = ("Can you add ten more banner sizes by Friday?", "Could you redesign the pitch deck too?",
                "Please add Instagram stories to this month", "Quick flyer for our event?",
                "Can we also get a TikTok series?", "Could you redo the About page while you are at it?")
    for i, ym in enumerate(months()):
        recent = ym >= (2026, 6)  # the creep accelerates: hours well above the 60 h retainer
        if ym < (2026, 1):
            retainer_work, extra = quarter_hours(rng, 48, 54), quarter_hours(rng, 4, 8)
        elif not recent:
            retainer_work, extra = quarter_hours(rng, 48, 54), quarter_hours(rng, 9, 13)
        else:
            retainer_work, extra = quarter_hours(rng, 54, 60), quarter_hours(rng, 22, 28)
        b.work(ym, retainer_work, tasks, "Studio retainer")
        b.work(ym, extra * 0.75, extra_tasks, "Studio retainer", billable=False)
        b.work(ym, extra * 0.25, ("Banner variants", "Extra social posts", "Landing page copy tweaks"),
               "Studio retainer", tags="extra", billable=False)
        b.status_calls(ym)
        b.correspondence(ym, rng.randint(3, 4), topics, (2.0, 6.0), messages=0.4)
        b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        b.monthly_meeting(ym, "Monthly planning")
        b.event(ym, "deadline_met", "Monthly deliverables on time")
        n_requests = 1 if ym < (2026, 1) else 2 if not recent else rng.randint(3, 4)
        for _ in range(n_requests):
            answered = rng.random() < 0.6
            answers = rng.choice((("yes", "no", "no"), ("yes", "no", "no"), ("no", "no", "no"),
                                  ("yes", "yes", "no"))) if answered else ("", "", "")
            when = b.event(ym, "scope_request", rng.choice(requests), hi=24, direction="in", channel="email",
                           contact=b.contact(), danetor=answers)
            later = b.moment((when + timedelta(days=2)).date())
            if answers.count("no") >= 2 and rng.random() < 0.5:
                b.crm(later, "request_declined", "Declined: outside the retainer", channel="email",
                      contact=b.contact())
            else:
                b.crm(later, "extra_gifted", "Done it anyway, no charge", channel="email")
        if i % 3 == 1:
            b.event(ym, "deadline_shift_announced", "Retainer work slips: extras took the time", lo=15)
    for d in (date(2026, 8, 3), date(2026, 8, 24), date(2026, 9, 14), date(2026, 10, 12)):
        for who in (PRIYA, TOM):
            b.time(d, "Weekend social posts", 1.5, who, "Studio retainer", billable=False, category="extra")
    for ym, subject in (((2025, 12), "Declined our proposal to simplify the page structure"),
                        ((2026, 4), "Rejected the content plan we recommended"),
                        ((2026, 8), "Rejected our advice to bundle requests into a paid sprint"),
                        ((2026, 10), "Ignored our recommendation on the homepage layout")):
        b.event(ym, "advice_rejected", subject, channel="video", contact="Rachel Moss")
    b.event((2025, 10), "praise", "Love the new case study layouts", direction="in", channel="email",
            contact="Rachel Moss")
    b.event((2026, 5), "error_found", "Wrong client logo on a case study", channel="email")
    b.event((2026, 9), "error_found", "Typos on the showreel page (rushed between extras)", channel="email")
    b.pay_all((-5, 8))


def late_payer(b: Book) -> None:
    """Pinecrest Logistics: pays 45 to 120 days late, then not at all; chasing outgrows the work."""
    rng = b.rng
    for ym in months((2025, 9), (2025, 12)):
        b.pay(b.invoice(ym), rng.randint(3, 15))
    for ym, days_late in (((2026, 1), 61), ((2026, 2), 88), ((2026, 3), 109)):
        b.pay(b.invoice(ym), days_late)
    b.pay(b.invoice((2026, 4)), 118, fraction=0.5)  # half paid; the rest still open
    # May to August 2026: unpaid. No invoices after August: the work is paused.

    tasks = ("Fleet tracking dashboard design", "Route map illustrations", "Payment gateway integration",
             "Driver portal front end", "Careers page copy", "Shipment status emails")
    topics = ("Dashboard wireframes", "Driver portal feedback", "Careers page texts", "Status email templates")
    work = {(2026, 7): 26, (2026, 8): 9, (2026, 9): 6, (2026, 10): 4}
    chasing = {(2026, 1): 2, (2026, 2): 3, (2026, 3): 4, (2026, 4): 5, (2026, 5): 6, (2026, 6): 7,
               (2026, 7): 9, (2026, 8): 11, (2026, 9): 12.5, (2026, 10): 10}
    for ym in months():
        b.work(ym, work.get(ym, quarter_hours(rng, 44, 50)), tasks, "Digital platform retainer")
        b.status_calls(ym)
        b.correspondence(ym, rng.randint(2, 3), topics, (2.0, 6.0))
        if ym <= (2026, 6):
            b.monthly_meeting(ym, "Monthly platform review")
            b.event(ym, "deadline_met", "Sprint delivered")
        if ym <= (2026, 7):
            b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        if ym <= (2026, 8):
            b.work(ym, 0.5, ("Send monthly invoice",), "Account management", (BEN,), billable=False, lo=25)
        if ym in chasing:
            first, last = weekdays(ym)[0], last_weekday(ym)
            overdue = [x for x in b.invoices if x.due < last and (x.paid_on is None or x.paid_on >= first)]
            chase = tuple(f"Chasing overdue invoice {x.number[4:]}" for x in overdue[:3])
            b.work(ym, chasing[ym] * 0.6, ("Invoice follow-up", "Payment reminder call") + chase,
                   "Account management", (BEN, ANNA), billable=False)
            b.work(ym, chasing[ym] * 0.4, ("Reconciliation", "Statement of account for their finance team"),
                   "Account management", (BEN,), tags="collections", billable=False)
            for _ in range(2 if ym < (2026, 5) else 3 if ym < (2026, 8) else 4):
                subject = f"Overdue invoice {overdue[0].number}" if overdue else "Payment reminder"
                answer = rng.uniform(20, 60) if rng.random() < 0.6 else None
                b.thread_from_us(b.moment(b.day(ym)), subject, answer, kind="payment_reminder")
    b.thread_from_client(datetime(2026, 10, 27, 10, 15), "Payment schedule for the open invoices")
    for d in (date(2026, 8, 12), date(2026, 9, 16)):
        b.time(d, "Call with their CFO", 1.0, BEN, "Account management", billable=False, category="collections")
        b.crm(b.moment(d, 14, 16), "call", "Call with the CFO about the overdue invoices", "out", "phone",
              "Sandra Kim")
    b.event((2025, 10), "praise", "Dashboard prototype is exactly what we needed", direction="in",
            channel="email", contact="Gary Holt")
    b.event((2026, 7), "deadline_shift_announced", "Work slowed down until the overdue invoices are settled",
            lo=6, hi=10, channel="email", contact="Gary Holt")
    b.event((2026, 8), "meeting_held", "Payment plan discussion", lo=3, hi=7, channel="video",
            contact="Sandra Kim")
    b.event((2026, 8), "deadline_missed", "Driver portal release missed: work paused", lo=18, hi=21)
    b.event((2026, 9), "promise_broken", "Release date we gave in August not kept (work still paused)",
            lo=14, hi=18)


def rude_client(b: Book) -> None:
    """Harrow Motor Group: rude messages, complaints, errors found and one escalation."""
    rng = b.rng
    tasks = ("Dealership landing pages", "Model launch banners", "Service offer emails", "Showroom photo edits",
             "Ad copy variations", "Rework after client feedback")
    topics = ("Banner feedback", "Launch page copy", "Service offer email", "Photo edits")
    rude = ("This is amateur work. Fix it today.", "Do I have to do your job for you?",
            "Unacceptable. Who approved this garbage?", "Stop wasting my time with questions.")
    for i, ym in enumerate(months()):
        b.work(ym, quarter_hours(rng, 34, 40), tasks, "Dealer marketing retainer")
        b.status_calls(ym)
        b.correspondence(ym, rng.randint(3, 4), topics, (2.0, 6.0))
        b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        b.monthly_meeting(ym, "Monthly dealer marketing meeting")
        b.event(ym, "deadline_met", "Monthly banners delivered")
        if ym >= (2026, 2) and (i % 2 == 0 or ym >= (2026, 8)):
            b.event(ym, "rude_message", rng.choice(rude), direction="in", channel="email", contact="Victor Harrow")
    complaints = (((2025, 10), "Complains the banners look cheap"), ((2026, 1), "Complaint about response times"),
                  ((2026, 3), "Complaint: wrong car model in the ad"), ((2026, 5), "Complaint about the copy tone"),
                  ((2026, 7), "Complaint: photo edits 'sloppy'"), ((2026, 9), "Complaint about the invoice"),
                  ((2026, 10), "Complaint: launch page 'not what I asked for'"))
    for ym, subject in complaints:
        b.event(ym, "complaint", subject, direction="in", channel="email", contact="Victor Harrow")
    errors = (((2025, 12), "Typo in the service offer email"), ((2026, 3), "Wrong model year in the ad"),
              ((2026, 6), "Wrong phone number on a landing page"), ((2026, 9), "Old price in a banner"))
    for ym, subject in errors:
        b.event(ym, "error_found", subject, channel="email")
    b.event((2026, 6), "deadline_missed", "Summer sale banners a day late", lo=10, hi=20)
    b.event((2026, 9), "escalation", "Wrote to our CEO demanding a new team", lo=20, weight="-10",
            direction="in", channel="email", contact="Victor Harrow")
    b.event((2026, 4), "meeting_cancelled", "Client cancelled the monthly meeting 10 minutes before",
            channel="video")
    b.pay_all((0, 20))
    b.pay(b.invoice((2026, 8)), 2, fraction=0.85)  # paid short: "deducted for the errors"


def recovery(b: Book) -> None:
    """Solstice Wellness: overdrawn in February and March 2026, a reset conversation in April, trust rebuilt."""
    rng = b.rng
    tasks = ("Booking app screens", "Class schedule page", "Wellness blog articles", "Membership email flow",
             "App store screenshots", "Bug fixes in the booking app")
    topics = ("App screens for review", "Class schedule", "Blog articles", "Membership emails")
    for ym in months():
        b.work(ym, quarter_hours(rng, 42, 48), tasks, "App & content retainer")
        b.status_calls(ym)
        b.correspondence(ym, rng.randint(3, 4), topics, (2.0, 6.0))
        if ym != (2026, 3):
            b.monthly_meeting(ym, "Monthly review")
        if ym < (2026, 4):
            b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        else:
            b.fortnightly_reports(ym, "Fortnightly status report (agreed in the reset)", lo=9)
        if ym <= (2025, 12) or ym >= (2026, 6):
            b.event(ym, "deadline_met", "Sprint delivered as planned")
    b.event((2025, 10), "praise", "Nice work on the class schedule page", direction="in", channel="email",
            contact="Emma Lawson")
    b.event((2025, 12), "deadline_shift_announced", "Booking app release moved to January", lo=8, hi=12)
    bad = (((2026, 1), "deadline_missed", "Booking app release missed"),
           ((2026, 1), "complaint", "Members could not book classes"),
           ((2026, 2), "error_found", "Wrong class times in the app"),
           ((2026, 2), "promise_broken", "Promised the fix by Friday; not delivered"),
           ((2026, 2), "deadline_missed", "Membership email flow late"),
           ((2026, 3), "complaint", "Second complaint about app crashes"),
           ((2026, 3), "deadline_missed", "Spring campaign assets late"),
           ((2026, 3), "deadline_missed", "App update for the spring challenge late"))
    for ym, kind, subject in bad:
        b.event(ym, kind, subject, direction="in" if kind == "complaint" else "", channel="email",
                contact="Emma Lawson" if kind == "complaint" else "")
    b.event((2026, 3), "meeting_cancelled", "Client cancelled the monthly review", lo=9, hi=13, channel="video")
    b.crm(datetime(2026, 4, 8, 10, 0), "meeting_held", "Reset conversation: what went wrong and what we change",
          channel="in person", contact="Emma Lawson")
    good = (((2026, 4), "issue_resolved", "App crash fixed and monitored"),
            ((2026, 5), "issue_resolved", "Class times synchronised automatically"),
            ((2026, 6), "praise", "Members love the new booking flow"),
            ((2026, 8), "delivered_early", "Autumn campaign ready a week early"),
            ((2026, 9), "praise", "Thank you for turning this around"))
    for ym, kind, subject in good:
        b.event(ym, kind, subject, direction="in" if kind == "praise" else "", channel="email",
                contact="Emma Lawson" if kind == "praise" else "")
    b.pay_all((-10, 3))


def new_client(b: Book) -> None:
    """Orbita Labs: first record in August 2026, a kickoff and a few good first weeks."""
    rng = b.rng
    tasks = ("Brand workshop preparation", "Logo concepts", "Brand guidelines", "Landing page design",
             "Landing page build")
    topics = ("Workshop agenda", "Logo concepts", "Brand colours", "Landing page copy", "Domain and hosting")
    hours = {(2026, 8): 20, (2026, 9): 32, (2026, 10): 36}
    b.crm(datetime(2026, 8, 3, 10, 30), "meeting_held", "Kickoff workshop", channel="in person",
          contact="Lena Vogt")
    for ym in months((2026, 8)):
        done = b.work(ym, hours[ym], tasks, "Brand & landing page", lo=3)
        b.bill_hours(ym, done)
        b.status_calls(ym, lo=3)
        b.correspondence(ym, rng.randint(5, 6), topics, (2.0, 6.0), lo=4, share_from_client=0.6)
    b.event((2026, 9), "deadline_met", "Logo concepts presented on time", hi=12)
    b.event((2026, 10), "deadline_met", "Brand guidelines delivered", hi=15)
    for d in (date(2026, 9, 18), date(2026, 10, 2), date(2026, 10, 16), date(2026, 10, 30)):
        b.crm(b.moment(d, 15, 17), "proactive_report", "Fortnightly progress report", channel="email",
              contact="Lena Vogt")
    b.monthly_meeting((2026, 10), "Landing page review")
    b.event((2026, 10), "praise", "The guidelines are spot on, thank you", lo=16, direction="in", channel="email",
            contact="Tobias Keller")
    b.pay_all((-4, 0))


def russian_client(b: Book) -> None:
    """ООО «Северный ветер»: media planning in roubles, Russian wording, spelled several ways, healthy."""
    rng = b.rng
    tasks = ("Подготовка медиаплана", "Расчёт медиаплана", "Настройка рекламных кампаний", "Отчёт по кампании",
             "Креативы для баннеров", "Анализ конкурентов")
    topics = ("Медиаплан на следующий месяц", "Согласование креативов", "Бюджет кампании", "Вопросы по отчёту",
              "Новые баннеры", "Ставки в рекламном кабинете")
    for i, ym in enumerate(months()):
        month = MONTH_RU[ym[1] - 1]
        b.work(ym, quarter_hours(rng, 50, 58), tasks, "Медийная кампания")
        b.status_calls(ym, task="Созвон по статусу", project="Ведение клиента")
        b.work(ym, 0.5, ("Закрывающие документы",), "Ведение клиента", (DMITRY,), billable=False, lo=25)
        if ym[1] in (9, 12, 3, 6):
            b.work(ym, 1.0, ("Акт сверки",), "Ведение клиента", (DMITRY,), billable=False, lo=20)
        b.correspondence(ym, rng.randint(3, 4), topics, (2.0, 6.0), messages=0.6)
        b.crm(b.moment(weekdays(ym)[2]), "proactive_report", f"Ежемесячный отчёт по кампаниям за {month}",
              channel="email", contact="Ирина Волкова")
        b.event(ym, "meeting_held", "Встреча по итогам месяца", lo=8, hi=24, channel="video",
                contact="Ирина Волкова")
        if i % 4 != 3:
            b.event(ym, "deadline_met", f"Медиаплан на {MONTH_RU[ym[1] % 12]} сдан в срок", hi=24)
        b.calls(ym, 1, "Созвон по статусу")
    b.event((2025, 12), "praise", "Спасибо за новогоднюю кампанию, отличный результат", direction="in",
            channel="email", contact="Павел Андреев")
    b.event((2026, 6), "praise", "Руководство довольно отчётом за полугодие", direction="in", channel="email",
            contact="Ирина Волкова")
    b.event((2026, 9), "error_found", "Опечатка в медиаплане", lo=8, hi=10, weight="-1", channel="email",
            contact="Ирина Волкова")
    b.event((2026, 9), "issue_resolved", "Опечатка исправлена в тот же день", lo=11, hi=12, channel="email")
    b.event((2026, 4), "delivered_early", "Медиаплан на май сдан досрочно")
    b.pay_all((-6, 0))
    b.pay(b.invoice((2026, 2)), 5)
    b.work((2026, 3), 0.5, ("Напоминание об оплате",), "Ведение клиента", (DMITRY,), billable=False, lo=10, hi=12)
    b.event((2026, 3), "payment_reminder", "Напоминание об оплате счёта за февраль", lo=10, hi=12, direction="out",
            channel="email", contact="Павел Андреев")


def ordinary_mixed(b: Book) -> None:
    """Maison Duval: billed by the hour, a mixed but fine history (a complaint, a fix, some shifts)."""
    rng = b.rng
    tasks = ("Packaging mockups", "Product catalogue layout", "Press kit", "Instagram content", "Label design")
    topics = ("Catalogue proofs", "Packaging colours", "Press kit texts", "Instagram plan")
    for i, ym in enumerate(months()):
        done = b.work(ym, quarter_hours(rng, 24, 42), tasks, "Brand design")
        b.bill_hours(ym, done)
        b.status_calls(ym)
        b.correspondence(ym, rng.randint(2, 3), topics, (2.0, 6.0))
        if i % 2 == 0:
            b.monthly_meeting(ym, "Design review", channel="in person")
        b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        if i % 2 == 1:
            b.event(ym, "deadline_met", "Catalogue pages delivered")
    b.event((2025, 11), "deadline_shift_announced", "Catalogue moved: waiting for product photos")
    b.event((2026, 2), "praise", "Beautiful packaging", direction="in", channel="email", contact="Claire Duval")
    b.event((2026, 5), "complaint", "Labels printed with the wrong colour profile", direction="in",
            channel="email", contact="Hugo Martin")
    b.event((2026, 5), "issue_resolved", "Reprint files corrected", lo=20)
    b.event((2026, 7), "deadline_shift_announced", "Press kit moved by two weeks")
    b.event((2026, 8), "meeting_cancelled", "Design review postponed (holidays)", channel="in person")
    b.event((2026, 8), "error_found", "Wrong bottle size on the label proofs", lo=18, channel="email")
    b.event((2026, 9), "deadline_shift_announced", "Label series delayed by our illustrator", lo=10)
    b.event((2026, 10), "request_declined", "Declined a rush job for the weekend", channel="email")
    b.pay_all((-3, 20))


def ordinary_steady(b: Book) -> None:
    """Tidewater Coffee Co.: a small e-shop retainer, steady and healthy."""
    rng = b.rng
    tasks = ("Checkout payment page design", "Subscription box page", "Product photography edits",
             "Email automation", "Shop performance fixes")
    topics = ("Subscription page", "New coffee photos", "Checkout questions", "Email automation")
    for i, ym in enumerate(months()):
        b.work(ym, quarter_hours(rng, 24, 30), tasks, "E-shop retainer")
        b.status_calls(ym)
        b.correspondence(ym, rng.randint(2, 3), topics, (2.0, 6.0))
        if ym[1] in (12, 3, 6, 9):  # the quarterly deep dive counts double
            b.monthly_report(ym, "Quarterly deep-dive report: sales, traffic, next steps", weight="1")
        else:
            b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        if i % 2 == 0:
            b.monthly_meeting(ym, "Bi-monthly shop review")
        if i % 3 != 1:
            b.event(ym, "deadline_met", "Shop update released")
    b.event((2026, 1), "deadline_shift_announced", "Subscription launch moved by a week")
    b.event((2026, 5), "praise", "Conversion is up since the checkout redesign", direction="in",
            channel="email", contact="Sam Rivera")
    b.event((2026, 8), "delivered_early", "Autumn blend page ready early")
    b.pay_all((-10, 5))


def slow_slide(b: Book) -> None:
    """Brightline Media: healthy until December 2025, then from January 2026 one thing after another goes
    wrong (a shift, errors, missed deadlines, complaints, our slow answers, cancelled reviews, a late invoice
    chased); overdrawn from March, the client leaves on 2026-05-31."""
    rng = b.rng
    tasks = ("Podcast episode editing", "Show notes copy", "Video series cuts", "Social clips design",
             "Newsletter design", "Website content update")
    topics = ("Episode cut for review", "Show notes", "Guest list", "Video thumbnails", "Newsletter draft")
    ended = b.client.ended

    def slow_answer(ym: Month, subject: str) -> None:
        """The client writes (Monday to Wednesday, in the morning); we answer only the next afternoon or later,
        after the 24 hours of the reply limit: a derived `slow_reply`."""
        d = rng.choice([d for d in weekdays(ym) if d.weekday() <= 2])
        when, thread, contact = b.moment(d, 9, 11.5), b.new_thread(), b.contact()
        b.crm(when, "email_in", subject, "in", "email", contact, thread)
        b.crm(when + timedelta(hours=rng.uniform(27, 31)), "email_out", "Re: " + subject, "out", "email", contact,
              thread)

    for ym in months((2025, 9), b.client.last_billed):
        handover = ym == (ended.year, ended.month)  # the last month: less work, the files handed over
        b.work(ym, quarter_hours(rng, 18, 22) if handover else quarter_hours(rng, 38, 44), tasks, "Content retainer")
        b.status_calls(ym)
        b.correspondence(ym, rng.randint(3, 4), topics, (2.0, 3.5))
        b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        if ym < (2026, 2):
            b.monthly_meeting(ym, "Monthly content review")
            b.event(ym, "deadline_met", "Monthly episodes delivered on time")
            b.calls(ym, 1, "Catch-up call")
    for ym, subject in (((2025, 9), "The new season sounds great"), ((2025, 12), "Best show notes we have had")):
        b.event(ym, "praise", subject, lo=15, direction="in", channel="email", contact="Grace Holloway")
    b.event((2025, 9), "delivered_early", "Season premiere delivered early")
    # the slide, step by step
    slide = (((2026, 1), "deadline_shift_announced", "Video series moved by a week: our editor is ill"),
             ((2026, 1), "error_found", "Wrong guest name in the episode notes"),
             ((2026, 2), "deadline_missed", "Episode 15 published two days late"),
             ((2026, 3), "complaint", "Complaint: the show notes are late again"),
             ((2026, 3), "error_found", "Sponsor read missing from episode 18"),
             ((2026, 4), "complaint", "Complaint: nobody answers our e-mails"),
             ((2026, 4), "promise_broken", "Promised the re-edit by Friday; not delivered"),
             ((2026, 5), "complaint", "Complaint about the handover files"))
    for ym, kind, subject in slide:
        b.event(ym, kind, subject, hi=26, direction="in" if kind == "complaint" else "", channel="email",
                contact="Grace Holloway" if kind == "complaint" else "")
    for ym, n in (((2026, 2), 1), ((2026, 3), 2), ((2026, 4), 2), ((2026, 5), 1)):
        for _ in range(n):
            slow_answer(ym, rng.choice(("Where is the new episode?", "Thumbnails for review?",
                                        "Questions about the show notes", "Newsletter status")))
    for ym in ((2026, 2), (2026, 4)):
        b.event(ym, "meeting_cancelled", "Client cancelled the monthly content review", lo=8, hi=20, channel="video")
    b.monthly_meeting((2026, 3), "Monthly content review (what went wrong in February)")
    b.thread_from_client(datetime(2026, 5, 4, 10, 20), "Notice: we move the podcast to another agency from June")
    b.work((2026, 5), 4, ("Handover of project files",), "Content retainer", (MARCO,), lo=18)
    # the February invoice is paid 40-odd days late, after reminders and chasing
    b.pay_all((-5, 3))
    b.pay(b.invoice((2026, 2)), 44)
    b.pay(b.invoice((2026, 3)), 12)
    for ym in ((2026, 4), (2026, 5)):
        b.work(ym, 1.5, ("Invoice follow-up", "Payment reminder call"), "Account management", (DMITRY,),
               billable=False)
        b.thread_from_us(b.moment(b.day(ym, hi=8)), f"Overdue invoice {b.invoice((2026, 2)).number}",
                         rng.uniform(20, 40) if ym == (2026, 5) else None, kind="payment_reminder")


def sudden_end(b: Book) -> None:
    """Kestrel Foods: content all along (deadlines met, praise, meetings held, invoices paid on time), then a
    budget cut ends the retainer on 2026-03-20, with no warning before that month."""
    rng = b.rng
    tasks = ("Packaging artwork", "Recipe cards layout", "Social media assets", "Product photo retouching",
             "Trade fair banners", "Newsletter copy")
    topics = ("Packaging proofs", "Recipe cards", "Social posts for next week", "Product photos", "Trade fair stand")
    ended = b.client.ended
    for i, ym in enumerate(months((2025, 9), b.client.last_billed)):
        last = ym == (ended.year, ended.month)
        hi = ended.day - 3 if last else 31   # the last month's events come before the end
        b.work(ym, quarter_hours(rng, 20, 24) if last else quarter_hours(rng, 34, 40), tasks,
               "Packaging & social retainer", hi=ended.day if last else 31)
        b.status_calls(ym, hi=hi)
        b.correspondence(ym, rng.randint(3, 4), topics, (2.0, 3.5), hi=hi)
        b.monthly_report(ym, f"Monthly report: {MONTH_EN[ym[1] - 1]}")
        b.event(ym, "meeting_held", "Monthly marketing review", lo=8, hi=min(hi, 24), channel="video",
                contact=b.contact())
        b.event(ym, "deadline_met", "Monthly packaging and social assets delivered", hi=hi)
        b.event(ym, "call", "Quick sync on priorities", hi=hi, direction=rng.choice(("in", "out")), channel="phone",
                contact=b.contact())
        if i % 2 == 0:
            b.event(ym, "praise", "The new packaging flies off the shelves", hi=hi, direction="in", channel="email",
                    contact="Hanna Berg")
    b.event((2025, 9), "delivered_early", "Trade fair banners delivered early")
    b.thread_from_client(datetime(2026, 3, 16, 9, 40), "Budget cut: we have to end the retainer on 20 March")
    b.pay_all((-6, 0))


STORIES = {
    "northwind": healthy_partner, "alpenrose": goes_quiet, "copperleaf": scope_creeper, "pinecrest": late_payer,
    "harrow": rude_client, "solstice": recovery, "orbita": new_client, "veter": russian_client,
    "duval": ordinary_mixed, "tidewater": ordinary_steady, "brightline": slow_slide, "kestrel": sudden_end,
}


def internal_time(agency: Agency, rng: random.Random) -> None:
    """Time without a client: team meetings, training, hiring interviews."""
    def add(d: date, person: str, task: str, hours: float) -> None:
        agency.log_time({"date": d, "client": "", "project": "Internal", "person": person, "task": task,
                         "tags": "", "hours": hours, "billable": False, "category": ""})

    for ym in months():
        for d in mondays(ym):
            for person in PEOPLE:
                add(d, person, "Team meeting", 1.0)
        for person in PEOPLE:
            add(rng.choice(weekdays(ym)), person, "Training", quarter_hours(rng, 1, 3))
        if ym in ((2026, 3), (2026, 4), (2026, 9)):
            for _ in range(6):
                add(rng.choice(weekdays(ym)), rng.choice((ANNA, BEN, DMITRY)), "Hiring interviews", 1.0)


# --------------------------------------------------------------------------------------------------------------
# Building and writing
# --------------------------------------------------------------------------------------------------------------


def plan_invoices(agency: Agency) -> None:
    """One invoice per client and month (issued on the month's last weekday, or on the day the relationship
    ended) plus the sold extras, numbered in order of issue: first the clients still with us (INV-1001 on),
    then, in a block after them, the clients who left. Regular invoices of retainer clients cost the retainer;
    hourly ones are priced by the story."""
    drafts = []
    for order, c in enumerate(CLIENTS):
        for ym in months(c.first_month, c.last_billed):
            amount = c.retainer_hours * c.rate if c.retainer_hours else 0.0
            issued = last_weekday(ym) if c.ended is None else min(last_weekday(ym), c.ended)
            drafts.append((issued, order, c, amount, ""))
    by_key = {c.key: (order, c) for order, c in enumerate(CLIENTS)}
    for key, issued, amount, what in SOLD_EXTRAS:
        order, c = by_key[key]
        drafts.append((issued, order, c, amount, what))
    drafts.sort(key=lambda d: (d[2].ended is not None, d[0], d[1]))
    for n, (issued, _order, c, amount, what) in enumerate(drafts, start=1001):
        agency.invoices.append(Invoice(f"INV-{n}", c, issued, round(amount, 2), extra=what))


def merge_repeats(rows: list[dict]) -> list[dict]:
    """Merge time entries that came out identical (same day, person, task, hours...) by adding their hours, so
    the only exact duplicate in the output is the deliberate one."""
    out: list[dict] = []
    seen: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[k] for k in ("date", "client", "project", "person", "task", "tags", "hours", "billable",
                                     "category"))
        if key in seen:
            seen[key]["hours"] += row["hours"]  # at most 4 + 4 hours: still a plausible entry
            continue
        seen[key] = dict(row)
        out.append(seen[key])
    return out if len(out) == len(rows) else merge_repeats(out)  # a merged row may now repeat another one


def build(seed: int = DEFAULT_SEED) -> Agency:
    """Generate the whole agency for a seed."""
    agency = Agency()
    plan_invoices(agency)
    internal_time(agency, random.Random(f"{seed}:internal"))
    for c in CLIENTS:
        STORIES[c.key](Book(agency, c, random.Random(f"{seed}:{c.key}")))
    add_recaps(agency, seed)
    rows = merge_repeats(agency.time_entries)
    rows.sort(key=lambda r: (r["date"], r["person"], r["client"], r["project"], r["task"], r["hours"]))
    # Deliberate data-quality oddities (listed in data/sample/README.md):
    # 1. a forgotten timer of 26.5 hours;
    rows.append({"date": date(2026, 3, 12), "client": "Maison Duval", "project": "Brand design", "person": PRIYA,
                 "task": "Packaging mockups", "tags": "design", "hours": 26.5, "billable": True, "category": ""})
    rows.sort(key=lambda r: (r["date"], r["person"], r["client"], r["project"], r["task"], r["hours"]))
    # 2. one row exported twice, verbatim.
    i = next(i for i, r in enumerate(rows) if r["date"] >= date(2026, 5, 20) and
             r["client"] == "Northwind Outfitters" and r["project"] == "Website & email retainer")
    rows.insert(i + 1, dict(rows[i]))
    agency.time_entries = rows
    agency.crm.sort(key=lambda r: (r["date"], r["client"], r["kind"], r["subject"]))
    return agency


def _thread_ids(crm_rows: list[dict]) -> dict[str, str]:
    """Readable thread ids, numbered in order of first appearance: first the threads of the clients still with
    us, then those of the clients who left."""
    left = {c.key for c in CLIENTS if c.ended is not None}
    ids: dict[str, str] = {}
    for row in sorted(crm_rows, key=lambda r: r["key"] in left):
        if row["thread"] and row["thread"] not in ids:
            ids[row["thread"]] = f"T{len(ids) + 1:05d}"
    return ids


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=",", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


# --------------------------------------------------------------------------------------------------------------
# The evidence where it lives (DESIGN section 2a): some of the events above are written into the files an agency
# keeps them in, not into the CRM export. They are the same events (same day, kind and weight), so every figure
# stays what the stories call for; they are derived when read.
# --------------------------------------------------------------------------------------------------------------

#: Pinecrest's sprints and releases are Jira issues of the project PIN.
JIRA_CLIENT, JIRA_KINDS = "pinecrest", ("deadline_met", "deadline_missed")
JIRA_HEADER = ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Project key", "Project name", "Priority",
               "Resolution", "Assignee", "Reporter", "Created", "Updated", "Resolved", "Due date", "Labels", "Labels"]
#: Alpenrose's monthly marketing meeting is a recurring event of the agency's calendar.
CALENDAR_CLIENT, CALENDAR_KINDS, CALENDAR_DOMAIN = "alpenrose", ("meeting_held", "meeting_cancelled"), "alpenrose-hotels.at"
#: Северный ветер's account manager keeps a register in Russian words.
REGISTER_CLIENT = "veter"
REGISTER_WORDS = {"deadline_met": "Сдали в срок", "delivered_early": "Досрочно", "praise": "Похвала",
                  "error_found": "Ошибка", "issue_resolved": "Исправили", "meeting_held": "Встреча",
                  "proactive_report": "Отчёт", "payment_reminder": "Напоминание об оплате", "call": "Звонок"}
DIRECTION_RU = {"in": "вх", "out": "исх", "": ""}


def _jira_time(when: datetime) -> str:
    """Jira's own date format: ``12/Mar/26 9:41 AM``."""
    return f"{when.day:02d}/{when:%b}/{when:%y} {when.hour % 12 or 12}:{when:%M} {'AM' if when.hour < 12 else 'PM'}"


def _jira_rows(events: list[dict]) -> list[list[str]]:
    """One issue per deadline event: a met one resolved that day and due the next; a missed one due the day
    before the event and still open (the work is paused)."""
    rows = []
    for number, event in enumerate(events, start=1):
        when = event["date"]
        met = event["kind"] == "deadline_met"
        due = datetime.combine(when.date() + timedelta(days=1 if met else -1), time())
        created = when - timedelta(days=14)
        rows.append([event["subject"], f"PIN-{number}", str(10100 + number), "Task", "Done" if met else "In Progress",
                     "PIN", "Digital platform", "Medium", "Done" if met else "", BEN, BEN, _jira_time(created),
                     _jira_time(when), _jira_time(when) if met else "", _jira_time(due), "sprint", ""])
    return rows


def _ics_time(when: datetime) -> str:
    return when.strftime("%Y%m%dT%H%M%S")


def _calendar(events: list[dict]) -> str:
    """The meetings as one monthly series (10:00 on the 15th, in Vienna's time zone), each month's occurrence
    moved to when it took place, or cancelled; a month without one is excluded, another meeting is its own."""
    series = [e for e in events if e["subject"].startswith("Monthly marketing meeting")]
    others = [e for e in events if e not in series]
    first, last = series[0]["date"], series[-1]["date"]
    months_between = (last.year - first.year) * 12 + last.month - first.month + 1
    slot = {(e["date"].year, e["date"].month): e for e in series}
    nominal = [datetime(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 15, 10)
               for i in range(months_between)]
    attendee = f"ATTENDEE;CN=Katrin Huber;PARTSTAT=ACCEPTED:mailto:katrin.huber@{CALENDAR_DOMAIN}"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
             "X-WR-CALNAME:Accounts", "BEGIN:VTIMEZONE", "TZID:Europe/Vienna", "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100",
             "TZOFFSETTO:+0200", "TZNAME:CEST", "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
             "END:DAYLIGHT", "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
             "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD", "END:VTIMEZONE"]

    def block(uid: str, start: datetime, summary: str, *extra: str) -> list[str]:
        return ["BEGIN:VEVENT", f"DTSTART;TZID=Europe/Vienna:{_ics_time(start)}",
                f"DTEND;TZID=Europe/Vienna:{_ics_time(start + timedelta(hours=1))}", f"UID:{uid}",
                f"SUMMARY:{summary}", "ORGANIZER;CN=Ben Carter:mailto:ben.carter@agency.example", attendee, *extra,
                "END:VEVENT"]
    skipped = [n for n in nominal if (n.year, n.month) not in slot]
    lines += block("alpenrose-monthly@agency.example", nominal[0], "Monthly marketing meeting",
                   f"RRULE:FREQ=MONTHLY;COUNT={months_between}",
                   *([f"EXDATE;TZID=Europe/Vienna:{','.join(_ics_time(n) for n in skipped)}"] if skipped else []))
    for n in nominal:
        event = slot.get((n.year, n.month))
        if event is not None:
            status = "CANCELLED" if event["kind"] == "meeting_cancelled" else "CONFIRMED"
            lines += block("alpenrose-monthly@agency.example", event["date"], event["subject"],
                           f"RECURRENCE-ID;TZID=Europe/Vienna:{_ics_time(n)}", f"STATUS:{status}")
    for i, event in enumerate(others, start=1):
        status = "CANCELLED" if event["kind"] == "meeting_cancelled" else "CONFIRMED"
        lines += block(f"alpenrose-{i}@agency.example", event["date"], event["subject"], f"STATUS:{status}")
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def _register_rows(events: list[dict]) -> list[list[str]]:
    return [[e["date"].strftime("%d.%m.%Y %H:%M"), e["client"], REGISTER_WORDS[e["kind"]], e["subject"], e["contact"],
             e["weight"], DIRECTION_RU[e["direction"]], e["channel"]] for e in events]


# --------------------------------------------------------------------------------------------------------------
# Conversations (DESIGN section 2a). We write a recap after every meeting and call, except the scope creeper's
# planning meetings from June 2026 (agreements made aloud). Alpenrose's mail is an mbox of Ben Carter's
# letters; Harrow's and Copperleaf's messages are chats of one Telegram Desktop export. Texts, senders and
# recaps come from random generators of their own, so the stories' events stay what they were.
# --------------------------------------------------------------------------------------------------------------

#: The scope creeper's meetings that nobody writes up from this month on.
UNRECAPPED_CLIENT, UNRECAPPED_SUBJECT, UNRECAPPED_FROM = "copperleaf", "Monthly planning", (2026, 6)
AGENCY_DOMAIN = "agency.example"
MAIL_CLIENT, MAIL_FILE = "alpenrose", "alpenrose.mbox"
CHAT_FILE = "result.json"
#: Chat titles: Harrow's names the client; Copperleaf's is listed in the `chats` column of clients.csv.
CHAT_TITLES = {"harrow": "Harrow Motor Group × Agency", "copperleaf": "CL website 2026"}
MESSAGE_KINDS = ("email_in", "email_out", "message_in", "message_out")
#: People of the scope creeper who join its chat, each first writing in this month (and giving orders that
#: contradict the others').
NEWCOMERS = (((2026, 6), "Mia Fischer"), ((2026, 8), "Leo Grant"), ((2026, 9), "Olivia Brooks"),
             ((2026, 10), "Ethan Cole"))


def add_recaps(agency: Agency, seed: int) -> None:
    """A recap e-mail of ours within hours of each meeting held and call (in a thread of its own)."""
    spoken = [r for r in agency.crm if r["kind"] in ("meeting_held", "call")]
    by_key = {c.key: c for c in CLIENTS}
    books = {c.key: Book(agency, c, random.Random(f"{seed}:recaps:{c.key}")) for c in CLIENTS}
    for number, row in enumerate(spoken, start=1):
        if (row["key"] == UNRECAPPED_CLIENT and row["subject"] == UNRECAPPED_SUBJECT
                and (row["date"].year, row["date"].month) >= UNRECAPPED_FROM):
            continue
        b = books[row["key"]]
        word = "Итоги" if by_key[row["key"]].currency == "RUB" else "Recap"
        b.crm(b.our_answer(row["date"], (1.2, 4.0)), "email_out", f"{word}: {row['subject']}", "out", "email",
              row["contact"] or b.contact(), f"{row['key']}:recap:{number}")


# ---- texts ---------------------------------------------------------------------------------------------------

OUR_LINES = ("Thanks, we are on it.", "Here is the new version for your review.", "Attached are the files.",
             "We will send the next draft on Thursday.", "Noted, we will adjust the layout.",
             "Could you confirm the wording before we publish?", "The changes are live on the preview link.",
             "Happy to walk you through it on a call.")
CLIENT_LINES = ("Thank you for the draft, it reads well overall.", "The team had a look this morning.",
                "Could you make the headline a little shorter?", "We would like a warmer photo for the top.",
                "Please check the prices against the new list.", "The second option works better for us.",
                "Our director asked for one more variant.", "Can you send it as a PDF as well?",
                "The dates in the third paragraph are wrong.", "Let us keep the old logo for now.")
SHORT_LINES = ("Ok.", "Fine.", "Noted.", "Will check.", "Later.", "Ok, go ahead.", "Looks fine.")
IRRITATED_LINES = ("Again?! The banner still shows the old price.", "Third time I ask for the dealer logos.",
                   "UNACCEPTABLE. FIX IT TODAY.", "How many times do I have to repeat this?",
                   "Still not done?! We launch on Monday.", "This is unacceptable, the photos are wrong again.")
NEWCOMER_LINES = {
    "Mia Fischer": ("Mia from brand here: keep the homepage hero dark, as the brand book says.",
                    "Please no bright colours on the case studies, brand rules."),
    "Leo Grant": ("Leo, sales: the homepage hero must be bright, and add the price list.",
                  "Sales needs the prices on every case study page."),
    "Olivia Brooks": ("Olivia from the CEO's office: hold the homepage, we may change the name.",),
    "Ethan Cole": ("Ethan, new in marketing: can we get the showreel page in three languages?",),
}


def _sentences(rng: random.Random, lines: tuple[str, ...], n: int) -> str:
    return " ".join(rng.sample(lines, n))


def _alpenrose_text(rng: random.Random, when: datetime) -> str:
    """Katrin's letters shrink as she goes quiet: a few sentences until May 2026, a word in October."""
    ym = (when.year, when.month)
    if ym < (2026, 6):
        return _sentences(rng, CLIENT_LINES, rng.randint(3, 5))
    if ym < (2026, 8):
        return _sentences(rng, CLIENT_LINES, 2 if ym == (2026, 6) else 1)
    return rng.choice(SHORT_LINES)


def _chat_text(rng: random.Random, key: str, sender: str, when: datetime) -> str:
    if sender in NEWCOMER_LINES:
        return rng.choice(NEWCOMER_LINES[sender])
    angry = 0.0 if when < datetime(2026, 2, 1) else 0.5 if when < datetime(2026, 8, 1) else 0.85
    if key == "harrow" and sender == "Victor Harrow" and rng.random() < angry:
        return rng.choice(IRRITATED_LINES)
    return _sentences(rng, CLIENT_LINES, rng.randint(1, 3))


def _mailbox_address(name: str, domain: str) -> str:
    return f"{name} <{name.lower().replace(' ', '.')}@{domain}>"


# ---- the mbox ------------------------------------------------------------------------------------------------

def _mbox(rows: list[dict], seed: int) -> bytes:
    """Ben Carter's letters with Alpenrose as an mbox: threads by In-Reply-To and References, the client's
    replies quoting ours below their own text, some as text and HTML, and one out-of-office reply."""
    rng = random.Random(f"{seed}:mail")
    client = next(c for c in CLIENTS if c.key == MAIL_CLIENT)
    ours, ids, texts, out = _mailbox_address(client.account_manager, AGENCY_DOMAIN), {}, {}, []
    away = next(r for r in rows if r["kind"] == "email_out" and r["date"] >= datetime(2026, 8, 10))
    for number, row in enumerate(rows, start=1):
        row = {**row, "date": row["date"].replace(second=0, microsecond=0)}    # the CRM's minutes
        theirs = _mailbox_address(row["contact"], CALENDAR_DOMAIN)
        inbound = row["kind"] == "email_in"
        msg = EmailMessage()
        msg["From"], msg["To"] = (theirs, ours) if inbound else (ours, theirs)
        msg["Subject"] = row["subject"]
        msg["Date"] = format_datetime(row["date"].replace(tzinfo=UTC))
        msg["Message-ID"] = f"<{number:04d}.{row['date']:%Y%m%d%H%M}@{CALENDAR_DOMAIN if inbound else AGENCY_DOMAIN}>"
        chain = ids.setdefault(row["thread"], [])
        if chain:
            msg["In-Reply-To"], msg["References"] = chain[-1], " ".join(chain)
        text = _alpenrose_text(rng, row["date"]) if inbound else _sentences(rng, OUR_LINES, rng.randint(2, 3))
        if inbound and chain:
            quoted = "\n".join("> " + line for line in texts[chain[-1]].split("\n"))
            body = f"{text}\n\nOn {format_datetime(row['date'].replace(tzinfo=UTC))}, Ben Carter wrote:\n{quoted}\n"
        else:
            body = f"{text}\n\n{row['contact'].split()[0] if inbound else 'Ben'}\n"
        msg.set_content(body)
        if inbound and number % 3 == 0:              # Outlook writes text and HTML
            msg.add_alternative(f"<html><body><p>{text}</p></body></html>\n", subtype="html")
            msg.set_boundary(f"=_alt{number:04d}")
        chain.append(msg["Message-ID"])
        texts[msg["Message-ID"]] = text
        out.append(msg)
        if row["date"] == away["date"] and not inbound:     # Katrin is on holiday: Outlook answers for her
            auto = EmailMessage()
            auto["From"], auto["To"] = _mailbox_address("Katrin Huber", CALENDAR_DOMAIN), ours
            auto["Subject"] = "Automatische Antwort: " + row["subject"]
            auto["Date"] = format_datetime((row["date"] + timedelta(minutes=1)).replace(tzinfo=UTC))
            auto["Message-ID"] = f"<auto.{row['date']:%Y%m%d%H%M}@{CALENDAR_DOMAIN}>"
            auto["In-Reply-To"], auto["Auto-Submitted"] = msg["Message-ID"], "auto-replied"
            auto.set_content("Ich bin bis 24.08.2026 nicht im Büro. I am out of the office until 24 August 2026.\n")
            out.append(auto)
    parts = []
    for msg in out:
        sender = str(msg["From"]).rsplit("<", 1)[-1].rstrip(">")
        stamp = msg["Date"].datetime.strftime("%a %b %d %H:%M:%S %Y")
        raw = msg.as_bytes(policy=email.policy.SMTP.clone(linesep="\n"))
        raw = re.sub(rb"(?m)^(>*From )", rb">\1", raw)          # mboxrd quoting of body lines
        parts.append(f"From {sender} {stamp}\n".encode() + raw.rstrip(b"\n") + b"\n\n")
    return b"".join(parts)


# ---- the Telegram export -------------------------------------------------------------------------------------

def _unix(when: datetime) -> str:
    return str(int(when.replace(tzinfo=UTC).timestamp()))


def _telegram(chats: dict[str, list[dict]], seed: int) -> str:
    """One Telegram Desktop export of the whole account (JSON): a chat per client with a service message
    that creates it, replies as `reply_to_message_id`, text as a string or as entities, photos with
    captions, edits and a bot; and the agency's own team chat, which names no client."""
    rng = random.Random(f"{seed}:chats")
    people: dict[str, str] = {}

    def user(name: str) -> str:
        return people.setdefault(name, f"user{5_000_100 + 17 * len(people)}")
    listed, message_id = [], 1000
    for number, (key, rows) in enumerate(chats.items(), start=1):
        client = next(c for c in CLIENTS if c.key == key)
        created = datetime(2025, 9, 1, 9, 0) + timedelta(minutes=number)
        manager = client.account_manager
        messages = [{"id": message_id, "type": "service", "date": created.isoformat(), "date_unixtime": _unix(created),
                     "actor": manager, "actor_id": user(manager), "action": "create_group",
                     "title": CHAT_TITLES[key], "members": [manager, *client.contacts], "text": "",
                     "text_entities": []}]
        last_in_thread, joined = {}, []
        for row in rows:
            message_id += 1
            row = {**row, "date": row["date"].replace(second=0, microsecond=0)}    # the CRM's minutes
            ym = (row["date"].year, row["date"].month)
            if row["kind"].endswith("_in"):
                sender = row["contact"]
                if key == UNRECAPPED_CLIENT and ym >= NEWCOMERS[0][0]:
                    arriving = [name for month, name in NEWCOMERS if month == ym and name not in joined]
                    if arriving:
                        sender = arriving[0]
                        joined.append(sender)
                    elif joined and rng.random() < 0.5:
                        sender = rng.choice(joined)
                text = _chat_text(rng, key, sender, row["date"])
            else:
                sender = manager if rng.random() < 0.7 else rng.choice(client.team)
                text = _sentences(rng, OUR_LINES, 1)
            message = {"id": message_id, "type": "message", "date": row["date"].isoformat(),
                       "date_unixtime": _unix(row["date"]), "from": sender, "from_id": user(sender)}
            if row["thread"] in last_in_thread:
                message["reply_to_message_id"] = last_in_thread[row["thread"]]
            last_in_thread[row["thread"]] = message_id
            if rng.random() < 0.1:
                edited = row["date"] + timedelta(minutes=rng.randint(1, 30))
                message.update(edited=edited.isoformat(), edited_unixtime=_unix(edited))
            if row["kind"].endswith("_in") and rng.random() < 0.1:
                message.update(photo=f"photos/photo_{message_id}@{row['date']:%d-%m-%Y_%H-%M-%S}.jpg", width=1280,
                               height=960)
            first, _, rest = text.partition(" ")
            if rest and rng.random() < 0.3:              # a bold first word: text as a list of entities
                message["text"] = [{"type": "bold", "text": first}, " " + rest]
                message["text_entities"] = [{"type": "bold", "text": first}, {"type": "plain", "text": " " + rest}]
            else:
                message["text"] = text
                message["text_entities"] = [{"type": "plain", "text": text}]
            messages.append(message)
        if key == UNRECAPPED_CLIENT:                      # the preview bot posts; it is no person
            bot_at = datetime(2026, 9, 7, 12, 0)
            message_id += 1
            messages.append({"id": message_id, "type": "message", "date": bot_at.isoformat(),
                             "date_unixtime": _unix(bot_at), "from": "PreviewDeployBot", "from_id": "user7000001",
                             "via_bot": "@PreviewDeployBot", "text": "Preview deployed: showreel page",
                             "text_entities": [{"type": "plain", "text": "Preview deployed: showreel page"}]})
            messages.sort(key=lambda m: (m["date"], m["id"]))
        listed.append({"name": CHAT_TITLES[key], "type": "private_supergroup", "id": 1_700_000_000 + number,
                       "messages": messages})
    team = [{"id": 9000 + i, "type": "message", "date": when, "date_unixtime": _unix(datetime.fromisoformat(when)),
             "from": who, "from_id": user(who), "text": text, "text_entities": [{"type": "plain", "text": text}]}
            for i, (when, who, text) in enumerate((
                ("2026-10-02T09:15:00", ANNA, "Stand-up moved to 10:00 today."),
                ("2026-10-02T09:17:00", MARCO, "Ok"),
                ("2026-10-16T16:40:00", BEN, "Pizza on Friday?")))]
    listed.append({"name": "Agency team", "type": "private_group", "id": 1_699_999_999, "messages": team})
    export = {"about": "Here is the data you requested. To view it, open export_results.html.",
              "chats": {"about": "This page lists all chats from this export.", "list": listed}}
    return json.dumps(export, ensure_ascii=False, indent=1) + "\n"


def _routed(agency: Agency) -> dict[str, list[dict]]:
    """The CRM rows that stay in the CRM export (``crm``), and those of Jira, the calendar, the register, the
    mbox (``mail``) and each client's chat (``chat:<key>``)."""
    routed: dict[str, list[dict]] = {"crm": [], "jira": [], "calendar": [], "register": [], "mail": []}
    for row in agency.crm:
        key, kind = row["key"], row["kind"]
        if key == JIRA_CLIENT and kind in JIRA_KINDS:
            routed["jira"].append(row)
        elif key == CALENDAR_CLIENT and kind in CALENDAR_KINDS:
            routed["calendar"].append(row)
        elif key == REGISTER_CLIENT and kind in REGISTER_WORDS and not row["thread"]:
            routed["register"].append(row)
        elif key == MAIL_CLIENT and kind in ("email_in", "email_out"):
            routed["mail"].append(row)
        elif key in CHAT_TITLES and kind in MESSAGE_KINDS and ":recap:" not in row["thread"]:   # recaps: by mail
            routed.setdefault(f"chat:{key}", []).append(row)
        else:
            routed["crm"].append(row)
    return routed


def write_sample(out_dir: str | Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Write the sample agency's files: the four canonical CSVs, and the evidence where it lives (a Jira
    export, a calendar, a register in Russian words).

    Parameters
    ----------
    out_dir : str or pathlib.Path
        Folder to write into; created when missing. Existing files of the same names are replaced.
    seed : int, default 20261031
        Seed of the random generators. The same seed always gives byte-identical files.

    Returns
    -------
    list of pathlib.Path
        The files written: ``clients.csv``, ``time_entries.csv``, ``crm_activities.csv``, ``invoices.csv``,
        ``jira.csv``, ``calendar.ics``, ``register.csv``, ``alpenrose.mbox``, ``result.json``.

    Examples
    --------
    >>> paths = write_sample("/tmp/relhealth-sample")  # doctest: +SKIP
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    agency = build(seed)
    routed = _routed(agency)
    crm = routed["crm"]
    paths = [out / name for name in ("clients.csv", "time_entries.csv", "crm_activities.csv", "invoices.csv",
                                     "jira.csv", "calendar.ics", "register.csv", MAIL_FILE, CHAT_FILE)]
    projects = {JIRA_CLIENT: "PIN"}
    domains = {CALENDAR_CLIENT: CALENDAR_DOMAIN}
    chats = {UNRECAPPED_CLIENT: CHAT_TITLES[UNRECAPPED_CLIENT]}     # Harrow's chat title names the client
    _write(paths[0], ["client", "aliases", "account_manager", "retainer_hours", "payment_terms_days", "currency",
                      "hourly_rate", "projects", "domains", "chats", "ended"],
           [[c.name, ";".join(c.aliases), c.account_manager, "" if c.retainer_hours is None else str(c.retainer_hours),
             str(c.payment_terms_days), c.currency, f"{c.rate:.2f}", projects.get(c.key, ""), domains.get(c.key, ""),
             chats.get(c.key, ""), c.ended.isoformat() if c.ended else ""] for c in CLIENTS])

    _write(paths[1], ["date", "client", "project", "person", "task", "tags", "hours", "billable", "category"],
           [[r["date"].isoformat(), r["client"], r["project"], r["person"], r["task"], r["tags"],
             f"{r['hours']:.2f}", _yes(r["billable"]), r["category"]] for r in agency.time_entries])

    threads = _thread_ids(crm)
    _write(paths[2], ["date", "client", "kind", "weight", "direction", "channel", "subject", "contact", "thread",
                      "benefits_client", "benefits_us", "covers_cost"],
           [[r["date"].strftime("%Y-%m-%d %H:%M"), r["client"], r["kind"], r["weight"], r["direction"],
             r["channel"], r["subject"], r["contact"], threads.get(r["thread"], ""), r["benefits_client"],
             r["benefits_us"], r["covers_cost"]] for r in crm])

    _write(paths[3], ["invoice", "client", "issued", "due", "amount", "currency", "paid_on", "paid_amount"],
           [[inv.number, inv.client.billing_name or inv.client.name, inv.issued.isoformat(), inv.due.isoformat(),
             f"{inv.amount:.2f}", inv.client.currency, inv.paid_on.isoformat() if inv.paid_on else "",
             "" if inv.paid_amount is None else f"{inv.paid_amount:.2f}"] for inv in agency.invoices])
    with paths[4].open("w", encoding="utf-8-sig", newline="") as f:      # Jira writes a BOM and CRLF
        csv.writer(f, lineterminator="\r\n").writerows([JIRA_HEADER, *_jira_rows(routed["jira"])])
    paths[5].write_bytes(_calendar(routed["calendar"]).encode("utf-8"))
    with paths[6].open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";", lineterminator="\n").writerows(
            [["Дата", "Клиент", "Событие", "Описание", "Контакт", "Вес", "Направление", "Канал"],
             *_register_rows(routed["register"])])
    paths[7].write_bytes(_mbox(routed["mail"], seed))
    paths[8].write_bytes(_telegram({key: routed[f"chat:{key}"] for key in CHAT_TITLES}, seed).encode("utf-8"))
    return paths


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m tools.sample OUT_DIR [--seed N]``."""
    parser = argparse.ArgumentParser(prog="python -m tools.sample",
                                     description="Write the seeded sample agency's files.")
    parser.add_argument("out_dir", help="folder to write clients.csv, time_entries.csv, crm_activities.csv, "
                                        "invoices.csv, jira.csv, calendar.ics, register.csv, alpenrose.mbox and "
                                        "result.json into")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)
    for path in write_sample(args.out_dir, args.seed):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
