"""A fake www.linkedin.com for tests: seeded data, Voyager endpoints, pages, HTTPS.

    data = generate(seed=3, one_to_one=8)
    async with FakeLinkedIn(data) as linkedin:
        session = linkedin.new_session()        # or: await linkedin.sign_in(playwright_context)
        ... linkedin.calls, linkedin.fail_next(Failure.RATE_LIMITED), linkedin.add_message(urn, "hi")

See docs/linkedin-sync.md §1 for the requests it serves.
"""

from tests.support.fake_linkedin.data import Conversation, LinkedInData, Member, Message, generate
from tests.support.fake_linkedin.server import Failure, FakeLinkedIn, Session, VoyagerCall

__all__ = [
    "Conversation",
    "Failure",
    "FakeLinkedIn",
    "LinkedInData",
    "Member",
    "Message",
    "Session",
    "VoyagerCall",
    "generate",
]
