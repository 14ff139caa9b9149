"""Which addresses from the data the catalogue may link to: http and https only.

The data's addresses reach the pages even when validation was bypassed (a file edited by hand, a
graph given to :func:`csgkg.publish.site.build_site`), so the pages check them again: a
``javascript:``, ``data:`` or ``file:`` address is never written into an ``href``.
"""

from __future__ import annotations

import re

# http(s), a host, and no character a browser would strip or that could end the attribute.
_WEB = re.compile(r"^https?://[^/?#\s\x00-\x1f\x7f\"'<>`\\]+[^\s\x00-\x1f\x7f\"'<>`\\]*$", re.IGNORECASE)


def web_link(address: object) -> str | None:
    """``address`` when it is an http or https URL the pages may link to, else None (the page then
    shows the text without a link)."""
    if address is None:
        return None
    text = str(address)
    return text if _WEB.match(text) else None
