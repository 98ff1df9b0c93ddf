"""ReadActivity's events as suggestions_service reads them: every kind the feed serves, and one it does not
know yet (only its snapshot is used). The real RPC is exercised end to end in tests/edge/test_suggestions_http.py."""

from __future__ import annotations

from datetime import UTC, datetime

from pingcrm.contacts.v1 import contacts_service_pb2 as pb

from pingcrm_common.timestamps import to_timestamp
from suggestions_service.domain.records import FeedMessage, JobChange, Snapshot
from suggestions_service.feed_client import event_of

AT = datetime(2025, 12, 20, 9, 30, tzinfo=UTC)


def _event(**detail: object) -> pb.ActivityEvent:
    return pb.ActivityEvent(
        seq=7,
        position="0-7",
        user_id="u1",
        contact_id="c1",
        occurred_at=to_timestamp(AT),
        contact=pb.ContactSnapshot(full_name="Ada Lovelace", first_name="Ada", member_id="ACoAda", slug="ada-l"),
        **detail,  # type: ignore[arg-type]
    )


def test_every_kind_is_read() -> None:
    message = pb.ActivityMessage(urn="m1", from_self=False, sent_at=to_timestamp(AT), excerpt="Hello")
    url = "https://www.linkedin.com/messaging/thread/2-QQ==/"
    read = event_of(_event(messages=pb.MessagesActivity(messages=[message], conversation_url=url)))
    assert (read.kind, read.position, read.user_id, read.contact_id, read.occurred_at) == (
        "messages",
        "0-7",
        "u1",
        "c1",
        AT,
    )
    assert (read.messages, read.conversation_url) == ((FeedMessage("m1", False, AT, "Hello"),), url)
    assert read.snapshot == Snapshot(full_name="Ada Lovelace", first_name="Ada", member_id="ACoAda", slug="ada-l")
    job = event_of(_event(job_changed=pb.JobChangedActivity(old_title="Analyst", new_title="CTO", new_company="AE")))
    assert (job.kind, job.job) == ("job_changed", JobChange("CTO", "AE"))
    merged = event_of(_event(contacts_merged=pb.ContactsMergedActivity(absorbed_contact_id="c9")))
    assert (merged.kind, merged.absorbed_contact_id) == ("contacts_merged", "c9")
    imported = event_of(_event(connection_imported=pb.ConnectionImportedActivity(connected_on=to_timestamp(AT))))
    assert (imported.kind, imported.connected_on) == ("connection_imported", AT)
    unknown_day = event_of(_event(connection_imported=pb.ConnectionImportedActivity()))
    assert unknown_day.connected_on is None
    added = event_of(_event(contact_added=pb.ContactAddedActivity(source="connections_import")))
    assert (added.kind, added.source) == ("contact_added", "connections_import")


def test_a_kind_this_reader_does_not_know_keeps_its_snapshot() -> None:
    read = event_of(_event())
    assert (read.kind, read.messages, read.job) == ("", (), None)
    assert read.snapshot.full_name == "Ada Lovelace"
