"""Trello boards (a board's Menu > Print, export and share > Export as JSON) read as tasks: each card with a
due date one task, its board the project (``projects`` in clients.csv names the client of a board).

A card is done when its due date is marked complete (``dueComplete``); the day it was marked is that of
the board's ``updateCard`` action that set it. An export holds the board's latest actions only, so for a
card completed earlier the day of its last activity (``dateLastActivity``) stands in, with a note. The
cards become the rows of a ``tasks.csv`` (row 2 is the first card), read by the same readers and checks.
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from relhealth.errors import InputError, Problem
from relhealth.io.quality import Count

#: The columns of the tasks table a board gives.
COLUMNS = ["client", "task", "due", "done", "id", "status", "project"]


def _completed_on(board: dict) -> dict[str, str]:
    """The day each card's due date was marked complete, from the board's actions (the latest last)."""
    done = {}
    for action in sorted(board.get("actions") or [], key=lambda a: a.get("date", "")):
        data = action.get("data") or {}
        card = data.get("card") or {}
        if action.get("type") == "updateCard" and card.get("dueComplete") is True \
                and (data.get("old") or {}).get("dueComplete") is False:
            done[card.get("id")] = action.get("date", "")
    return done


def trello_as_csv(path: Path) -> tuple[bytes, str, list[tuple[str, dict, list[int]]]]:
    """A Trello board export as the UTF-8 bytes of a tasks CSV file, how it was read, and its notes
    (code, the values of its sentence, rows).

    Raises
    ------
    InputError : for a file that is not JSON, or JSON that is not a Trello board export.
    """
    try:
        board = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(Problem(str(path), f"is not JSON ({exc}). Export the board again as JSON.")) from None
    if not (isinstance(board, dict) and isinstance(board.get("cards"), list) and isinstance(board.get("lists"), list)):
        raise InputError(Problem(str(path), (
            "is JSON but neither a Trello board export (cards and lists) nor a Telegram Desktop chat export "
            "(messages). relhealth reads a board's Menu > Print, export and share > Export as JSON, and Telegram "
            "Desktop's Export chat history in JSON; move any other .json out of the folder.")))
    lists = {item.get("id"): item.get("name", "") for item in board["lists"] if isinstance(item, dict)}
    completed = _completed_on(board)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    guessed = []
    for number, card in enumerate(board["cards"], start=2):
        done = ""
        if card.get("dueComplete"):
            done = completed.get(card.get("id"), "")
            if not done:
                done = card.get("dateLastActivity") or ""
                guessed.append(number)
        writer.writerow(["", card.get("name", ""), card.get("due") or "", done, card.get("shortLink") or card.get("id", ""),
                         lists.get(card.get("idList"), ""), board.get("name", "")])
    notes = []
    if guessed:
        notes.append(("done_from_activity", {"cards": Count(len(guessed), "note_card")}, guessed))
    return out.getvalue().encode("utf-8"), "Trello board (JSON)", notes


__all__ = ["trello_as_csv"]
