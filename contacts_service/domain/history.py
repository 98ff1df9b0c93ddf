"""History marks: how far back each LinkedIn conversation's messages reach.

The extension walks a conversation's older messages over several syncs
(docs/linkedin-sync.md §2, history marks; §3, the history walk). What it has
pushed so far is remembered here, per conversation URN and user, so that any
sync — after a stopped worker, a reinstall, another browser — knows where to
continue, and when a conversation is complete.

A mark holds the oldest and newest message pushed, the time of the
conversation's first message once the extension saw it, and at most one gap:
messages between `after` and `before` that LinkedIn has and PingCRM has not
(the new messages of a busy thread went beyond what one sync reads). Pure
rules; the store keeps the marks.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class Gap:
    """Messages LinkedIn has strictly between `after` and `before` are missing."""

    before: datetime
    after: datetime


@dataclass(frozen=True)
class HistoryMark:
    urn: str
    contact_id: str
    oldest: datetime
    newest: datetime
    first: datetime | None
    gap: Gap | None

    @property
    def complete(self) -> bool:
        """Every message, from the conversation's first one on, is stored."""
        return self.gap is None and self.first is not None and self.oldest <= self.first

    @property
    def walk(self) -> tuple[datetime, datetime | None]:
        """Where the extension continues: the messages older than `before`, back to `after` (None: the start)."""
        if self.gap is not None:
            return self.gap.before, self.gap.after
        return self.oldest, None


@dataclass(frozen=True)
class PushedHistory:
    """What one pushed conversation tells about its history."""

    urn: str
    contact_id: str
    times: list[datetime]  # of its valid messages
    first_message_at: datetime | None
    older_missing_after: datetime | None


def apply(mark: HistoryMark | None, pushed: PushedHistory) -> HistoryMark | None:
    """The mark after a push of its conversation; a new one from the first push with a message.

    The order matters (docs/linkedin-sync.md §2): the pushed messages fill
    the gap (one at or before its `after` closes it), a reported missing
    stretch opens or widens the gap, then oldest/newest take the messages in
    and `first_message_at` is recorded (closing a gap that reaches the start).
    """
    if mark is None:
        if not pushed.times:
            return None  # nothing stored for it: nothing to remember
        # Nothing older is stored, so a reported missing stretch is just history to walk.
        mark = HistoryMark(pushed.urn, pushed.contact_id, min(pushed.times), max(pushed.times), None, None)
    else:
        mark = replace(mark, contact_id=pushed.contact_id)
        if pushed.times:
            mark = _take_in(mark, pushed)
    if pushed.first_message_at is not None:
        gap = mark.gap
        if gap is not None and pushed.first_message_at >= gap.after:
            gap = None
        mark = replace(mark, first=pushed.first_message_at, gap=gap)
    return mark


def _take_in(mark: HistoryMark, pushed: PushedHistory) -> HistoryMark:
    oldest_pushed = min(pushed.times)
    gap = mark.gap
    if gap is not None:
        inside = [t for t in pushed.times if gap.after < t < gap.before]
        if oldest_pushed <= gap.after:
            gap = None
        elif inside:
            gap = Gap(min(inside), gap.after)
    missing_after = pushed.older_missing_after
    if missing_after is not None and mark.oldest <= missing_after:
        gap = Gap(oldest_pushed, missing_after if gap is None else min(gap.after, missing_after))
    return replace(
        mark,
        oldest=min(mark.oldest, oldest_pushed),
        newest=max(mark.newest, max(pushed.times)),
        gap=gap,
    )


@dataclass(frozen=True)
class IncompleteConversation:
    """A conversation to walk back, as the extension is told it."""

    urn: str
    member_id: str | None
    slug: str | None
    before: datetime
    after: datetime | None
