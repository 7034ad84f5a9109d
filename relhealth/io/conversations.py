"""Conversations (DESIGN section 2a): Telegram Desktop chat exports (``.json``) and mail (``.mbox`` files,
``.eml`` files) read as the client's and our messages, one CRM activity each.

A message is ours when its sender is one of the agency's people (``[people] staff``, with the names of the
time entries; ``[people] domains``, the agency's mail domains), else the client's: ``message_out`` and
``message_in`` for chats, ``email_out`` and ``email_in`` for mail. A chat's client is the client whose
``chats`` in clients.csv lists its title, else the one its title names; a letter's, the client of the other
side's domain (``domains`` in clients.csv). The ``thread`` is the root of a message's reply chain. Each
message keeps its sender (``contact``), ``length`` (the characters of its own text, quoted replies
removed) and that ``text``, for the tone patterns: it is shown on its client's own page only. Service
messages, bots, automatic mail and people who are neither ours nor a client's are left out, each with a
note that counts them.
"""
from __future__ import annotations

import datetime as dt
import email
import email.policy
import html
import mailbox
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from relhealth.columns import ROW, SOURCE
from relhealth.errors import InputError, Problem
from relhealth.io.names import client_key
from relhealth.io.quality import Count, phrase

#: The columns of the CRM activities a conversation gives.
COLUMNS = ["date", "client", "kind", "direction", "channel", "subject", "contact", "thread", "length", "text", SOURCE,
           ROW]
#: A quoted reply's start: "> ..." lines, "On ... wrote:", "Am ... schrieb ...:", "... пишет:", an Outlook header block.
_QUOTE_START = re.compile(r"^(>|On .{4,200} wrote:\s*$|Am .{4,200} schrieb.{0,200}:\s*$"
                          r"|.{0,200}(пишет|написал\(?а?\)?)\s*:\s*$|-{2,}\s*(Original Message|Ursprüngliche Nachricht)"
                          r"|-{2,}\s*Исходное сообщение|(From|Von|От):\s)", re.IGNORECASE)
_AUTO_SUBJECT = re.compile(r"^(out of office|automatic reply|auto(matic)?[- ]?reply|abwesenheit|автоответ|"
                           r"автоматический ответ|нет на месте)", re.IGNORECASE)


@dataclass(frozen=True)
class People:
    """The agency's people: names (casefolded keys) and mail domains."""

    names: frozenset[str]
    domains: frozenset[str]

    def ours_by_name(self, name: str) -> bool:
        return client_key(name) in self.names


def own_text(text: str) -> str:
    """A message's own text: its lines up to the first quoted reply, trimmed."""
    lines = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_START.match(line.strip()):
            break
        lines.append(line)
    return "\n".join(lines).strip()


def _own(text: str) -> dict:
    """A message's ``length`` and ``text``: its own, quoted replies removed."""
    own = own_text(text)
    return {"length": len(own), "text": own}


# ---- Telegram ---------------------------------------------------------------------------------------------

def _telegram_text(text) -> str:
    """Telegram writes ``text`` as a string, or as a list of strings and entities (``{"type": "bold",
    "text": ...}``)."""
    if isinstance(text, str):
        return text
    if isinstance(text, list):
        return "".join(part if isinstance(part, str) else str(part.get("text", "")) for part in text)
    return ""


def telegram_chats(data: dict) -> list[dict] | None:
    """The chats of a Telegram Desktop export: one chat's ``result.json``, or the whole account's
    (``chats.list``); None when the JSON is neither."""
    if isinstance(data.get("messages"), list):
        return [data]
    chats = data.get("chats")
    if isinstance(chats, dict) and isinstance(chats.get("list"), list):
        return [c for c in chats["list"] if isinstance(c, dict) and isinstance(c.get("messages"), list)]
    return None


def telegram_rows(chats: list[dict], source: str, client_of_chat, people: People, quality) -> pd.DataFrame:
    """The messages of the chats as CRM activities; service messages, bots and chats of no client noted."""
    rows, service, bots = [], 0, 0
    for chat in chats:
        title = str(chat.get("name") or "")
        client = client_of_chat(title)
        messages = chat["messages"]
        if client is None:
            people_messages = sum(1 for m in messages if m.get("type") == "message")
            if people_messages:
                quality.add(source, "chat_without_client", title=title, messages=Count(people_messages, "note_message"))
            continue
        by_id = {m.get("id"): m for m in messages}
        answered = {m.get("reply_to_message_id") for m in messages} - {None}
        for message in messages:
            if message.get("type") != "message":
                service += 1
                continue
            sender = str(message.get("from") or "")
            if sender.casefold().endswith("bot") or message.get("via_bot"):
                bots += 1
                continue
            ours = people.ours_by_name(sender)
            rows.append({"date": pd.Timestamp(message["date"]), "client": client,
                         "kind": "message_out" if ours else "message_in", "direction": "out" if ours else "in",
                         "channel": "telegram", "subject": "", "contact": sender,
                         "thread": _telegram_thread(message, by_id, answered, chat.get("id")),
                         **_own(_telegram_text(message.get("text"))), SOURCE: source, ROW: int(message.get("id", 0))})
    if service or bots:
        parts = [Count(n, word) for n, word in ((service, "note_service_message"), (bots, "note_bot_message")) if n]
        what = phrase("notes.part.both", first=parts[0], second=parts[1]) if len(parts) == 2 else parts[0]
        quality.add(source, "chat_left_out", what=what)
    return pd.DataFrame(rows, columns=COLUMNS)


def _telegram_thread(message: dict, by_id: dict, answered: set, chat_id) -> str | None:
    """The first message reached by following ``reply_to_message_id``: a reply chain's root and every
    reply in it share the root's thread (as a letter and its replies share the first Message-ID); a
    message that replies to nothing and that nothing replies to has none."""
    if message.get("reply_to_message_id") is None:
        return f"telegram:{chat_id}:{message.get('id')}" if message.get("id") in answered else None
    root, seen = message, set()
    while root.get("reply_to_message_id") in by_id and root.get("id") not in seen:
        seen.add(root.get("id"))
        root = by_id[root["reply_to_message_id"]]
    return f"telegram:{chat_id}:{root.get('id', root.get('reply_to_message_id'))}"


# ---- mail ----------------------------------------------------------------------------------------------------

def _body(message) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, KeyError):         # an unknown charset
        return ""
    if part.get_content_subtype() == "html":
        content = html.unescape(re.sub(r"<(script|style).*?</\1>|<[^>]+>", " ", content, flags=re.S | re.I))
    return content


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip().casefold().rstrip(">") if "@" in address else ""


def _addresses(message, *fields: str) -> list[tuple[str, str]]:
    """(display name, address) of the mailboxes in ``fields``."""
    found = []
    for name in fields:
        header = message.get(name)
        for address in getattr(header, "addresses", ()) if header is not None else ():
            found.append((address.display_name, address.addr_spec))
    return found


def _automatic(message) -> bool:
    auto = str(message.get("Auto-Submitted", "no")).strip().casefold()
    precedence = str(message.get("Precedence", "")).strip().casefold()
    return (auto not in ("", "no") or precedence in ("bulk", "list", "junk", "auto_reply")
            or message.get("X-Autoreply") is not None or bool(_AUTO_SUBJECT.match(str(message.get("Subject", "")))))


def _thread(message) -> str:
    references = str(message.get("References", "")).split()
    return (references[0] if references else str(message.get("In-Reply-To", "")).strip()
            or str(message.get("Message-ID", "")).strip())


def read_letters(path: Path) -> list:
    """The letters of an ``.mbox`` file or of one ``.eml`` file, parsed with the standard library's modern
    policy (RFC 2047 headers decoded)."""
    try:
        if path.suffix.lower() == ".eml":
            return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default)]
        box = mailbox.mbox(path, create=False)
        try:
            return [email.message_from_bytes(m.as_bytes(), policy=email.policy.default) for m in box]
        finally:
            box.close()
    except (OSError, mailbox.Error, ValueError) as exc:
        raise InputError(Problem(str(path), f"does not read as mail ({exc}). Export the mailbox again as mbox.")) from None


def mail_rows(letters: list, source: str, domains: dict[str, str], people: People, quality,
              zone: dt.tzinfo = dt.UTC) -> pd.DataFrame:
    """The letters as CRM activities: ours (the sender's domain is the agency's) to the client of a
    recipient's domain, the client's (the sender's domain is a client's) to us; automatic mail and senders
    of no side left out, with notes. A letter is dated in the agency's ``zone`` (its ``Date`` carries its
    own zone; one without is taken as written in ``zone``)."""
    rows, automatic, strangers = [], 0, {}
    for number, letter in enumerate(letters, start=1):
        if _automatic(letter):
            automatic += 1
            continue
        senders = _addresses(letter, "From")
        if not senders or letter.get("Date") is None:
            continue
        name, address = senders[0]
        ours = _domain(address) in people.domains or people.ours_by_name(name)
        if ours:
            clients = [domains[_domain(a)] for _, a in _addresses(letter, "To", "Cc") if _domain(a) in domains]
        else:
            clients = [domains[_domain(address)]] if _domain(address) in domains else []
        if not clients:
            strangers.setdefault(address or name, 0)
            strangers[address or name] += 1
            continue
        when = letter["Date"].datetime
        when = when.astimezone(zone).replace(tzinfo=None) if when.tzinfo else when
        rows.append({"date": pd.Timestamp(when), "client": clients[0], "kind": "email_out" if ours else "email_in",
                     "direction": "out" if ours else "in", "channel": "email", "subject": str(letter.get("Subject", "")),
                     "contact": name or address, "thread": _thread(letter), **_own(_body(letter)), SOURCE: source,
                     ROW: number})
    if automatic:
        quality.add(source, "mail_automatic", letters=Count(automatic, "note_automatic_letter"))
    for who, count in strangers.items():
        quality.add(source, "mail_stranger", letters=Count(count, "note_letter"), sender=who)
    return pd.DataFrame(rows, columns=COLUMNS)



__all__ = ["COLUMNS", "People", "mail_rows", "own_text", "read_letters", "telegram_chats", "telegram_rows"]
