import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import {
  memberIdOf,
  parseConversation,
  parseConversationsPage,
  parseMe,
  parseMessagesPage,
  slugOf,
} from '../../extension/background/linkedin/voyager-parse.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = resolve(REPO, 'tests', 'fixtures', 'voyager');
const fixture = (name) => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'));

const member = (id, extra = {}) => ({
  hostIdentityUrn: `urn:li:fsd_profile:${id}`,
  participantType: { member: { profileUrl: `https://www.linkedin.com/in/${id.toLowerCase()}`, firstName: 'F', lastName: 'L', ...extra } },
});
const page = (elements, key = 'messengerConversationsBySyncToken') => ({ data: { [key]: { elements } } });
const SELF = 'ACoAASELF00000000000000000000000000000000';
const self = member(SELF);

describe('parsers on the reference fixtures', () => {
  it('/me → self member id', () => {
    assert.equal(parseMe(fixture('me.json')), 'SELF123');
  });

  it('conversations page → 1:1 conversations with their partner', () => {
    const conversations = parseConversationsPage(fixture('conversations.page1.json'), 'SELF123');
    assert.deepEqual(conversations, [
      {
        urn: 'urn:li:msg_conversation:CONV1',
        lastActivityAt: 1749990000000,
        isGroup: false,
        partner: {
          memberId: 'PARTNER1',
          slug: 'partner-one',
          firstName: 'Partner',
          lastName: 'One',
          headline: '',
          profileUrl: 'https://www.linkedin.com/in/partner-one',
        },
        embeddedMessages: [],
      },
      {
        urn: 'urn:li:msg_conversation:CONV2',
        lastActivityAt: 1749000000000,
        isGroup: false,
        partner: {
          memberId: 'PARTNER2',
          slug: 'partner-two',
          firstName: 'Partner',
          lastName: 'Two',
          headline: '',
          profileUrl: 'https://www.linkedin.com/in/partner-two',
        },
        embeddedMessages: [],
      },
    ]);
  });

  it('messages page → messages with their direction', () => {
    assert.deepEqual(parseMessagesPage(fixture('messages.conv1.json'), 'SELF123'), [
      { urn: 'urn:li:msg_message:M1', sentAt: 1749980000000, text: 'Hey, great to connect!', fromSelf: false },
      { urn: 'urn:li:msg_message:M2', sentAt: 1749990000000, text: "Likewise! Let's catch up next week.", fromSelf: true },
    ]);
    assert.deepEqual(parseMessagesPage(fixture('messages.conv2.json'), 'SELF123').map((m) => m.fromSelf), [false]);
  });
});

describe('parsers on other shapes', () => {
  it('/me: *miniProfile pointer, miniProfile object, fsd_profile URNs', () => {
    assert.equal(parseMe({ data: { '*miniProfile': 'urn:li:fs_miniProfile:ACoAAX1' }, included: [] }), 'ACoAAX1');
    assert.equal(parseMe({ miniProfile: { entityUrn: 'urn:li:fs_miniProfile:ACoAAX2' } }), 'ACoAAX2');
    assert.equal(parseMe({ included: [{ $type: 'x.Other', entityUrn: 'urn:li:fsd_profile:ACoAAX3' }] }), 'ACoAAX3');
    assert.throws(() => parseMe({ data: {}, included: [] }), { code: 'linkedin_format_changed' });
    assert.throws(() => parseMe(null), { code: 'linkedin_format_changed' });
  });

  it('member ids from plain and nested URNs', () => {
    assert.equal(memberIdOf('urn:li:fsd_profile:ACoAAB-_9x'), 'ACoAAB-_9x');
    assert.equal(memberIdOf('urn:li:msg_messagingParticipant:urn:li:fsd_profile:ACoAAZ'), 'ACoAAZ');
    assert.equal(memberIdOf('urn:li:company:123'), null);
    assert.equal(memberIdOf(undefined), null);
  });

  it('a slug only when the profile URL carries a real one', () => {
    assert.equal(slugOf('https://www.linkedin.com/in/jane-doe-1a2b/', 'ACoAAJ'), 'jane-doe-1a2b');
    assert.equal(slugOf('https://www.linkedin.com/in/j%C3%BCrgen-m', 'ACoAAJ'), 'jürgen-m');
    assert.equal(slugOf('https://www.linkedin.com/in/ACoAABcdEfGhIjKlMnOpQrStUvWxYz0123456789', 'ACoAAOther'), null);
    assert.equal(slugOf('https://www.linkedin.com/in/ACoAAJ', 'ACoAAJ'), null);
    assert.equal(slugOf('https://www.linkedin.com/in/acosta-maria', 'ACoAAJ'), 'acosta-maria', 'a name that starts like an id');
    assert.equal(slugOf('https://evil.example/in/jane', 'ACoAAJ'), null);
    assert.equal(slugOf(undefined, 'ACoAAJ'), null);
  });

  it('names and headline as strings or {text}', () => {
    const element = {
      entityUrn: 'urn:li:msg_conversation:(urn:li:fsd_profile:X,2-abc==)',
      lastActivityAt: '1700000000000',
      conversationParticipants: [member('ACoAAP', { firstName: { text: 'Zoë' }, lastName: 'Müller', headline: { text: 'CTO' } }), self],
    };
    const c = parseConversation(element, SELF);
    assert.equal(c.lastActivityAt, 1700000000000);
    assert.deepEqual([c.partner.firstName, c.partner.lastName, c.partner.headline], ['Zoë', 'Müller', 'CTO']);
  });

  it('group chats: the flag, or more than one other participant', () => {
    const base = { entityUrn: 'urn:li:msg_conversation:G', lastActivityAt: 1 };
    const flagged = parseConversation({ ...base, groupChat: true, conversationParticipants: [member('ACoAAA'), self] }, SELF);
    const crowded = parseConversation({ ...base, conversationParticipants: [member('ACoAAA'), member('ACoAAB'), self] }, SELF);
    const oneToOne = parseConversation({ ...base, groupChat: false, conversationParticipants: [member('ACoAAA'), self] }, SELF);
    assert.deepEqual([flagged.isGroup, crowded.isGroup, oneToOne.isGroup], [true, true, false]);
    assert.equal(flagged.partner, null);
    assert.equal(crowded.partner, null);
    assert.equal(oneToOne.partner.memberId, 'ACoAAA');
  });

  it('no usable partner: no id other than self, or no participants', () => {
    const base = { entityUrn: 'urn:li:msg_conversation:N', lastActivityAt: 1 };
    const anonymous = { participantType: { member: { firstName: 'LinkedIn', lastName: 'Member' } } };
    assert.equal(parseConversation({ ...base, conversationParticipants: [anonymous, self] }, SELF).partner, null);
    assert.equal(parseConversation({ ...base, conversationParticipants: [self] }, SELF).partner, null);
    assert.equal(parseConversation(base, SELF).partner, null);
    assert.equal(parseConversation(base, SELF).isGroup, false);
  });

  it('embedded messages, backendUrn fallback, direction from sender', () => {
    const c = parseConversation(
      {
        backendUrn: 'urn:li:messagingThread:2-x',
        lastActivityAt: 5,
        conversationParticipants: [member('ACoAAA'), self],
        messages: {
          elements: [
            { entityUrn: 'urn:li:msg_message:1', deliveredAt: 5, body: { text: 'hi' }, sender: { hostIdentityUrn: `urn:li:fsd_profile:${SELF}` } },
            { backendUrn: 'urn:li:messagingMessage:2', deliveredAt: 4, sender: { entityUrn: 'urn:li:msg_messagingParticipant:urn:li:fsd_profile:ACoAAA' } },
            { entityUrn: 'urn:li:msg_message:3', body: { text: 'no time' }, sender: { hostIdentityUrn: 'urn:li:fsd_profile:ACoAAA' } },
          ],
        },
      },
      SELF,
    );
    assert.equal(c.urn, 'urn:li:messagingThread:2-x');
    assert.deepEqual(c.embeddedMessages, [
      { urn: 'urn:li:msg_message:1', sentAt: 5, text: 'hi', fromSelf: true },
      { urn: 'urn:li:messagingMessage:2', sentAt: 4, text: '', fromSelf: false },
    ]);
  });

  it('drops items missing essentials one by one, keeps the rest', () => {
    const good = { entityUrn: 'urn:li:msg_conversation:OK', lastActivityAt: 9, conversationParticipants: [member('ACoAAA'), self], extra: { x: 1 } };
    const parsed = parseConversationsPage(page([{ lastActivityAt: 9 }, { entityUrn: 'urn:li:msg_conversation:T' }, null, 'junk', good]), SELF);
    assert.deepEqual(parsed.map((c) => c.urn), ['urn:li:msg_conversation:OK']);
    const messages = parseMessagesPage(
      page(
        [
          { entityUrn: 'urn:li:msg_message:A', deliveredAt: 1, body: { text: 'a' }, sender: { hostIdentityUrn: 'urn:li:fsd_profile:ACoAAA' } },
          { entityUrn: 'urn:li:msg_message:B', deliveredAt: 2, body: { text: 'no sender' } },
        ],
        'messengerMessagesByAnchorTimestamp',
      ),
      SELF,
    );
    assert.deepEqual(messages.map((m) => m.urn), ['urn:li:msg_message:A']);
  });

  it('an answer without data.<key>.elements is format_changed, an empty list is not', () => {
    for (const broken of [{}, { data: null }, { data: { messengerConversationsBySyncToken: {} } }, { errors: [{ message: 'x' }] }, 'html']) {
      assert.throws(() => parseConversationsPage(broken, SELF), { code: 'linkedin_format_changed' });
      assert.throws(() => parseMessagesPage(broken, SELF), { code: 'linkedin_format_changed' });
    }
    assert.deepEqual(parseConversationsPage(page([]), SELF), []);
  });
});
