import pytest
from django.utils.safestring import SafeString

from mash_survey.markdown import markdown_to_text, render_markdown

# --- Output type ----------------------------------------------------------------


def test_output_is_a_safe_string() -> None:
    assert isinstance(render_markdown("Hello"), SafeString)
    assert isinstance(render_markdown(""), SafeString)
    assert render_markdown("") == ""


# --- Safe Markdown renders with GOV.UK classes --------------------------------------


def test_a_paragraph_gets_govuk_body() -> None:
    assert render_markdown("Hello *there* and **you**") == (
        '<p class="govuk-body">Hello <em>there</em> and <strong>you</strong></p>'
    )


def test_a_single_line_break_is_kept() -> None:
    assert render_markdown("line one\nline two") == (
        '<p class="govuk-body">line one<br>\nline two</p>'
    )


def test_headings_move_down_a_level_and_get_govuk_classes() -> None:
    html = render_markdown("# One\n\n## Two\n\n### Three\n\n#### Four\n\n###### Six")
    assert '<h2 class="govuk-heading-m">One</h2>' in html
    assert '<h3 class="govuk-heading-s">Two</h3>' in html
    assert '<h4 class="govuk-heading-s">Three</h4>' in html
    assert '<h4 class="govuk-heading-s">Four</h4>' in html
    assert '<h4 class="govuk-heading-s">Six</h4>' in html
    for tag in ("<h1", "<h5", "<h6"):
        assert tag not in html


def test_lists_get_govuk_list_classes() -> None:
    html = render_markdown("- police\n- health\n\n1. contact\n2. strategy")
    assert '<ul class="govuk-list govuk-list--bullet">\n<li>police</li>' in html
    assert '<ol class="govuk-list govuk-list--number">\n<li>contact</li>' in html


def test_a_link_gets_govuk_link_and_a_safe_rel() -> None:
    html = render_markdown('[Working Together](https://www.gov.uk/wt "Guidance")')
    assert html == (
        '<p class="govuk-body"><a href="https://www.gov.uk/wt" title="Guidance" '
        'class="govuk-link" rel="noopener noreferrer">Working Together</a></p>'
    )


def test_http_and_mailto_links_are_kept() -> None:
    html = render_markdown("[a](http://example.org) [b](mailto:mash@example.gov.uk)")
    assert 'href="http://example.org"' in html
    assert 'href="mailto:mash@example.gov.uk"' in html


def test_a_table_gets_govuk_table_classes() -> None:
    html = render_markdown("| Partner | Co-located |\n|---|---:|\n| Police | Yes |")
    assert html == (
        '<table class="govuk-table">\n'
        '<thead class="govuk-table__head">\n'
        '<tr class="govuk-table__row">\n'
        '<th class="govuk-table__header">Partner</th>\n'
        '<th class="govuk-table__header">Co-located</th>\n'
        "</tr>\n"
        "</thead>\n"
        '<tbody class="govuk-table__body">\n'
        '<tr class="govuk-table__row">\n'
        '<td class="govuk-table__cell">Police</td>\n'
        '<td class="govuk-table__cell">Yes</td>\n'
        "</tr>\n"
        "</tbody>\n"
        "</table>"
    )


def test_quotes_rules_and_code_render() -> None:
    html = render_markdown("> quoted\n\n---\n\n```python\nx = 1 < 2\n```\n\nUse `code`.")
    assert '<blockquote class="govuk-inset-text">\n<p class="govuk-body">quoted</p>' in html
    assert '<hr class="govuk-section-break govuk-section-break--m' in html
    assert "<pre><code>x = 1 &lt; 2\n</code></pre>" in html
    assert "<code>code</code>" in html


def test_text_that_looks_like_html_in_code_is_escaped() -> None:
    html = render_markdown("`<script>alert(1)</script>`")
    assert "<script" not in html
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html


# --- Dangerous input is removed ---------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        "Text <script>alert(1)</script> text",
        "<style>body { display: none }</style>",
        '<iframe src="https://evil.example"></iframe>',
        '<object data="https://evil.example/x.swf"></object>',
        '<embed src="https://evil.example/x.swf">',
        "<svg onload=alert(1)><script>alert(1)</script></svg>",
        "<template><script>alert(1)</script></template>",
    ],
)
def test_script_style_and_embedding_tags_go_with_their_content(source: str) -> None:
    html = render_markdown(source).lower()
    for needle in ("<script", "alert", "<style", "display", "<iframe", "<object", "<embed", "<svg"):
        assert needle not in html


@pytest.mark.parametrize(
    "source",
    [
        '<p onclick="alert(1)">hi</p>',
        '<a href="https://example.org" onclick="alert(1)">hi</a>',
        '<img src="x" onerror="alert(1)">',
        '<body onload="alert(1)">hi</body>',
        '<div onmouseover="alert(1)">hi</div>',
        "<p ONCLICK=alert(1)>hi</p>",
        '<details open ontoggle="alert(1)">hi</details>',
    ],
)
def test_event_handler_attributes_are_removed(source: str) -> None:
    html = render_markdown(source).lower()
    assert " on" not in html
    assert "alert" not in html


@pytest.mark.parametrize(
    "source",
    [
        "[click](javascript:alert(1))",
        "[click](JavaScript:alert(1))",
        "[click](  javascript:alert(1))",
        '<a href="javascript:alert(1)">click</a>',
        '<a href="jav&#x61;script:alert(1)">click</a>',
        '<a href="java\tscript:alert(1)">click</a>',
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        '<a href="data:text/html,<script>alert(1)</script>">click</a>',
        "[click](vbscript:msgbox(1))",
        "[click](file:///etc/passwd)",
        "[click](/admin/)",
        "[click](//evil.example/)",
    ],
)
def test_links_other_than_http_https_and_mailto_lose_their_href(source: str) -> None:
    html = render_markdown(source)
    assert "href" not in html
    assert "click" in html


@pytest.mark.parametrize(
    "source",
    [
        '<p style="color: red">hi</p>',
        '<a href="https://example.org" style="position: fixed">hi</a>',
        '<span style="background: url(javascript:alert(1))">hi</span>',
    ],
)
def test_style_attributes_are_removed(source: str) -> None:
    html = render_markdown(source)
    assert "style" not in html
    assert "hi" in html


def test_a_table_alignment_does_not_become_an_inline_style() -> None:
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |")
    assert "style" not in html
    assert "align" not in html


@pytest.mark.parametrize(
    "source",
    [
        "![chart](https://example.org/chart.png)",
        '<img src="https://example.org/pixel.gif" alt="chart">',
        '<img src="data:image/png;base64,AAAA">',
    ],
)
def test_images_are_removed(source: str) -> None:
    html = render_markdown(source)
    assert "<img" not in html
    assert "src" not in html


@pytest.mark.parametrize(
    "source",
    [
        '<form action="https://evil.example"><input name="password"><button>Go</button></form>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
        '<link rel="stylesheet" href="https://evil.example/x.css">',
        '<base href="https://evil.example/">',
    ],
)
def test_forms_and_document_level_tags_are_removed(source: str) -> None:
    html = render_markdown(source)
    for needle in ("<form", "<input", "<button", "<meta", "<link", "<base", "evil"):
        assert needle not in html


def test_an_html_comment_is_removed() -> None:
    assert "secret" not in render_markdown("hi <!-- secret -->")


def test_headings_and_tags_outside_the_allow_list_are_unwrapped() -> None:
    html = render_markdown("<h1>Big</h1>\n\n<div><span>inside</span></div>")
    assert "<h1" not in html
    assert "<div" not in html
    assert "<span" not in html
    assert "Big" in html
    assert "inside" in html


# --- Classes cannot be injected ---------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<p class="govuk-visually-hidden">hi</p>', '<p class="govuk-body">hi</p>'),
        (
            '<a class="govuk-button govuk-button--warning" href="https://example.org">x</a>',
            '<a href="https://example.org" class="govuk-link" rel="noopener noreferrer">x</a>',
        ),
        ('<strong class="evil">x</strong>', "<strong>x</strong>"),
        ('<ul class="evil"><li class="evil">x</li></ul>', "<li>x</li>"),
        ('<table class="evil"><tr class="evil"><td class="evil">x</td></tr></table>', "x"),
    ],
)
def test_a_user_supplied_class_does_not_survive(source: str, expected: str) -> None:
    html = render_markdown(source)
    assert "evil" not in html
    assert "govuk-visually-hidden" not in html
    assert "govuk-button" not in html
    assert expected in html


def test_a_class_from_fenced_code_or_markdown_attributes_does_not_survive() -> None:
    html = render_markdown("```python\nx = 1\n```\n\nText {: .evil onclick=alert(1) }")
    assert "language-python" not in html
    assert "<code>x = 1\n</code>" in html
    assert 'class="evil"' not in html


def test_ids_and_other_attributes_are_removed() -> None:
    html = render_markdown('<p id="main" data-x="1" aria-hidden="true" hidden>hi</p>')
    assert html == '<p class="govuk-body">hi</p>'


def test_a_link_target_is_removed_and_rel_is_forced() -> None:
    html = render_markdown('<a href="https://example.org" target="_blank" rel="opener">x</a>')
    assert "target" not in html
    assert 'rel="noopener noreferrer"' in html
    assert 'opener"' not in html.replace('"noopener noreferrer"', "")


# --- Plain text ---------------------------------------------------------------------


def test_markdown_to_text_drops_formatting_and_keeps_one_line_per_block() -> None:
    source = (
        "# Summary\n\nThe **MASH** opened in *2011*.\n\n- police\n- health\n\n"
        "| Partner | Co-located |\n|---|---|\n| Police | Yes |\n\n> quoted &amp; noted"
    )
    assert markdown_to_text(source) == (
        "Summary\nThe MASH opened in 2011.\npolice\nhealth\nPartner\nCo-located\n"
        "Police\nYes\nquoted & noted"
    )


def test_markdown_to_text_adds_link_urls_so_hidden_addresses_are_seen() -> None:
    source = (
        "Ask [the duty worker](mailto:duty@example.gov.uk) or see [the guidance](https://gov.uk/x)."
    )
    assert markdown_to_text(source) == (
        "Ask the duty worker (duty@example.gov.uk) or see the guidance (https://gov.uk/x)."
    )


def test_markdown_to_text_does_not_repeat_an_autolink() -> None:
    assert markdown_to_text("Write to <duty@example.gov.uk> or <https://gov.uk>") == (
        "Write to duty@example.gov.uk or https://gov.uk"
    )


def test_markdown_to_text_drops_script_and_style_content() -> None:
    assert markdown_to_text("hi <script>alert(1)</script><style>p{}</style> there") == "hi there"


def test_markdown_to_text_keeps_text_that_looks_like_html_in_code() -> None:
    assert markdown_to_text("`<b>` tags") == "<b> tags"


def test_markdown_to_text_of_nothing_is_empty() -> None:
    assert markdown_to_text("") == ""
    assert markdown_to_text("   \n\n ") == ""


def test_markdown_to_text_keeps_image_alt_text() -> None:
    assert markdown_to_text("See ![the MASH flowchart](https://example.org/x.png)") == (
        "See the MASH flowchart"
    )
