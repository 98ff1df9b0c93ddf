"""Recording a LinkedIn push: validate, match partners, store messages, count.

Everything a push writes happens in one transaction, in this order:
1. Mark the user's sync state (last_push_at). Being the first write, it also
   serializes pushes of the same user: PostgreSQL holds the row lock until
   commit, SQLite has a single writer. Matching and merging then never race
   another push of that user, while different users never wait on each
   other.
2. Load the contacts that carry any member id or slug of the batch (one
   query on the unique indexes: the cost follows the batch, not the user's
   contact count) and plan the matches (matching.py).
3. Merge, clear moved slugs, create new contacts (INSERT … ON CONFLICT DO
   NOTHING; a conflict means another writer got there first, and the whole
   push runs again and finds that contact). A new contact is created with
   the count and last message of the messages planned for it, so its row is
   written once.
4. Insert the messages with ON CONFLICT (user_id, source_urn) DO NOTHING and
   count what was really inserted, so re-pushes and racing pushes never
   duplicate and the counts are exact.
5. Update existing contacts' aggregates relative to the stored values
   (count + n, last message only if newer), in one statement: older messages
   from the history walk add to the count, never to "last". A new contact
   whose message was already stored (under another contact) is counted
   afresh, as a merge's survivor is.
6. Update the conversations' history marks (history.py).
7. Record what changed in the activity feed (domain/activity.py), one
   multi-row insert: it commits exactly when the push does.
8. Profiles (profiles.py): mark the ones LinkedIn no longer has, merge the
   pushed ones into their contacts, record job changes and their events,
   queue their photos for media_service (photos.py; nothing is downloaded
   here).
A push hands out no backfill candidates: the extension takes them once per
sync (backfill.py), after its last push.
The store writes rows in key order so that concurrent transactions take row
locks in the same order; deadlocks and serialization failures are retried
by Database.transaction, as is a ConcurrentChange.

Steps 2–6 are `store_conversations`, which the messages.csv import runs too
(domain/imports/messages.py), under the same per-user lock, with its own
source and without overwriting profiles.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from contacts_service.domain import history
from contacts_service.domain.activity import push_activity
from contacts_service.domain.linkedin_identity import InvalidIdentity, LinkedInId, normalize
from contacts_service.domain.matching import MatchPlan, plan_matches
from contacts_service.domain.message_key import message_key
from contacts_service.domain.profiles import ValidProfile, match, merge, profile_activity, validate_profiles
from contacts_service.domain.push_input import IdentityInput, PushInput, Rejected, ValidConversation, validate
from contacts_service.domain.records import ContactChange, NewMessage, StoredMessage
from contacts_service.domain.sources import NAMES, Source
from contacts_service.store import activity, contacts, conversations, interactions, photo_jobs, profiles, sync_state
from pingcrm_common.clock import Clock
from pingcrm_common.db import Database, Session, is_transient


@dataclass(frozen=True)
class PushResult:
    contacts_created: int
    contacts_updated: int
    interactions_created: int
    interactions_skipped: int
    rejected: list[Rejected]


@dataclass(frozen=True)
class StoredConversations:
    contacts_created: int
    contacts_updated: int
    inserted: list[StoredMessage]  # the messages stored now (not those already there)
    interactions_skipped: int
    updated_ids: frozenset[str] = frozenset()  # the existing contacts counted in contacts_updated


@dataclass(frozen=True)
class _Stored:
    conversations: StoredConversations
    profiles_updated: frozenset[str]
    rejected: list[Rejected]


class ConcurrentChange(Exception):
    """A contact this push meant to create was created by another writer meanwhile: plan again."""


async def record_push(database: Database, user_id: str, push: PushInput, clock: Clock) -> PushResult:
    """Store a push for `user_id`; malformed items are reported, not stored."""
    now = clock.now()
    valid, rejected = validate(push, now)
    pushed_profiles, profile_rejections = validate_profiles(push.profiles)
    gone = _gone(push.profiles_gone, rejected)

    async def store(session: Session) -> _Stored:
        await sync_state.mark_push(session, user_id, now)
        stored = await store_conversations(session, user_id, valid, now, source=Source.LINKEDIN_DM)
        updated, unmatched = await _store_profiles(session, user_id, pushed_profiles, gone, now)
        return _Stored(stored, updated, unmatched)

    result = await database.transaction(
        store, retry_if=lambda error: isinstance(error, ConcurrentChange) or is_transient(error)
    )
    stored = result.conversations
    return PushResult(
        contacts_created=stored.contacts_created,
        contacts_updated=len(stored.updated_ids | result.profiles_updated),
        interactions_created=len(stored.inserted),
        interactions_skipped=stored.interactions_skipped,
        rejected=[*rejected, *profile_rejections, *result.rejected],
    )


def _gone(identities: list[IdentityInput], rejected: list[Rejected]) -> list[LinkedInId]:
    """The profiles LinkedIn no longer has, as ids; a malformed one is reported."""
    gone = []
    for i, item in enumerate(identities):
        try:
            gone.append(normalize(item.member_id, item.slug))
        except InvalidIdentity as error:
            rejected.append(Rejected(f"profiles_gone[{i}]", str(error)))
    return gone


async def _store_profiles(
    session: Session, user_id: str, pushed: list[ValidProfile], gone: list[LinkedInId], now: datetime
) -> tuple[frozenset[str], list[Rejected]]:
    """Step 8: the contacts the profiles changed, and the profiles that matched no contact."""
    if gone:
        await profiles.mark_gone(
            session, user_id, {i.member_id for i in gone if i.member_id}, {i.slug for i in gone if i.slug}
        )
    if not pushed:
        return frozenset(), []
    stored = await profiles.named(
        session,
        user_id,
        member_ids={p.identity.member_id for p in pushed if p.identity.member_id},
        slugs={p.identity.slug for p in pushed if p.identity.slug},
    )
    matched, unmatched = match(pushed, stored)
    merges = [merge(contact, profile) for contact, profile in matched]
    await profiles.apply(session, user_id, merges, now)
    await photo_jobs.enqueue(session, user_id, {m.contact.id: m.photo_urls for m in merges if m.photo_urls}, now)
    await activity.record(session, user_id, profile_activity(merges, now), now)
    return frozenset(m.contact.id for m in merges if m.changed), unmatched


async def store_conversations(
    session: Session,
    user_id: str,
    pushed: list[ValidConversation],
    now: datetime,
    *,
    source: Source,
    overwrite_profile: bool = True,
) -> StoredConversations:
    """Match the partners, merge, create, insert the messages, update aggregates and history marks (steps 2–6
    above). The caller holds the user's lock; new and updated contacts get `source`."""
    partners = [conversation.partner for conversation in pushed]
    known = await contacts.matching(
        session,
        user_id,
        member_ids={p.identity.member_id for p in partners if p.identity.member_id},
        slugs={p.identity.slug for p in partners if p.identity.slug},
    )
    plan = plan_matches(partners, known, now, overwrite_profile=overwrite_profile)
    for survivor, absorbed in plan.merges:  # in plan order: a survivor may absorb one that absorbed another
        await interactions.reassign(session, user_id, from_contact=absorbed, to_contact=survivor)
        await profiles.reassign_job_changes(session, user_id, from_contact=absorbed, to_contact=survivor)
        await photo_jobs.reassign(session, user_id, from_contact=absorbed, to_contact=survivor)
        await conversations.reassign(session, user_id, from_contact=absorbed, to_contact=survivor)
        await contacts.absorb_sources(session, user_id, survivor=survivor, absorbed=absorbed)
        await contacts.delete_one(session, user_id, absorbed)
    await contacts.clear_slugs(session, user_id, plan.slug_releases)
    messages, repeats = _distinct_messages(pushed, plan.contact_ids)
    # New contacts are created with the messages planned for them: each row is written once, not inserted and
    # then updated (a second version of it in every index of `contacts`).
    created_ids = {draft.id for draft in plan.created}
    planned = _gains([_as_stored(m) for m in messages if m.contact_id in created_ids])
    created = await contacts.create(session, user_id, plan.created, now, sources=source, messages=planned)
    if created != len(plan.created):
        raise ConcurrentChange(f"{len(plan.created) - created} contact(s) appeared while this push was planned")
    inserted = await interactions.insert_new(session, user_id, messages)
    changes = _changes(plan, [message for message in inserted if message.contact_id not in created_ids])
    await contacts.apply_changes(session, user_id, changes, now, sources=source)
    # A new contact's message the user already had (its URN or key under another contact) was not inserted:
    # such a contact, like a merge's survivor, is counted afresh.
    inserted_for_new = Counter(message.contact_id for message in inserted if message.contact_id in created_ids)
    miscounted = {contact_id for contact_id, gain in planned.items() if inserted_for_new[contact_id] != gain.added}
    await contacts.recount(session, user_id, {survivor for survivor, _ in plan.merges} | miscounted)
    await _record_history(session, user_id, pushed, plan.contact_ids, now)
    threads = {m.urn: thread for c in pushed if (thread := c.thread_id) for m in c.messages}
    events = push_activity(plan, inserted, now, source=NAMES[source], threads=threads)
    await activity.record(session, user_id, events, now)
    # Updated: existing contacts whose ids or profile changed, that absorbed others, or that got new messages.
    updated_ids = frozenset({change.contact_id for change in changes} - created_ids)
    return StoredConversations(
        contacts_created=len(plan.created),
        contacts_updated=len(updated_ids),
        updated_ids=updated_ids,
        inserted=inserted,
        interactions_skipped=len(messages) - len(inserted) + repeats,
    )


async def _record_history(
    session: Session, user_id: str, pushed: list[ValidConversation], contact_ids: list[str], now: datetime
) -> None:
    """Move the history marks of the pushed conversations (one pushed in parts comes more than once)."""
    told = [
        history.PushedHistory(
            conversation.urn,
            contact_id,
            [message.sent_at for message in conversation.messages],
            conversation.first_message_at,
            conversation.older_missing_after,
        )
        for conversation, contact_id in zip(pushed, contact_ids, strict=True)
        if conversation.urn
    ]
    stored = await conversations.marks(session, user_id, {item.urn for item in told})
    current = dict(stored)
    for item in told:
        mark = history.apply(current.get(item.urn), item)
        if mark is not None:
            current[item.urn] = mark
    await conversations.save(session, user_id, [m for urn, m in current.items() if stored.get(urn) != m], now)


def _distinct_messages(pushed: list[ValidConversation], contact_ids: list[str]) -> tuple[list[NewMessage], int]:
    """One message per URN (the first occurrence wins), and how many repeats were dropped."""
    distinct: dict[str, NewMessage] = {}
    repeats = 0
    for conversation, contact_id in zip(pushed, contact_ids, strict=True):
        for message in conversation.messages:
            if message.urn in distinct:
                repeats += 1
                continue
            key = message_key(conversation.thread_id, message.from_self, message.sent_at, message.text)
            distinct[message.urn] = NewMessage(
                contact_id, message.urn, message.from_self, message.text, message.sent_at, key
            )
    return list(distinct.values()), repeats


def _as_stored(message: NewMessage) -> StoredMessage:
    """The message as the store will hold it once inserted."""
    return StoredMessage(message.contact_id, message.urn, message.from_self, message.text, message.sent_at)


def _gains(messages: list[StoredMessage]) -> dict[str, ContactChange]:
    """Per contact: how many of `messages` are its, and the newest of them (by time, then URN)."""
    by_contact: dict[str, list[StoredMessage]] = defaultdict(list)
    for message in messages:
        by_contact[message.contact_id].append(message)
    return {
        contact_id: ContactChange(contact_id, None, len(mine), max(mine, key=lambda m: (m.occurred_at, m.source_urn)))
        for contact_id, mine in by_contact.items()
    }


def _changes(plan: MatchPlan, inserted: list[StoredMessage]) -> list[ContactChange]:
    """What changes on each existing contact: new ids or profile from the plan, the messages the insert really
    added."""
    gained = _gains(inserted)
    drafts = {draft.id: draft for draft in plan.updated}
    changes = []
    for contact_id in drafts.keys() | gained.keys():
        gain = gained.get(contact_id)
        changes.append(
            ContactChange(contact_id, drafts.get(contact_id), gain.added if gain else 0, gain.newest if gain else None)
        )
    return changes
