"""The command line (DESIGN section 6): argument parsing and printing only."""
from __future__ import annotations

import argparse
import errno
import os
import re
import sys
from pathlib import Path

from relhealth import __version__
from relhealth.columns import TABLES
from relhealth.errors import printable
from relhealth.resources import SAMPLE_DIR


def month(text: str) -> str:
    """An argparse type for ``YYYY-MM``."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2999:
        raise argparse.ArgumentTypeError(f"'{text}' is not a month; write it as YYYY-MM (1900 to 2999), for example "
                                         "2026-03")
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
    _data_arguments(validate, with_month=False)
    score = commands.add_parser(
        "score", help="print the month review table as CSV",
        description="Score every client for a month and print the review table (docs/metrics.md) as CSV.")
    _data_arguments(score)
    score.add_argument("--out", type=Path, metavar="FILE.csv", help="write the table here instead of to standard output")
    report = commands.add_parser(
        "report", help="render the month's HTML reports: one page per client and the portfolio index",
        description="Render one HTML page per client and the portfolio page (index.html) into OUT/YYYY-MM/. "
                    "Pages open offline and show no code.")
    _data_arguments(report)
    _lang_argument(report)
    report.add_argument("--client", action="append", metavar="NAME",
                        help="render only this client's page (repeat for more); the index lists every client")
    report.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                        help="the reports folder (default: reports)")
    report.add_argument("--jobs", type=positive, metavar="N",
                        help="reports rendered at once (default: the number of cores)")
    report.add_argument("--timeout", type=positive, default=300, metavar="SECONDS",
                        help="time limit of one report (default: 300)")
    report.add_argument("--force", action="store_true",
                        help="render every page again, even those whose data, settings and notebook did not change")
    report.add_argument("--pdf", action="store_true",
                        help="also print index.pdf and a PDF per client beside the pages (needs Chromium)")
    notebook = commands.add_parser(
        "notebook", help="write a client's report notebook, parameters filled in, to open in JupyterLab",
        description="Write the client report notebook with its parameters set for one client and month.")
    _data_arguments(notebook)
    _lang_argument(notebook)
    notebook.add_argument("--client", required=True, metavar="NAME", help="the client (any spelling or alias)")
    notebook.add_argument("--out", type=Path, metavar="FILE.ipynb",
                          help="where to write it (default: <client>-<month>.ipynb in the current folder)")
    backtest = commands.add_parser(
        "backtest", help="replay the history: did the score foresee the clients who left and paid late?",
        description="Replay the history month by month, each month as it stood at its end, against what "
                    "followed: clients who left (churned) and invoices paid late. Writes OUT/backtest/index.html "
                    "and OUT/backtest/backtest.csv (one row per client and month). Nothing is fitted.")
    _data_arguments(backtest, with_month=False)
    _lang_argument(backtest)
    backtest.add_argument("--out", type=Path, default=Path("reports"), metavar="DIR",
                          help="the reports folder (default: reports)")
    backtest.add_argument("--from", dest="first", type=month, metavar="YYYY-MM",
                          help="the first month (default: the third month of the data)")
    backtest.add_argument("--to", dest="last", type=month, metavar="YYYY-MM",
                          help="the last month (default: the month of the newest record)")
    mapping = commands.add_parser(
        "mapping", help="print a starter [mapping] for an export relhealth does not know",
        description="Print the start of a [mapping] settings section that reads FILE: the table it looks like "
                    "and its columns guessed for the canonical columns. Check it, fill in each \"?\", and add it "
                    "to a settings file passed with --config (relhealth mapping FILE >> my-settings.toml).")
    mapping.add_argument("file", type=Path, metavar="FILE", help="the export (a .csv file)")
    mapping.add_argument("--table", choices=[spec.name for spec in TABLES],
                         help="the table the export fills (default: the one its columns look like)")
    template = commands.add_parser(
        "template", help="write an empty file to fill in: a register for account managers",
        description="Write an empty register (register.csv) with its header and a few example rows whose date "
                    "starts with #: they are not counted until the # is removed. Open it in Excel, log what "
                    "happened with each client in plain words (praise, complaint, срыв срока), save it as CSV "
                    "into the data folder as register.csv.")
    template.add_argument("what", choices=["register"], help="the file to write")
    template.add_argument("--lang", choices=["en", "ru"], default="en", help="the language of its header and examples")
    template.add_argument("--out", type=Path, metavar="FILE", help="where to write it (default: standard output)")
    return parser


def _data_arguments(command: argparse.ArgumentParser, with_month: bool = True) -> None:
    """The arguments every command shares: the data folder, the settings file and, but for validate,
    the month."""
    command.add_argument("data_dir", nargs="?", type=Path, default=None, metavar="DATA_DIR",
                         help="the folder of CSV exports (default: the bundled sample)")
    if with_month:
        command.add_argument("--month", type=month,
                             help="YYYY-MM (default: the month of the newest record)")
    command.add_argument("--config", type=Path, metavar="FILE", help="a settings file overriding the shipped one")


def _lang_argument(command: argparse.ArgumentParser) -> None:
    from relhealth.i18n import LANGUAGES

    command.add_argument("--lang", choices=LANGUAGES, metavar="LANG",
                         help=f"the language of the pages: {' or '.join(LANGUAGES)} (default: [report] language of "
                              "the settings, shipped en)")


def positive(text: str) -> int:
    """An argparse type for a whole number of 1 or more."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of 1 or more")
    return int(text)


def _printable_streams() -> None:
    """Under a locale that cannot write Cyrillic (``LC_ALL=C`` without Python's UTF-8 mode), a name the
    terminal cannot show is written as ``\\u0420`` instead of stopping the command with a traceback."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")


def main(argv: list[str] | None = None) -> int:
    _printable_streams()
    args = build_parser().parse_args(argv)
    from relhealth.errors import InputError, UsageError
    commands = {"validate": _validate, "score": _score, "report": _report, "notebook": _notebook,
                "backtest": _backtest, "mapping": _mapping, "template": _template}
    try:
        return commands[args.command](args)
    except InputError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 1
    except UsageError as exc:
        print(printable(f"error: {exc}"), file=sys.stderr)
        return 2
    except OSError as exc:
        print(printable(f"error: {_os_error(exc, args)}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted: pages already written are whole; run the command again to complete them."
              if args.command == "report" else "interrupted: nothing was written.", file=sys.stderr)
        return 130


def _os_error(exc: OSError, args: argparse.Namespace) -> str:
    """An operating system's error in words: the file it names, else the folder the command writes into
    (or reads), and what to do when the disk is full."""
    where = exc.filename
    if where is None:
        out = getattr(args, "out", None)
        where = f"writing into {out}" if out is not None else f"reading {_data_dir(args)}"
    what = exc.strerror or str(exc) or type(exc).__name__
    advice = " Free some space on that disk, or give another --out." if exc.errno == errno.ENOSPC else ""
    return f"{where}: {what}.{advice}"


def _data_dir(args: argparse.Namespace) -> Path:
    return args.data_dir if args.data_dir is not None else SAMPLE_DIR


def _validate(args: argparse.Namespace) -> int:
    from relhealth import read_dataset
    from relhealth.render.summary import describe_dataset
    from relhealth.settings import load_settings

    dataset = read_dataset(_data_dir(args), load_settings(args.config))
    print(printable(describe_dataset(dataset)))
    return 0


def _score(args: argparse.Namespace) -> int:
    from relhealth import read_dataset
    from relhealth.render.atomic import write_text_atomic
    from relhealth.render.review_csv import review_to_csv
    from relhealth.review import month_review
    from relhealth.review.clients import month_within
    from relhealth.settings import load_settings

    if args.out is not None:
        _refuse_out_among_inputs(args.out, _data_dir(args), args.config)
    settings = load_settings(args.config)
    dataset = read_dataset(_data_dir(args), settings)
    month = month_within(dataset, args.month)
    text = review_to_csv(month_review(dataset, settings, month))
    if args.out is None:
        sys.stdout.write(printable(text) if sys.stdout.isatty() else text)   # a file or a pipe gets the table whole
    else:
        write_text_atomic(args.out, text)
        print(printable(f"wrote {args.out}"), file=sys.stderr)
    for note in dataset.quality:
        print(printable(f"note: {note}"), file=sys.stderr)
    return 0


def _report(args: argparse.Namespace) -> int:
    import signal

    from relhealth import read_dataset
    from relhealth.render.batch import ReportPool, run_reports
    from relhealth.review.clients import month_within
    from relhealth.settings import load_settings

    _refuse_out_in_data(args.out, args.out, _data_dir(args))

    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    # its processes start while the data are read; for a few clients' pages, no more than they need
    with ReportPool(args.jobs or (min(len(args.client) + 1, os.cpu_count() or 1) if args.client else None)) as pool:
        settings = load_settings(args.config).with_language(args.lang)
        dataset = read_dataset(_data_dir(args), settings)
        month = month_within(dataset, args.month)
        _refuse_out_in_data(args.out, args.out / str(month), _data_dir(args))
        for note in dataset.quality:
            print(printable(f"note: {note}"), file=sys.stderr)
        result = run_reports(dataset, settings, month, args.out, pool, clients=args.client,
                             timeout=args.timeout, progress=sys.stderr.isatty(), config=args.config, force=args.force)
    for name, outcome in result.failures.items():
        print(printable(f"error: the report of {name} failed: {outcome.error} (log: {outcome.log})"), file=sys.stderr)
    print(printable(f"wrote {len(result.pages)} client page{'s' if len(result.pages) != 1 else ''} to {result.folder}"
                    + (f"; kept {len(result.kept)} unchanged (--force renders them again)" if result.kept else "")))
    if args.pdf and result.index is not None:
        kept = [page for page in result.kept.values() if not page.with_suffix(".pdf").exists()]
        _print_pdfs([result.index, *result.pages.values(), *kept], args.jobs)
    if result.index is not None:
        print(printable(f"open {result.index}"))
    return 0 if result.ok else 1


def _backtest(args: argparse.Namespace) -> int:
    from relhealth import read_dataset
    from relhealth.render.batch import BACKTEST_FOLDER, ReportPool, run_backtest
    from relhealth.settings import load_settings

    if args.first and args.last and args.first > args.last:
        from relhealth.errors import UsageError
        raise UsageError(f"--from {args.first} is after --to {args.last}. Give the earlier month first.")
    _refuse_out_in_data(args.out, args.out / BACKTEST_FOLDER, _data_dir(args))
    with ReportPool(1) as pool:
        settings = load_settings(args.config).with_language(args.lang)
        dataset = read_dataset(_data_dir(args), settings)
        for note in dataset.quality:
            print(printable(f"note: {note}"), file=sys.stderr)
        result = run_backtest(dataset, settings, args.out, pool, args.first, args.last, config=args.config)
    print(printable(f"wrote {result.csv}"))
    if result.failure is not None:
        print(printable(f"error: the backtest page failed: {result.failure.error} (log: {result.failure.log})"),
              file=sys.stderr)
        return 1
    print(printable(f"open {result.page}"))
    return 0


def _refuse_out_among_inputs(out: Path, data: Path, config: Path | None) -> None:
    """Refuse (a :class:`~relhealth.errors.UsageError`) a ``score --out`` that is an input of the run (a file
    of the data folder ``data``, the file a link there leads to, the settings file ``config``) or lies in the
    data folder, where the next run would read the table as data. Links are followed."""
    from relhealth.errors import UsageError

    target, folder = Path(os.path.realpath(out)), Path(os.path.realpath(data))
    inputs = {Path(os.path.realpath(config)): config} if config is not None else {}
    if folder.is_dir():      # a file is named as it is in the folder, before any link leading to it
        for path in sorted(data.rglob("*"), key=lambda p: (p.is_symlink(), str(p))):
            inputs.setdefault(Path(os.path.realpath(path)), path)
    if target in inputs:
        raise UsageError(f"--out {out} is the input {inputs[target]}: relhealth never overwrites its inputs. Give "
                         f"the table a path outside the data folder {data}.")
    if target.is_relative_to(folder):
        where = "the data folder" if target == folder else f"inside the data folder {data}"
        raise UsageError(f"--out {out} is {where}, where the next run would read the table as data. Give the "
                         f"table a path outside {data}.")


def _refuse_out_in_data(out: Path, written: Path, data: Path) -> None:
    """Refuse (a :class:`~relhealth.errors.UsageError`) a reports folder ``out`` that is the data folder
    ``data`` or lies in it, or whose folder ``written`` (the month's, the backtest's) is the data folder:
    the next run would read the pages and tables written there as data. Links are followed."""
    from relhealth.errors import UsageError

    target, folder = Path(os.path.realpath(out)), Path(os.path.realpath(data))
    if target.is_relative_to(folder):
        where = "the data folder" if target == folder else f"inside the data folder {data}"
        raise UsageError(f"--out {out} is {where}, where the next run would read the pages and tables written "
                         f"there as data. Give a reports folder outside {data}.")
    if Path(os.path.realpath(written)) == folder:
        raise UsageError(f"--out {out} would write into {written}, which is the data folder: the next run would "
                         "read the pages and tables written there as data. Give another reports folder, or move "
                         "the data.")


def _print_pdfs(pages: list[Path], jobs: int | None) -> None:
    from relhealth.render.pdf import find_chromium, print_pages

    chromium = find_chromium()
    if chromium is None:
        print("note: --pdf needs Chromium or Google Chrome on the PATH (Debian: apt-get install chromium); the HTML "
              "pages are written, the PDFs are not.", file=sys.stderr)
        return
    try:
        printed = print_pages(pages, chromium, jobs or 2)
    except RuntimeError as exc:
        print(f"note: {exc}; the HTML pages are written.", file=sys.stderr)
        return
    print(f"wrote {len(printed)} PDF{'s' if len(printed) != 1 else ''} beside the pages")


def _notebook(args: argparse.Namespace) -> int:
    import shlex

    from relhealth import read_dataset
    from relhealth.render.slugs import slugify
    from relhealth.resources import CLIENT_NOTEBOOK
    from relhealth.review import find_client
    from relhealth.review.clients import month_within
    from relhealth.settings import load_settings

    settings = load_settings(args.config).with_language(args.lang)
    data = _data_dir(args).resolve()
    dataset = read_dataset(data, settings)
    client = find_client(dataset, args.client)
    month = str(month_within(dataset, args.month))
    out = args.out or Path(f"{slugify(client)}-{month}.ipynb")
    if out.exists():
        print(printable(f"error: {out} exists; give another --out or move it away first."), file=sys.stderr)
        return 1
    from relhealth.render.parameters import write_parametrised

    write_parametrised(CLIENT_NOTEBOOK, out, {"client": client, "month": month, "data": str(data),
                                              "config": str(args.config.resolve()) if args.config else None,
                                              "lang": args.lang}, lang=settings["report"]["language"])
    jupyter = Path(sys.executable).with_name("jupyter")
    print(printable(f"wrote {out}, the report of {client} for {month}. Open it with:\n"
                    f"  {shlex.quote(str(jupyter))} lab {shlex.quote(str(out))}"))
    return 0



def _mapping(args: argparse.Namespace) -> int:
    from relhealth.errors import InputError, Problem
    from relhealth.io.starter import looks_like, starter_mapping
    from relhealth.io.text import read_raw_table

    if not args.file.is_file():
        raise InputError(Problem(str(args.file), "no such file. Give the path of the export (a .csv file)."))
    header = read_raw_table(args.file, set()).header
    spec = next((t for t in TABLES if t.name == args.table), None) or looks_like(header)
    if spec is None:
        raise InputError(Problem(str(args.file), (
            f"its columns ({', '.join(header)}) do not tell which table it fills. Say it with --table "
            f"({', '.join(t.name for t in TABLES)}).")))
    print(starter_mapping(header, args.file.stem, spec), end="")
    return 0



def _template(args: argparse.Namespace) -> int:
    from relhealth.io.starter import register_template
    from relhealth.render.atomic import write_text_atomic

    text = register_template(args.lang)
    if args.out is None:
        print(text, end="")
        return 0
    if args.out.exists():
        from relhealth.errors import UsageError
        raise UsageError(f"{args.out} exists; relhealth will not overwrite it. Give another --out, or move the file.")
    write_text_atomic(args.out, "\ufeff" + text)   # with a BOM, Excel opens the UTF-8 as such
    print(f"wrote {args.out}: an empty register with {len(text.splitlines()) - 1} example rows (their date starts "
          "with #). Fill it in and save it as CSV in the data folder as register.csv.")
    return 0

if __name__ == "__main__":
    sys.exit(main())

