"""Event descriptions: markdown in, sanitised HTML out.

Admins (and lu.ma / iCal feeds) write descriptions; members read them. The markdown
is rendered by python-markdown and then cleaned by nh3 (an allow-list sanitiser), so
raw HTML, `javascript:` links and event handlers never reach a page.
"""

from __future__ import annotations

import html
import re

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_LINK = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|ul|ol|blockquote|pre)>")


def render_markdown(text: str) -> SafeString:
    """Return `text` rendered as sanitised HTML, safe to put on a page."""
    if not text:
        return mark_safe("")
    html = markdown.markdown(text, extensions=["sane_lists", "nl2br"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(cleaned)  # noqa: S308 - nh3 allow-list output


def markdown_to_text(text: str) -> str:
    """Return `text` (markdown) as plain text: what a reader sees, without markup or entities.

    For places that cannot show HTML: email text parts, email previews, iCalendar
    DESCRIPTION. The result is *not* escaped; an HTML template escapes it once.
    """
    if not text:
        return ""
    rendered = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    rendered = _LINK.sub(lambda m: f"{m[2]} ({m[1]})" if m[1] != m[2] else m[2], rendered)
    rendered = _BLOCK_END.sub(lambda m: m[0] + "\n\n", rendered).replace("<li>", "<li>- ")
    cleaned = nh3.clean(rendered, tags=set())
    # nh3 leaves entities (&amp;, &lt;) for HTML; plain text wants the characters.
    lines = (" ".join(line.split()) for line in html.unescape(cleaned).splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
