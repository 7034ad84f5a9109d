"""The command line (DESIGN section 6): argument parsing and printing only."""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from relhealth import __version__

#: The bundled sample agency, the default data folder of every command.
SAMPLE_DIR = Path(__file__).resolve().parent.parent / "data" / "sample"


def month(text: str) -> str:
    """An argparse type for ``YYYY-MM``."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"'{text}' is not a month; write it as YYYY-MM, for example 2026-03")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relhealth",
        description="Client relationship health from an agency's exports: the emotional bank account "
                    "and the overdue-payment effort ratio.",
    )
    parser.add_argument("--version", action="version", version=f"relhealth {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    validate = commands.add_parser(
        "validate", help="read a data folder and print its summary and data-quality notes",
        description="Read every file of a data folder, print what was read and the data-quality notes. "
                    "Exit 0 when the data is usable, 1 when it has errors.")
    validate.add_argument("data_dir", nargs="?", type=Path, default=None, metavar="DATA_DIR",
                          help="the folder of CSV exports (default: the bundled sample)")
    score = commands.add_parser(
        "score", help="print the month review table as CSV",
        description="Score every client for a month and print the review table (docs/metrics.md) as CSV.")
    score.add_argument("data_dir", nargs="?", type=Path, default=None, metavar="DATA_DIR",
                       help="the folder of CSV exports (default: the bundled sample)")
    score.add_argument("--month", type=month, help="YYYY-MM (default: the month of the newest record)")
    score.add_argument("--config", type=Path, metavar="FILE", help="a settings file overriding the shipped one")
    score.add_argument("--out", type=Path, metavar="FILE.csv", help="write the table here instead of to standard output")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from relhealth.errors import InputError
    try:
        if args.command == "validate":
            return _validate(args)
        if args.command == "score":
            return _score(args)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {exc.filename}: {exc.strerror}.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted.", file=sys.stderr)
        return 130
    return 2


def _data_dir(args: argparse.Namespace) -> Path:
    return args.data_dir if args.data_dir is not None else SAMPLE_DIR


def _validate(args: argparse.Namespace) -> int:
    from relhealth.io import read_dataset
    from relhealth.summary import describe_dataset
    from relhealth.settings import load_settings

    dataset = read_dataset(_data_dir(args), known_kinds=load_settings().known_kinds)
    print(describe_dataset(dataset))
    return 0


def _score(args: argparse.Namespace) -> int:
    from relhealth.files import write_text_atomic
    from relhealth.io import read_dataset
    from relhealth.review import default_month, month_review, review_to_csv
    from relhealth.settings import load_settings

    settings = load_settings(args.config)
    dataset = read_dataset(_data_dir(args), known_kinds=settings.known_kinds)
    month = args.month or default_month(dataset)
    text = review_to_csv(month_review(dataset, settings, month))
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(args.out, text)
        print(f"wrote {args.out}", file=sys.stderr)
    for note in dataset.quality:
        print(f"note: {note}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
