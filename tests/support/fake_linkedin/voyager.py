"""Voyager's request encoding and answer shapes (docs/linkedin-sync.md §1).

Answers follow tests/fixtures/voyager/ and add a few of the fields real
answers carry (`_type`, `backendUrn`, …) so parsers that depend on an exact
field set fail here too. The GraphQL key under `data` differs between the
first and the older pages, as it does on LinkedIn.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from tests.support.fake_linkedin.data import Conversation, LinkedInData, Member, Message

CONVERSATIONS_QUERY = "messengerConversations"
MESSAGES_QUERY = "messengerMessages"


class BadRequest(ValueError):
    """What LinkedIn answers with 400."""


def raw_query_param(raw_query: str, name: str) -> str | None:
    """A query parameter exactly as sent: Rest.li values must not be decoded twice."""
    for pair in raw_query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return None


def parse_variables(raw: str) -> dict[str, str]:
    """`(key:value,key:value)` with literal punctuation and percent-encoded values.

    A value with a literal `:` or `,` was not encoded (Rest.li would read it as
    structure), and a `variables` that starts with `%28` was encoded as a whole
    (URLSearchParams does that): both are what LinkedIn rejects.
    """
    if not (raw.startswith("(") and raw.endswith(")")):
        raise BadRequest(f"variables must be a Rest.li record in literal parentheses, got {raw[:40]!r}")
    items: list[str] = []
    depth, start = 0, 1
    for index, char in enumerate(raw[1:-1], start=1):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise BadRequest("unbalanced parentheses in variables")
        elif char == "," and depth == 0:
            items.append(raw[start:index])
            start = index + 1
    if depth != 0:
        raise BadRequest("unbalanced parentheses in variables")
    items.append(raw[start:-1])
    parsed: dict[str, str] = {}
    for item in items:
        key, colon, value = item.partition(":")
        if not colon or not key or not value:
            raise BadRequest(f"not a key:value pair: {item!r}")
        if ":" in value.replace("(", "").replace(")", "") and not value.startswith(("(", "List(")):
            raise BadRequest(f"value of {key} is not percent-encoded: {value!r}")
        parsed[key] = unquote(value)
    return parsed


def int_variable(variables: dict[str, str], name: str) -> int | None:
    if name not in variables:
        return None
    try:
        return int(variables[name])
    except ValueError as error:
        raise BadRequest(f"{name} must be epoch milliseconds, got {variables[name]!r}") from error


def me(data: LinkedInData) -> dict[str, Any]:
    profile_id = data.me.member_id
    return {
        "data": {
            "$type": "com.linkedin.voyager.common.Me",
            "plainId": 100_000 + data.seed,
            "*miniProfile": f"urn:li:fs_miniProfile:{profile_id}",
        },
        "included": [
            {
                "$type": "com.linkedin.voyager.identity.shared.MiniProfile",
                "entityUrn": f"urn:li:fs_miniProfile:{profile_id}",
                "dashEntityUrn": data.me.urn,
                "objectUrn": f"urn:li:member:{100_000 + data.seed}",
                "publicIdentifier": data.me.public_identifier,
                "firstName": data.me.first_name,
                "lastName": data.me.last_name,
                "occupation": data.me.headline,
                "trackingId": "dGVzdA==",
            }
        ],
    }


def conversations_page(data: LinkedInData, conversations: list[Conversation], *, first_page: bool) -> dict[str, Any]:
    key = "messengerConversationsBySyncToken" if first_page else "messengerConversationsByCategoryQuery"
    metadata = {"_type": "com.linkedin.messenger.ConversationsMetadata", "newSyncToken": f"sync-{data.seed}"}
    return {
        "data": {
            "_type": "com.linkedin.graphql.Data",
            key: {
                "_type": "com.linkedin.messenger.ConversationCollection",
                "elements": [_conversation(data, conversation) for conversation in conversations],
                "metadata": metadata,
            },
        }
    }


def messages_page(conversation: Conversation, messages: list[Message], *, anchored: bool) -> dict[str, Any]:
    key = "messengerMessagesByAnchorTimestamp" if anchored else "messengerMessagesByConversation"
    return {
        "data": {
            "_type": "com.linkedin.graphql.Data",
            key: {
                "_type": "com.linkedin.messenger.MessageCollection",
                "elements": [_message(conversation, message) for message in messages],
            },
        }
    }


def _text(value: str, as_object: bool) -> str | dict[str, Any]:
    if not as_object:
        return value
    return {"_type": "com.linkedin.pemberly.text.AttributedText", "text": value, "attributes": []}


def _participant(member: Member) -> dict[str, Any]:
    details: dict[str, Any] = {
        "_type": "com.linkedin.messenger.MemberParticipantInfo",
        "profileUrl": member.profile_url,
        "firstName": _text(member.first_name, member.names_as_text_objects),
        "lastName": _text(member.last_name, member.names_as_text_objects),
        "distance": "DISTANCE_1",
        "pronoun": None,
    }
    if member.headline:
        details["headline"] = _text(member.headline, member.names_as_text_objects)
    return {
        "_type": "com.linkedin.messenger.MessagingParticipant",
        "entityUrn": f"urn:li:msg_messagingParticipant:{member.urn}",
        "hostIdentityUrn": member.urn,
        "participantType": {"member": details},
    }


def _conversation(data: LinkedInData, conversation: Conversation) -> dict[str, Any]:
    element: dict[str, Any] = {
        "_type": "com.linkedin.messenger.Conversation",
        "entityUrn": conversation.urn,
        "backendUrn": conversation.backend_urn,
        "lastActivityAt": conversation.last_activity_at,
        "lastReadAt": conversation.last_activity_at,
        "read": True,
        "unreadCount": 0,
        "categories": ["INBOX", "PRIMARY_INBOX"],
        "conversationUrl": {"url": f"https://www.linkedin.com/messaging/thread/{conversation.thread_id}/"},
        "conversationParticipants": [_participant(member) for member in (*conversation.others, data.me)],
    }
    if conversation.is_group:
        element["title"] = {"text": conversation.title}
    if conversation.group_flag_present:
        element["groupChat"] = conversation.group_chat
    if conversation.embeds_latest_message:
        element["messages"] = {"elements": [_message(conversation, conversation.messages[-1])]}
    return element


def _message(conversation: Conversation, message: Message) -> dict[str, Any]:
    sender = _participant(message.sender)
    sender["memberProfile"] = {
        "entityUrn": message.sender.urn,
        "publicIdentifier": message.sender.public_identifier,
        "firstName": message.sender.first_name,
        "lastName": message.sender.last_name,
    }
    return {
        "_type": "com.linkedin.messenger.Message",
        "entityUrn": message.urn,
        "backendUrn": message.backend_urn,
        "deliveredAt": message.delivered_at,
        "body": {"_type": "com.linkedin.pemberly.text.AttributedText", "text": message.text, "attributes": []},
        "sender": sender,
        "messageBodyRenderFormat": "DEFAULT",
        "conversation": {"entityUrn": conversation.urn},
    }


PROFILE_DECORATION = "com.linkedin.voyager.dash.deco.identity.profile.FullProfileWithEntities-93"


def profile(data: LinkedInData, member: Member) -> dict[str, Any]:
    """/identity/dash/profiles?q=memberIdentity: the dash shape of tests/fixtures/voyager/profile.json, names as
    strings or `{text}` objects as the member's conversations give them."""
    details = data.profiles[member.member_id]
    entity: dict[str, Any] = {
        "$type": "com.linkedin.voyager.dash.identity.profile.Profile",
        "entityUrn": member.urn,
        "publicIdentifier": member.public_identifier,
        "firstName": _text(member.first_name, member.names_as_text_objects),
        "lastName": _text(member.last_name, member.names_as_text_objects),
        "headline": member.headline,
        "geoLocationName": details.location or None,
        "*profilePositionGroups": f"urn:li:collectionResponse:{member.member_id}:positionGroups",
    }
    urls = data.photo_urls(member)
    if urls:
        root = data.photo_root + member.member_id + "/"
        entity["profilePicture"] = {
            "$type": "com.linkedin.voyager.dash.identity.profile.PhotoFilterPicture",
            "displayImageReference": {
                "vectorImage": {
                    "$type": "com.linkedin.common.VectorImage",
                    "rootUrl": root,
                    "artifacts": [
                        {
                            "width": int(url.split("shrink_")[1].split("_")[0]),
                            "height": int(url.split("shrink_")[1].split("_")[0]),
                            "expiresAt": data.now_ms + 86_400_000,
                            "fileIdentifyingUrlPathSegment": url.removeprefix(root),
                        }
                        for url in urls
                    ],
                }
            },
        }
    positions = [
        {
            "$type": "com.linkedin.voyager.dash.identity.profile.Position",
            "entityUrn": f"urn:li:fsd_position:({member.member_id},{index + 1000})",
            "companyName": position.company,
            "title": position.title,
            "dateRange": {
                "start": {"year": position.start[0], "month": position.start[1]},
                **({"end": {"year": position.end[0], "month": position.end[1]}} if position.end else {}),
            },
        }
        for index, position in enumerate(details.positions)
    ]
    return {
        "data": {
            "$type": "com.linkedin.restli.common.CollectionResponse",
            "*elements": [member.urn],
            "paging": {"start": 0, "count": 10, "total": 1},
        },
        "included": [entity, *positions],
    }
