"""An executed report notebook as a whole HTML page: its text and outputs only, our own style inline,
nothing fetched from the network.

The page is assembled here rather than by nbconvert, which copies the notebook, renders a template and
parses the result again with BeautifulSoup: half a second a page, for a body that is the outputs one
after another. This module is light (no pandas, no matplotlib): the processes that write pages import
nothing else of relhealth.
"""
from __future__ import annotations

import html

import mistune

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; margin: 0;
       background: #f8fafc; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 32px 48px; background: #fff; }
h1 { font-size: 1.8rem; margin: 0 0 4px; } h2 { font-size: 1.25rem; margin: 32px 0 8px;
     border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; }
p.sub { color: #6b7280; margin: 0 0 16px; }
p, li { line-height: 1.45; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 12px 0 8px; }
.card { border: 1px solid #e5e7eb; border-left: 6px solid #16a34a; border-radius: 6px; padding: 10px 12px; }
.card.warn { border-left-color: #f59e0b; } .card.bad { border-left-color: #dc2626; }
.card .label { font-size: .8rem; color: #6b7280; text-transform: uppercase; letter-spacing: .03em; }
.card .value { font-size: 1.5rem; font-weight: 600; margin: 4px 0; }
.card .detail { font-size: .85rem; color: #374151; }
figure { margin: 12px 0; } figure img { max-width: 100%; height: auto; }
table.data { border-collapse: collapse; font-size: .82rem; margin: 8px 0 16px; width: 100%; }
table.data th { text-align: left; background: #f3f4f6; padding: 4px 6px; border-bottom: 1px solid #d1d5db; }
table.data td { padding: 3px 6px; border-bottom: 1px solid #f0f0f0; vertical-align: top; }
td.why { min-width: 16em; }
table.checklist tr.fired td { background: #fef2f2; }
span.fired { color: #b91c1c; font-weight: 600; } span.quiet { color: #6b7280; }
span.sub { color: #6b7280; font-size: .78rem; }
details { margin: 4px 0 8px; font-size: .85rem; } summary { cursor: pointer; }
.pair { display: flex; gap: 12px; flex-wrap: wrap; } .pair figure { flex: 1 1 300px; }
div.scroll { overflow-x: auto; }
.empty { color: #6b7280; font-style: italic; }
.failed { color: #b91c1c; font-weight: 600; } .failures { border: 1px solid #fecaca; background: #fef2f2;
     padding: 4px 16px; border-radius: 6px; }
ul.notes li { font-size: .85rem; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid #e5e7eb; font-size: .78rem; color: #6b7280;
         display: flex; flex-wrap: wrap; gap: 6px 18px; }
code { font-size: .85em; }
"""


def page(title: str, body: str) -> str:
    """A whole HTML page around ``body``: our own style inline, nothing fetched from the network."""
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
            "</body>\n</html>\n")


def export_page(nb, title: str, log: str | None = None) -> str:
    """An executed notebook as a whole HTML page: its text and outputs only (no code, no prompts, no cell
    tagged ``remove-cell``), our own style, nothing fetched from the network. Anything the notebook wrote
    to stderr (warnings) goes to ``log``, not to the page."""
    warnings, parts = [], []
    for cell in nb.cells:
        if "remove-cell" in cell.get("metadata", {}).get("tags", []):
            continue
        if cell.get("cell_type") == "markdown":
            parts.append(mistune.html(_text(cell.get("source", ""))))
        elif cell.get("cell_type") == "code":
            for output in cell.get("outputs", []):
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    warnings.append(_text(output.get("text", "")))
                else:
                    parts.append(_output_html(output))
    if warnings and log:
        with open(log, "a", encoding="utf-8") as stream:
            stream.write("".join(warnings))
    return page(title, "\n".join(part for part in parts if part))


def _text(value) -> str:
    """A notebook's multi-line string, stored as one string or a list of lines."""
    return "".join(value) if isinstance(value, list) else str(value)


def _output_html(output) -> str:
    """One output of a code cell as HTML: its richest form (HTML, an image, else plain text, escaped).
    Errors never reach a page: only a run in which every cell succeeded is exported."""
    if output.get("output_type") == "stream":
        return f"<pre>{html.escape(_text(output.get('text', '')))}</pre>"
    data = output.get("data", {})
    if "text/html" in data:
        return _text(data["text/html"])
    for mime in ("image/png", "image/jpeg"):
        if mime in data:
            return f'<figure><img src="data:{mime};base64,{_text(data[mime]).strip()}" alt=""></figure>'
    if "text/plain" in data:
        return f"<pre>{html.escape(_text(data['text/plain']))}</pre>"
    return ""
