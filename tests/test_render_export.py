"""An executed notebook as a page (relhealth.render.export): text and outputs, no code, nothing fetched."""
import re

import nbformat

from relhealth.render.export import export_page


def test_a_page_holds_the_text_and_outputs_of_a_notebook_and_none_of_its_code(tmp_path):
    v4 = nbformat.v4
    nb = v4.new_notebook(cells=[
        v4.new_markdown_cell("## Effort\n\nHours by *category*."),
        v4.new_code_cell("secret_code()", outputs=[
            v4.new_output("display_data", data={"text/html": "<table><tr><td>3.50</td></tr></table>",
                                                "text/plain": "<HTML fragment>"}),
            v4.new_output("stream", name="stderr", text="UserWarning: careful\n"),
            v4.new_output("execute_result", data={"text/plain": "a < b"}, execution_count=1)]),
        v4.new_code_cell("hidden()", metadata={"tags": ["remove-cell"]}, outputs=[
            v4.new_output("stream", name="stdout", text="REMOVED")]),
        v4.new_code_cell("figure()", outputs=[
            v4.new_output("display_data", data={"image/png": "iVBORw0KGgo=\n", "text/plain": "<Figure>"})]),
        v4.new_code_cell("Markdown('**bold** words')", outputs=[
            v4.new_output("display_data", data={"text/markdown": "**bold** words", "text/plain": "<Markdown>"})]),
        v4.new_code_cell("SVG(...)", outputs=[v4.new_output("display_data", data={
            "image/svg+xml": "<svg xmlns='http://www.w3.org/2000/svg'><circle r='3'/></svg>", "text/plain": "<SVG>"})]),
    ])
    log = tmp_path / "page.log"
    html = export_page(nb, "Acme & Co", str(log))
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert "<title>Acme &amp; Co</title>" in html and '<html lang="en">' in html
    assert re.search(r'<h2>Effort</h2>\s*'
                     r"<p>Hours by <em>category</em>.</p>", html)
    assert "<table><tr><td>3.50</td></tr></table>" in html and "HTML fragment" not in html
    assert "<pre>a &lt; b</pre>" in html
    assert re.search(r'<img alt="[^"]*" src="data:image/png;base64,iVBORw0KGgo=\s*"/?>', html)
    assert "<p><strong>bold</strong> words</p>" in html                  # Markdown rendered, not shown as text
    assert 'src="data:image/svg+xml;base64,' in html and "<Markdown>" not in html and "<SVG>" not in html
    assert "secret_code" not in html and "REMOVED" not in html and "careful" not in html
    assert "<script" not in html and not re.search(r"""(href|src)=["']?(https?:)?//""", html)
    assert log.read_text() == "UserWarning: careful\n"
