"""The fake's GraphQL query ids and the script bundles that carry them.

LinkedIn's messaging queries are persisted queries `<name>.<32 hex>`; a deploy
can replace the hash, after which the old id answers 400. Its web app knows
the current ids: the messaging page references script bundles on
static.licdn.com that contain them. The fake serves the same: `query_ids` are
the ids it answers, and its messaging page lists bundles, one of which names
them (or, to reproduce "discovery impossible", none does). The bundles are
harmless JavaScript, since the browser runs them when a test opens the page.
"""

from __future__ import annotations

import hashlib

# The ids the extension ships with (extension/background/linkedin/query-ids.js;
# tests/fake_linkedin checks the two agree).
SHIPPED_QUERY_IDS = {
    "conversations": "messengerConversations.0d5e6781bbee71c3e51c8843c6519f48",
    "messages": "messengerMessages.5846eeb71c981f11e0134cb6626cc314",
}
QUERY_NAMES = {"conversations": "messengerConversations", "messages": "messengerMessages"}
BUNDLE_PATH = "/aero-v1/sc/h/"
CDN_ORIGIN = "https://static.licdn.com"
VENDOR_BUNDLE = "3c2cg8vzmvb0wpvrmcfbqe9oq"  # no ids: the messaging page's first script

_FILLER = "function n(e){return e&&e.__esModule?e.default:e}var r=n;"


def rotated_ids(seed: int) -> dict[str, str]:
    """New ids, as a LinkedIn deploy makes them."""
    return {
        key: f"{name}.{hashlib.md5(f'{seed}/{name}'.encode()).hexdigest()}"  # noqa: S324 - an id, not security
        for key, name in QUERY_NAMES.items()
    }


def bundle_text(ids: dict[str, str] | None, *, filler: int = 40) -> str:
    """A webpack chunk; with `ids`, one module exports them as LinkedIn's do."""
    body = _FILLER * filler
    modules = (
        ""
        if ids is None
        else ",".join(
            f'{i}:function(e){{e.exports={{queryId:"{query_id}"}}}}'
            for i, query_id in enumerate(ids.values(), start=7301)
        )
    )
    return f"{body}(self.webpackChunkvoyager=self.webpackChunkvoyager||[]).push([[41],{{{modules}}}]);"
