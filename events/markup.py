"""Event descriptions: markdown in, sanitised HTML out.

Admins (and lu.ma / iCal feeds) write descriptions; members read them. The markdown
is rendered by python-markdown and then cleaned by nh3 (an allow-list sanitiser), so
raw HTML, `javascript:` links and event handlers never reach a page.
"""

from __future__ import annotations

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote", "code", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


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
