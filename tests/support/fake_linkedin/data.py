"""The fake LinkedIn's account: one member, their conversations and messages.

Generated from a seed, so a test can name exactly what it expects to see
appear in PingCRM. Times are epoch milliseconds, like Voyager's. URNs and ids
have LinkedIn's real forms (conversation URNs with parentheses, a comma and
base64 padding), so encoding mistakes in the extension show up here rather
than on linkedin.com.
"""

from __future__ import annotations

import base64
import hashlib
import random
import uuid
from dataclasses import dataclass, field

# The default "now": the same instant as pingcrm_common.clock.FrozenClock's start,
# so the fake's history is in the past of a test stack's frozen clock.
DEFAULT_NOW_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
PAGE_SIZE = 20  # Voyager pages of conversations and of messages
MINUTE_MS = 60_000
HOUR_MS = 60 * MINUTE_MS

FIRST_NAMES = (
    "Ada", "Grace", "Alan", "Barbara", "Edsger", "Frances", "Donald", "Margaret", "Ken", "Radia",
    "Tim", "Hedy", "Linus", "Sophie", "Guido", "Zoë", "José", "Łukasz", "Chloé", "Søren",
    "Amara", "Kenji", "Priya", "Tomás", "Ngozi", "Mei", "Omar", "Ingrid", "Rafael", "Aroha",
)
LAST_NAMES = (
    "Lovelace", "Hopper", "Turing", "Liskov", "Dijkstra", "Allen", "Knuth", "Hamilton", "Thompson",
    "Perlman", "Berners-Lee", "Lamarr", "Torvalds", "Wilson", "van Rossum", "Müller", "García",
    "Kowalski", "Dubois", "Kierkegaard", "Okafor", "Tanaka", "Raman", "Oliveira", "Adeyemi", "Chen",
    "Haddad", "Larsen", "Costa", "Ngata",
)
HEADLINES = (
    "COO at Acme",
    "Founder · Building tools for small teams",
    "Staff Engineer at Initech",
    "Product Designer | Accessibility",
    "Partner at Example Ventures",
    "",
)
SNIPPETS = (
    "Hey, great to connect!",
    "Thanks for the intro earlier.",
    "Likewise! Let's catch up next week.",
    "Are you going to the meetup on Thursday?",
    "Here is the deck I mentioned: https://example.com/deck",
    "Congrats on the new role 🎉",
    "Could you share a few times that work for you?",
    "Sounds good — talk soon.\nBest, and say hi to the team",
    "I read your post about hiring, very helpful.",
    "Happy to help, send me the details.",
)
COMPANIES = ("Acme", "Initech", "Globex", "Umbrella Labs", "Example Ventures", "Hooli", "Vandelay Industries")
TITLES = ("COO", "Staff Engineer", "Product Designer", "Founder", "Partner", "Head of Sales", "Data Scientist")
LOCATIONS = ("San Francisco Bay Area", "Berlin, Germany", "Lagos, Nigeria", "Tokyo, Japan", "São Paulo, Brazil", "")
PHOTO_SIZES = (100, 200, 400, 800)  # the widths LinkedIn's CDN offers a profile photo in
SLUG_ASCII = str.maketrans({"ë": "e", "é": "e", "Ł": "l", "ø": "o", "ü": "u", "í": "i", "á": "a"})
ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


@dataclass(frozen=True)
class Member:
    member_id: str  # ACoAA…, the id LinkedIn's messaging uses
    first_name: str
    last_name: str
    slug: str | None  # None: LinkedIn only shows the ACo id in the profile URL
    headline: str = ""
    # Voyager gives names either as plain strings or as {"text": …}; both occur.
    names_as_text_objects: bool = False

    @property
    def urn(self) -> str:
        return f"urn:li:fsd_profile:{self.member_id}"

    @property
    def public_identifier(self) -> str:
        return self.slug or self.member_id

    @property
    def profile_url(self) -> str:
        return f"https://www.linkedin.com/in/{self.public_identifier}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Position:
    title: str
    company: str
    start: tuple[int, int]  # (year, month)
    end: tuple[int, int] | None = None  # None: current


@dataclass
class Profile:
    """What the member's LinkedIn profile shows (served by /voyager/api/identity/dash/profiles)."""

    location: str
    positions: list[Position]
    has_photo: bool
    gone: bool = False  # LinkedIn answers 404: the account was closed

    @property
    def current(self) -> Position | None:
        """The position PingCRM should take the title and company from: current, the most recent start."""
        current = [p for p in self.positions if p.end is None]
        return max(current, key=lambda p: p.start) if current else None


@dataclass(frozen=True)
class Message:
    urn: str
    backend_urn: str
    delivered_at: int
    sender: Member
    text: str


@dataclass
class Conversation:
    thread_id: str  # "2-…", as in /messaging/thread/<thread_id>/
    urn: str
    others: list[Member]  # everyone but the account's member
    group_chat: bool
    # Whether the conversation element carries `groupChat`; 1:1 chats sometimes omit it.
    group_flag_present: bool
    # Whether the conversations page embeds the newest message (`messages.elements`).
    embeds_latest_message: bool
    messages: list[Message] = field(default_factory=list)  # oldest first

    @property
    def backend_urn(self) -> str:
        return f"urn:li:messagingThread:{self.thread_id}"

    @property
    def last_activity_at(self) -> int:
        return self.messages[-1].delivered_at

    @property
    def is_group(self) -> bool:
        return self.group_chat or len(self.others) > 1

    @property
    def partner(self) -> Member:
        """The other member of a 1:1 conversation."""
        if self.is_group:
            raise ValueError(f"{self.urn} is a group chat")
        return self.others[0]

    @property
    def title(self) -> str:
        return ", ".join(member.name for member in self.others)


@dataclass
class LinkedInData:
    seed: int
    me: Member
    conversations: list[Conversation]
    now_ms: int
    profiles: dict[str, Profile] = field(default_factory=dict)  # by member id
    # Where the profile photos are (https://media.licdn.com:<port>/dms/image/), set once the fake CDN runs.
    photo_root: str = "https://media.licdn.com/dms/image/"

    def member(self, identity: str) -> Member | None:
        """A member by slug or member id (what Voyager's memberIdentity takes)."""
        for member in {m.member_id: m for c in self.conversations for m in c.others}.values():
            if identity in (member.slug, member.member_id):
                return member
        return None

    def photo_urls(self, member: Member) -> list[str]:
        """The member's photo at each size, smallest first (as LinkedIn lists them); [] without a photo."""
        profile = self.profiles.get(member.member_id)
        if profile is None or not profile.has_photo:
            return []
        return [self.photo_root + photo_path(member, size) for size in PHOTO_SIZES]

    def newest_first(self) -> list[Conversation]:
        return sorted(self.conversations, key=lambda c: c.last_activity_at, reverse=True)

    def one_to_one(self) -> list[Conversation]:
        return [c for c in self.newest_first() if not c.is_group]

    def group_chats(self) -> list[Conversation]:
        return [c for c in self.newest_first() if c.is_group]

    def conversation(self, key: str) -> Conversation:
        """By URN or thread id."""
        for conversation in self.conversations:
            if key in (conversation.urn, conversation.thread_id):
                return conversation
        raise KeyError(key)

    def conversation_page(self, last_updated_before: int | None) -> list[Conversation]:
        """One Voyager page: newest activity first, strictly older than the anchor."""
        newest = self.newest_first()
        if last_updated_before is not None:
            newest = [c for c in newest if c.last_activity_at < last_updated_before]
        return newest[:PAGE_SIZE]

    @staticmethod
    def message_page(conversation: Conversation, delivered_before: int | None, count: int = PAGE_SIZE) -> list[Message]:
        """The newest `count` messages strictly older than the anchor, oldest first (as Voyager lists them)."""
        messages = conversation.messages
        if delivered_before is not None:
            messages = [m for m in messages if m.delivered_at < delivered_before]
        return messages[-count:] if count > 0 else []

    def add_message(
        self, conversation: Conversation | str, text: str, *, from_self: bool = False, at: int | None = None
    ) -> Message:
        """A new message; its conversation becomes the newest (lastActivityAt = its time)."""
        if isinstance(conversation, str):
            conversation = self.conversation(conversation)
        newest = max(c.last_activity_at for c in self.conversations)
        delivered_at = at if at is not None else newest + MINUTE_MS
        if delivered_at <= conversation.last_activity_at:
            raise ValueError("a new message must be newer than the conversation's last one")
        sender = self.me if from_self else conversation.others[0]
        message = _message(self.seed, self.me, conversation, len(conversation.messages), delivered_at, sender, text)
        conversation.messages.append(message)
        return message


def generate(
    seed: int = 1,
    *,
    one_to_one: int = 10,
    aco_only: int = 2,
    group_chats: int = 2,
    long_threads: int = 1,
    long_thread_length: int = 45,
    now_ms: int = DEFAULT_NOW_MS,
) -> LinkedInData:
    """An account with `one_to_one` 1:1 conversations (`aco_only` of them with
    partners whose profile URL has no slug, `long_threads` of them with
    `long_thread_length` messages, more than two pages by default) and
    `group_chats` group conversations."""
    if aco_only > one_to_one or long_threads > one_to_one:
        raise ValueError("aco_only and long_threads count among the one_to_one conversations")
    rng = random.Random(seed)
    used_ids: set[str] = set()
    me = _member(rng, used_ids, with_slug=True)
    partners = [_member(rng, used_ids, with_slug=index >= aco_only) for index in range(one_to_one)]
    long_partners = set(rng.sample(range(one_to_one), long_threads))

    plans: list[tuple[list[Member], bool, int]] = []
    for index, partner in enumerate(partners):
        plans.append(([partner], False, long_thread_length if index in long_partners else rng.randint(1, 5)))
    for _ in range(group_chats):
        members = [_member(rng, used_ids, with_slug=True) for _ in range(rng.randint(2, 3))]
        plans.append((members, True, rng.randint(2, 5)))
    rng.shuffle(plans)

    conversations: list[Conversation] = []
    activity = now_ms - rng.randint(5, 30) * MINUTE_MS
    for position, (others, group, message_count) in enumerate(plans):
        thread_id = "2-" + base64.b64encode(f"{uuid.UUID(int=rng.getrandbits(128))}_010".encode()).decode()
        conversation = Conversation(
            thread_id=thread_id,
            urn=f"urn:li:msg_conversation:({me.urn},{thread_id})",
            others=others,
            group_chat=group,
            group_flag_present=group or rng.random() < 0.5,
            # Alternate, so every page mixes both shapes whatever the shuffle.
            embeds_latest_message=position % 2 == 0,
        )
        conversation.messages = _history(rng, seed, me, conversation, message_count, activity)
        conversations.append(conversation)
        activity -= rng.randint(1, 72) * HOUR_MS + rng.randint(1, 59_999)
    # A separate generator: adding profiles leaves every conversation, name and URN as it was.
    profile_rng = random.Random(seed * 7919 + 1)
    everyone = {m.member_id: m for c in conversations for m in c.others}
    profiles = {member_id: _profile(profile_rng) for member_id in sorted(everyone)}
    return LinkedInData(seed=seed, me=me, conversations=conversations, now_ms=now_ms, profiles=profiles)


def photo_path(member: Member, size: int) -> str:
    """The CDN path of a member's photo at `size` (after the photo root), shaped like LinkedIn's."""
    return f"{member.member_id}/profile-displayphoto-shrink_{size}_{size}/0/1700000000000"


def _profile(rng: random.Random) -> Profile:
    """Most have a current position and a photo; some several current positions, some none, a few no photo."""
    current = [
        Position(rng.choice(TITLES), rng.choice(COMPANIES), (rng.randint(2015, 2025), rng.randint(1, 12)))
        for _ in range(rng.choice((0, 1, 1, 1, 2)))
    ]
    past = [Position("Engineer", "OldCo", (2008, 9), (2014, 12))]
    return Profile(location=rng.choice(LOCATIONS), positions=current + past, has_photo=rng.random() < 0.8)


def _member(rng: random.Random, used_ids: set[str], *, with_slug: bool) -> Member:
    while True:
        member_id = "ACoAA" + "".join(rng.choice(ID_ALPHABET) for _ in range(34))
        if member_id not in used_ids:
            used_ids.add(member_id)
            break
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    slug = None
    if with_slug:
        base = f"{first}-{last}".lower().translate(SLUG_ASCII).replace(" ", "-")
        slug = f"{base}-{rng.getrandbits(32):08x}"
    return Member(
        member_id=member_id,
        first_name=first,
        last_name=last,
        slug=slug,
        headline=rng.choice(HEADLINES),
        names_as_text_objects=rng.random() < 0.5,
    )


def _history(
    rng: random.Random, seed: int, me: Member, conversation: Conversation, count: int, newest_at: int
) -> list[Message]:
    times = [newest_at]
    for _ in range(count - 1):
        times.append(times[-1] - rng.randint(2 * MINUTE_MS, 48 * HOUR_MS))
    times.reverse()
    people = [*conversation.others, me]
    senders = [rng.choice(people) for _ in times]
    if count >= 2 and all(sender == me for sender in senders):
        senders[0] = conversation.others[0]
    elif count >= 2 and me not in senders:
        senders[0] = me  # both directions whenever there is more than one message
    return [
        _message(seed, me, conversation, index, at, sender, rng.choice(SNIPPETS))
        for index, (at, sender) in enumerate(zip(times, senders, strict=True))
    ]


def _message(
    seed: int, me: Member, conversation: Conversation, index: int, at: int, sender: Member, text: str
) -> Message:
    # A pure function of seed, conversation and position: the same data always has the same URNs,
    # also for messages added by a test after generation.
    digest = hashlib.sha256(f"{seed}/{conversation.thread_id}/{index}".encode()).hexdigest()[:20]
    message_id = "2-" + base64.b64encode(f"{at}b{digest}".encode()).decode()
    return Message(
        urn=f"urn:li:msg_message:({me.urn},{message_id})",
        backend_urn=f"urn:li:messagingMessage:{message_id}",
        delivered_at=at,
        sender=sender,
        text=text,
    )
