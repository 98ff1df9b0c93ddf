// P and R in LinkedIn's composer: the content scripts (extension/content/composer/)
// run as Chrome runs them, on tree-dom pages shaped like LinkedIn's, with a
// fake worker answering their messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import vm from 'node:vm';

import { MSG } from '../../extension/lib/messages.js';
import { loadComposerScripts } from './helpers/composer-scripts.mjs';
import {
  MEMBER_ID,
  buildBubbleDock,
  buildComposer,
  buildFeedPost,
  buildMessagingPage,
  openBubble,
  partners,
} from './helpers/fake-linkedin-dom.mjs';
import { createFakeTimers } from './helpers/fake-dom.mjs';
import { InputEvent, KeyboardEvent, createDom, h } from './helpers/tree-dom.mjs';

const THREAD = '2-ZmE4YjQ1NWQtNWU1Yy00ZDFkLWE5YzYtMmZhNmM1YjU4OTcwXzAxMA==';
const OTHER_THREAD = '2-NzE1ZjRmYTMtYjYzMC00NWFmLTgxYjgtNDdhOWI0ZTIwNGJiXzAxMA==';

const settle = () => new Promise((resolve) => setImmediate(resolve));

function suggestion(id, message, reason = 'Ada wrote 5 days ago and is waiting for an answer') {
  return { id, message, reason: { kind: 'unanswered_inbound', text: reason }, drafter: 'embedded', contactName: 'Ada Lovelace' };
}

/** A fake worker: records what the content script asks; `answer(type, payload)` decides (may return a promise). */
function fakeWorker(answer) {
  const calls = [];
  const send = async (type, payload) => {
    calls.push({ type, payload: structuredClone(payload) });
    return answer(type, payload, calls.length);
  };
  return { calls, send };
}

const listing = (items, name = 'Ada Lovelace') => () => ({ ok: true, data: { partner: { name, memberId: null, slug: null }, suggestions: items } });

/** Start the composer scripts on `dom` (as main.js does, with the fakes). */
function start(dom, send = fakeWorker(listing([])).send) {
  const ns = loadComposerScripts({});
  const timers = createFakeTimers();
  const watcher = ns.watcher.watchPage({ document: dom.document, window: dom.window, location: dom.location, send, timers });
  return { ns, watcher, timers };
}

/** Our button groups in a composer form (they sit in its toolbar). */
function actionHosts(form) {
  return form.querySelectorAll('[data-pingcrm="actions"]');
}

function buttonsOf(form) {
  const hosts = actionHosts(form);
  assert.equal(hosts.length, 1, 'exactly one P/R group');
  const [pull, regenerate] = hosts[0].shadowRoot.querySelectorAll('button');
  return { host: hosts[0], pull, regenerate };
}

/** The overlay above a composer form, or null. */
function overlayOf(form) {
  const host = form.parentNode.children.find((node) => node.getAttribute('data-pingcrm') === 'overlay') ?? null;
  if (!host) return null;
  const panel = host.shadowRoot.querySelector('section');
  const status = panel.querySelector('.status');
  return {
    host,
    panel,
    title: panel.querySelector('.title').textContent,
    status: status ? status.textContent : null,
    items: panel.querySelectorAll('.item').map((item) => ({
      node: item,
      text: item.querySelector('.text').textContent,
      reason: item.querySelector('.reason').textContent,
      busy: item.getAttribute('aria-busy') === 'true',
    })),
    close: panel.querySelector('.close'),
  };
}

describe('composer detection and injection', () => {
  it('puts one P and one R, real labelled buttons, before Send in the full-page thread composer inside a shadow root', async () => {
    const dom = createDom();
    const page = buildMessagingPage(dom, { threadId: THREAD, partner: partners.ada });
    start(dom);
    const { host, pull, regenerate } = buttonsOf(page.form);
    assert.equal(host.parentNode, page.send.parentNode, 'in the row of the send button');
    assert.equal(host.nextSibling, page.send, 'right before Send');
    for (const [button, label, text] of [[pull, 'PingCRM: show suggestions', 'P'], [regenerate, 'PingCRM: new draft', 'R']]) {
      assert.equal(button.localName, 'button');
      assert.equal(button.getAttribute('type'), 'button', 'never submits the form');
      assert.equal(button.getAttribute('aria-label'), label);
      assert.equal(button.textContent, text);
      assert.ok(button.getAttribute('title'), 'a tooltip says what it does');
    }
    assert.equal(pull.getAttribute('aria-expanded'), 'false');
  });

  it('finds bubbles in the page and inside an interop shadow root, composers nested in a second shadow root, several at once', async () => {
    const dom = createDom();
    const inPage = buildBubbleDock(dom);
    const inShadow = buildBubbleDock(dom, { interop: true });
    const first = openBubble(inPage, dom.document, { partner: partners.ada });
    const second = openBubble(inShadow, dom.document, { partner: partners.alan, shadowComposer: true });
    const third = openBubble(inShadow, dom.document, { partner: partners.grace });
    const { watcher } = start(dom);
    for (const bubble of [first, second, third]) buttonsOf(bubble.form);
    assert.equal({ ...watcher.stats() }.composers, 3);
  });

  it('leaves forms that are not message composers alone: a feed comment box, a form outside any landmark', async () => {
    const dom = createDom();
    const post = buildFeedPost(dom);
    const stray = buildComposer(dom.document);
    dom.document.body.append(stray.form);
    const { watcher } = start(dom);
    assert.equal(actionHosts(post.form).length, 0);
    assert.equal(actionHosts(stray.form).length, 0);
    assert.equal({ ...watcher.stats() }.composers, 0);
  });

  it('a thread composer counts only on /messaging/ pages', async () => {
    const dom = createDom();
    const page = buildMessagingPage(dom, { threadId: THREAD, partner: partners.ada });
    dom.location.href = 'https://www.linkedin.com/feed/';
    start(dom);
    assert.equal(actionHosts(page.form).length, 0);
  });

  it('follows bubbles opened later, in the page and in shadow roots, and re-renders, keeping exactly one group each', async () => {
    const dom = createDom();
    const dock = buildBubbleDock(dom, { interop: true });
    const { watcher } = start(dom);
    const bubble = openBubble(dock, dom.document, { partner: partners.ada, shadowComposer: true });
    await settle();
    buttonsOf(bubble.form);

    // LinkedIn re-renders the footer: a new row with a new Send button.
    const footer = bubble.form.querySelector('footer');
    const newSend = h(dom.document, 'button', { type: 'submit', disabled: '' }, ['Send']);
    footer.replaceChildren(h(dom.document, 'div', {}, [h(dom.document, 'button', { type: 'button' }, ['📎'])]), h(dom.document, 'div', {}, [newSend]));
    await settle();
    assert.equal(buttonsOf(bubble.form).host.nextSibling, newSend);

    // It re-renders the whole bubble: the old one goes, a new one comes.
    bubble.close();
    const again = openBubble(dock, dom.document, { partner: partners.ada, shadowComposer: true });
    await settle();
    buttonsOf(again.form);
    assert.equal({ ...watcher.stats() }.composers, 1);

    // Scanning again (another mutation anywhere) adds nothing.
    dom.document.body.append(h(dom.document, 'div'));
    await settle();
    buttonsOf(again.form);
  });

  it('replaces buttons left by a reloaded copy of the extension instead of adding a second set', async () => {
    const dom = createDom();
    const dock = buildBubbleDock(dom);
    const bubble = openBubble(dock, dom.document, { partner: partners.ada });
    const stale = h(dom.document, 'span', { 'data-pingcrm': 'actions' });
    bubble.send.before(stale);
    start(dom);
    assert.notEqual(buttonsOf(bubble.form).host, stale);
    assert.equal(stale.isConnected, false);
  });

  it('picks up a composer whose shadow root was attached after its host was inserted, when its text box gets focus', async () => {
    const dom = createDom();
    const dock = buildBubbleDock(dom);
    start(dom);
    const lateHost = h(dom.document, 'div');
    const bubble = h(dom.document, 'div', {}, [h(dom.document, 'a', { href: partners.ada.href }, [partners.ada.name]), lateHost]);
    dock.aside.append(bubble);
    await settle();
    const composer = buildComposer(dom.document);
    lateHost.attachShadow({ mode: 'open' }).append(composer.form); // no observer sees into this root yet
    await settle();
    assert.equal(actionHosts(composer.form).length, 0);
    composer.editor.focus();
    await settle();
    buttonsOf(composer.form);
  });
});

describe('partner identification', () => {
  const hintsOf = (ns, dom, form) => {
    const editor = form.querySelector('[contenteditable]');
    return structuredClone(ns.partner.partnerHints(ns.find.composerOf(editor, dom.location), dom.location));
  };

  it('the full-page thread: the thread id from the address, the slug and name from the header (past the avatar link)', () => {
    const dom = createDom();
    const page = buildMessagingPage(dom, { threadId: THREAD, partner: partners.ada, others: [{ threadId: OTHER_THREAD, name: 'Grace Hopper' }] });
    const { ns } = start(dom);
    assert.deepEqual(hintsOf(ns, dom, page.form), { threadId: THREAD, profile: { slug: partners.ada.slug }, name: 'Ada Lovelace' });
  });

  it('a bubble: its own thread link and profile link (a member id when LinkedIn shows no slug), never the page address', () => {
    const dom = createDom();
    buildMessagingPage(dom, { threadId: THREAD, partner: partners.ada });
    const dock = buildBubbleDock(dom, { interop: true });
    const bubble = openBubble(dock, dom.document, { partner: partners.alan, threadId: OTHER_THREAD, shadowComposer: true });
    const plain = openBubble(dock, dom.document, { partner: partners.grace });
    const { ns } = start(dom);
    assert.deepEqual(hintsOf(ns, dom, bubble.form), { threadId: OTHER_THREAD, profile: { memberId: MEMBER_ID }, name: 'Alan Turing' });
    assert.deepEqual(hintsOf(ns, dom, plain.form), { threadId: null, profile: { slug: partners.grace.slug }, name: 'Grace Hopper' });
  });

  it('reads only LinkedIn profile and thread URLs', () => {
    const ns = loadComposerScripts({});
    const base = 'https://www.linkedin.com/feed/';
    assert.deepEqual(structuredClone(ns.partner.profileFromUrl('/in/ada%C3%A9-x/', base)), { slug: 'adaé-x' });
    assert.deepEqual(structuredClone(ns.partner.profileFromUrl(`/in/${MEMBER_ID}`, base)), { memberId: MEMBER_ID });
    for (const href of ['https://evil.example/in/ada/', 'javascript:alert(1)', '/company/acme/', '/in/', '/in/%E0%A4%A/']) {
      assert.equal(ns.partner.profileFromUrl(href, base), null, href);
    }
    assert.equal(ns.partner.threadIdFromUrl(`/messaging/thread/${encodeURIComponent(THREAD)}/`, base), THREAD);
    assert.equal(ns.partner.threadIdFromUrl('/messaging/thread/2-a%20b/', base), null);
    assert.equal(ns.partner.threadIdFromUrl('https://evil.example/messaging/thread/2-abc/', base), null);
  });

  it('asks the worker with what it found when P is clicked', async () => {
    const dom = createDom();
    const page = buildMessagingPage(dom, { threadId: THREAD, partner: partners.ada });
    const worker = fakeWorker(listing([]));
    start(dom, worker.send);
    buttonsOf(page.form).pull.click();
    await settle();
    assert.deepEqual(worker.calls, [
      { type: MSG.SUGGESTIONS_FOR_CONVERSATION, payload: { threadId: THREAD, profile: { slug: partners.ada.slug }, name: 'Ada Lovelace' } },
    ]);
  });
});

describe('the overlay', () => {
  async function openOn(answer, { live = true } = {}) {
    const dom = createDom();
    const dock = buildBubbleDock(dom, { interop: true });
    const bubble = openBubble(dock, dom.document, { partner: partners.ada, threadId: THREAD, shadowComposer: true, live });
    const worker = fakeWorker(answer);
    const started = start(dom, worker.send);
    const buttons = buttonsOf(bubble.form);
    return { dom, dock, bubble, worker, buttons, ...started };
  }

  it('P lists the pending suggestions above the composer, in the same shadow root; P again closes it', async () => {
    let release;
    const held = new Promise((resolve) => (release = resolve));
    const { bubble, buttons } = await openOn(async (...args) => {
      await held;
      return listing([suggestion('s1', 'Hi Ada, sorry for the slow reply!')])(...args);
    });
    buttons.pull.click();
    let overlay = overlayOf(bubble.form);
    assert.equal(overlay.host.getRootNode(), bubble.form.getRootNode(), 'inside the composer’s shadow root');
    assert.equal(overlay.host.nextSibling, bubble.form, 'right above the composer');
    assert.equal(overlay.status, 'Looking for suggestions…');
    assert.equal(overlay.panel.getAttribute('aria-busy'), 'true');
    assert.equal(buttons.pull.getAttribute('aria-expanded'), 'true');
    release();
    await settle();
    overlay = overlayOf(bubble.form);
    assert.equal(overlay.title, 'PingCRM · Ada Lovelace');
    assert.equal(overlay.status, null);
    assert.deepEqual(overlay.items.map(({ text, reason }) => ({ text, reason })), [
      { text: 'Hi Ada, sorry for the slow reply!', reason: 'Ada wrote 5 days ago and is waiting for an answer' },
    ]);
    buttons.pull.click();
    assert.equal(overlayOf(bubble.form), null);
    assert.equal(buttons.pull.getAttribute('aria-expanded'), 'false');
  });

  for (const [name, answer, text] of [
    ['none for this contact', listing([]), 'No suggestion for Ada Lovelace'],
    ['not paired', () => ({ ok: false, error: { code: 'not_paired', message: 'x' } }), 'Not paired — open the PingCRM popup'],
    ['pairing revoked', () => ({ ok: false, error: { code: 'pairing_revoked', message: 'x' } }), 'Not paired — open the PingCRM popup'],
    ['PingCRM down', () => ({ ok: false, error: { code: 'server_unreachable', message: 'x' } }), "Can't reach PingCRM"],
    ['PingCRM failing', () => ({ ok: false, error: { code: 'server_error', message: 'x' } }), 'PingCRM answered with an error. Try again in a moment.'],
    ['a service behind PingCRM down', () => ({ ok: false, error: { code: 'unavailable', message: 'x' } }), 'Suggestions are unavailable right now. Try again in a moment.'],
    ['the worker gone (extension reloaded)', () => Promise.reject(new Error('Extension context invalidated.')), "Can't reach PingCRM"],
    ['no partner on the page', () => ({ ok: false, error: { code: 'partner_unknown', message: 'x' } }), "Can't tell who this conversation is with"],
  ]) {
    it(`says so when there is ${name}`, async () => {
      const { bubble, buttons } = await openOn(answer);
      buttons.pull.click();
      await settle();
      assert.equal(overlayOf(bubble.form).status, text);
      assert.deepEqual(overlayOf(bubble.form).items, []);
    });
  }

  it('clicking a suggestion pastes it into the composer, whose own handler enables Send; nothing is sent', async () => {
    const { bubble, buttons, worker } = await openOn(listing([suggestion('s1', 'Hi Ada,\nsorry for the slow reply!')]));
    let submitted = 0;
    bubble.form.addEventListener('submit', () => (submitted += 1));
    assert.equal(bubble.send.disabled, true);
    buttons.pull.click();
    await settle();
    overlayOf(bubble.form).items[0].node.click();
    assert.equal(bubble.editor.innerText, 'Hi Ada,\nsorry for the slow reply!');
    assert.equal(bubble.send.disabled, false, "LinkedIn's input handling ran");
    assert.equal(bubble.editor.getRootNode().activeElement, bubble.editor, 'the text box has the focus');
    assert.match(overlayOf(bubble.form).items[0].node.textContent, /Inserted/);
    assert.equal(submitted, 0);
    assert.deepEqual(worker.calls.map((c) => c.type), [MSG.SUGGESTIONS_FOR_CONVERSATION]);
  });

  it("falls back to execCommand('insertText') when the text box ignores a synthetic paste", async () => {
    const dom = createDom();
    const dock = buildBubbleDock(dom);
    const bubble = openBubble(dock, dom.document, { partner: partners.ada });
    bubble.editor.replaceChildren(); // a bare contenteditable: no paste handler, no placeholder
    const fresh = buildComposer(dom.document, { handlesPaste: false });
    bubble.form.replaceWith(fresh.form);
    start(dom, fakeWorker(listing([suggestion('s1', 'Hello there')])).send);
    buttonsOf(fresh.form).pull.click();
    await settle();
    overlayOf(fresh.form).items[0].node.click();
    assert.equal(fresh.editor.innerText, 'Hello there');
    assert.equal(fresh.send.disabled, false);
  });

  it('R redrafts the shown suggestion in place with a busy state and swaps our unedited insertion; clicking it replaces the inserted text, never the user’s own', async () => {
    let release;
    const { bubble, buttons, worker } = await openOn(async (type, payload) => {
      if (type === MSG.SUGGESTIONS_FOR_CONVERSATION) return listing([suggestion('s1', 'First draft')])();
      await new Promise((resolve) => (release = resolve));
      return { ok: true, data: suggestion(payload.id, 'Second draft') };
    });
    buttons.pull.click();
    await settle();
    overlayOf(bubble.form).items[0].node.click();
    const host = overlayOf(bubble.form).host;

    buttons.regenerate.click();
    await settle();
    let overlay = overlayOf(bubble.form);
    assert.equal(overlay.host, host, 'the same overlay, updated in place');
    assert.equal(overlay.status, 'Drafting a new message…');
    assert.equal(overlay.items[0].busy, true);
    assert.equal(buttons.regenerate.getAttribute('aria-busy'), 'true');
    buttons.regenerate.click(); // a second R while busy is ignored
    release();
    await settle();
    overlay = overlayOf(bubble.form);
    assert.deepEqual(overlay.items.map((i) => [i.text, i.busy]), [['Second draft', false]]);
    assert.equal(buttons.regenerate.getAttribute('aria-busy'), null);
    assert.deepEqual(worker.calls.map((c) => c.type), [MSG.SUGGESTIONS_FOR_CONVERSATION, MSG.SUGGESTIONS_REGENERATE]);
    assert.deepEqual(worker.calls[1].payload, { id: 's1' });
    assert.equal(bubble.editor.innerText, 'Second draft', 'R swapped our unedited insertion for the new draft');
    assert.equal(bubble.send.disabled, false);
    assert.match(overlay.items[0].node.textContent, /Inserted/);

    overlay.items[0].node.click();
    assert.equal(bubble.editor.innerText, 'Second draft', 'our earlier insertion is replaced');

    bubble.editor.append(' — and my own words');
    overlayOf(bubble.form).items[0].node.click();
    assert.equal(bubble.editor.innerText, 'Second draft — and my own wordsSecond draft', 'the user’s text is kept');
  });

  it('R leaves a text box the user has edited alone', async () => {
    const { bubble, buttons } = await openOn((type, payload) =>
      type === MSG.SUGGESTIONS_FOR_CONVERSATION
        ? listing([suggestion('s1', 'First draft')])()
        : { ok: true, data: suggestion(payload.id, 'Second draft') },
    );
    buttons.pull.click();
    await settle();
    overlayOf(bubble.form).items[0].node.click();
    bubble.editor.append(' — and my own words');
    buttons.regenerate.click();
    await settle();
    assert.equal(bubble.editor.innerText, 'First draft — and my own words');
    const [item] = overlayOf(bubble.form).items;
    assert.equal(item.text, 'Second draft');
    assert.match(item.node.textContent, /Click to insert/);
  });

  it('R with the overlay closed opens it and redrafts; a 429 says when to try again', async () => {
    const { bubble, buttons, worker } = await openOn((type) =>
      type === MSG.SUGGESTIONS_FOR_CONVERSATION
        ? listing([suggestion('s1', 'First draft')])()
        : { ok: false, error: { code: 'rate_limited', message: 'slow down', retryAfterMs: 40_000 } },
    );
    buttons.regenerate.click();
    await settle();
    await settle();
    const overlay = overlayOf(bubble.form);
    assert.deepEqual(worker.calls.map((c) => c.type), [MSG.SUGGESTIONS_FOR_CONVERSATION, MSG.SUGGESTIONS_REGENERATE]);
    assert.equal(overlay.status, 'Too many new drafts for now. Try again in 40 s.');
    assert.deepEqual(overlay.items.map((i) => [i.text, i.busy]), [['First draft', false]], 'the draft stays usable');
  });

  it('R after "Can\'t reach PingCRM" asks again, and redrafts once the list is there', async () => {
    let down = true;
    const { bubble, buttons, worker } = await openOn((type, payload) => {
      if (down) return { ok: false, error: { code: 'server_unreachable', message: 'x' } };
      return type === MSG.SUGGESTIONS_FOR_CONVERSATION ? listing([suggestion('s1', 'First draft')])() : { ok: true, data: suggestion(payload.id, 'Second draft') };
    });
    buttons.pull.click();
    await settle();
    assert.equal(overlayOf(bubble.form).status, "Can't reach PingCRM");
    down = false;
    buttons.regenerate.click();
    await settle();
    await settle();
    assert.deepEqual(worker.calls.map((c) => c.type), [MSG.SUGGESTIONS_FOR_CONVERSATION, MSG.SUGGESTIONS_FOR_CONVERSATION, MSG.SUGGESTIONS_REGENERATE]);
    assert.deepEqual(overlayOf(bubble.form).items.map((i) => i.text), ['Second draft']);
    assert.equal(overlayOf(bubble.form).status, null);
  });

  it('words long waits in minutes and hours', () => {
    const { controller } = loadComposerScripts({});
    assert.deepEqual([1, 89_000, 90_000, 3_600_000, 5_400_000, 7_200_000].map(controller.waitText), ['in 1 s', 'in 89 s', 'in 2 min', 'in 60 min', 'in 2 h', 'in 2 h']);
  });

  it('P pressed from the keyboard takes the focus to the first suggestion; Escape and × close it, Escape back to the text box', async () => {
    const { bubble, buttons } = await openOn(listing([suggestion('s1', 'Hi')]));
    buttons.pull.focus();
    buttons.pull.click();
    await settle();
    assert.equal(overlayOf(bubble.form).host.shadowRoot.activeElement, overlayOf(bubble.form).items[0].node);
    overlayOf(bubble.form).items[0].node.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }));
    assert.equal(overlayOf(bubble.form), null);
    assert.equal(bubble.editor.getRootNode().activeElement, bubble.editor);
    buttons.pull.click();
    await settle();
    overlayOf(bubble.form).close.click();
    assert.equal(overlayOf(bubble.form), null);
  });

  it('the user sending an inserted suggestion (Send, or Enter) marks it sent in PingCRM; nothing else does', async () => {
    const answer = (type, payload) =>
      type === MSG.SUGGESTIONS_MARK_SENT ? { ok: true, data: suggestion(payload.id, 'Hi Ada') } : listing([suggestion('s1', 'Hi Ada')])();
    const marked = (worker) => worker.calls.filter((c) => c.type === MSG.SUGGESTIONS_MARK_SENT).map((c) => c.payload);

    // Send clicked by the user: LinkedIn sends and empties the box; shortly after, PingCRM hears of it.
    const { bubble, buttons, worker, timers } = await openOn(answer);
    buttons.pull.click();
    await settle();
    overlayOf(bubble.form).items[0].node.click();
    bubble.editor.append(' — see you Friday'); // edited before sending: still the suggestion sent
    bubble.send.userClick();
    assert.deepEqual(bubble.sent, ['Hi Ada — see you Friday']);
    assert.deepEqual(marked(worker), [], 'not before LinkedIn has had the time to send');
    await timers.runAll();
    await settle();
    assert.deepEqual(marked(worker), [{ id: 's1' }]);
    assert.equal(overlayOf(bubble.form).status, 'Sent — marked as sent in PingCRM.');
    assert.deepEqual(overlayOf(bubble.form).items, []);
    bubble.send.userClick(); // nothing composed from a suggestion any more
    await timers.runAll();
    assert.equal(marked(worker).length, 1);

    // Enter in the box (LinkedIn's "Enter to send"), with the overlay closed.
    const other = await openOn(answer);
    other.buttons.pull.click();
    await settle();
    overlayOf(other.bubble.form).items[0].node.click();
    other.buttons.pull.click();
    other.bubble.editor.userKey('Enter');
    await other.timers.runAll();
    await settle();
    assert.deepEqual(marked(other.worker), [{ id: 's1' }]);
  });

  it('does not mark sent on a script click, Shift+Enter, or a send that left the text in the box', async () => {
    const { bubble, buttons, worker, timers } = await openOn((type, payload) =>
      type === MSG.SUGGESTIONS_MARK_SENT ? { ok: true, data: suggestion(payload.id, 'Hi Ada') } : listing([suggestion('s1', 'Hi Ada')])(),
    );
    buttons.pull.click();
    await settle();
    overlayOf(bubble.form).items[0].node.click();
    bubble.send.click(); // a script's click: the page's own handler sends, but no user did
    bubble.editor.userKey('Enter', { shiftKey: true });
    await timers.runAll();
    assert.deepEqual(worker.calls.map((c) => c.type), [MSG.SUGGESTIONS_FOR_CONVERSATION]);

    // The box did not empty (LinkedIn refused to send): not sent.
    overlayOf(bubble.form).items[0].node.click();
    bubble.send.disabled = true; // e.g. a connection problem: LinkedIn keeps the text
    bubble.editor.userKey('Enter');
    await timers.runAll();
    assert.deepEqual(worker.calls.map((c) => c.type), [MSG.SUGGESTIONS_FOR_CONVERSATION]);

    // The user emptied the box and wrote their own message: not the suggestion.
    bubble.editor.replaceChildren();
    bubble.editor.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'deleteContentBackward' }));
    bubble.editor.append('Something else entirely');
    bubble.editor.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText' }));
    bubble.send.userClick();
    assert.equal(bubble.sent.at(-1), 'Something else entirely');
    await timers.runAll();
    assert.deepEqual(worker.calls.map((c) => c.type), [MSG.SUGGESTIONS_FOR_CONVERSATION]);
  });

  it('goes with its composer, and an answer arriving after that changes nothing', async () => {
    let release;
    const { bubble, buttons, watcher, dom } = await openOn(async () => {
      await new Promise((resolve) => (release = resolve));
      return listing([suggestion('s1', 'Hi')])();
    });
    buttons.pull.click();
    const overlayHost = overlayOf(bubble.form).host;
    bubble.close();
    await settle();
    assert.equal({ ...watcher.stats() }.composers, 0);
    assert.equal(overlayHost.isConnected, false);
    assert.equal(overlayHost.parentNode, null, 'removed, not just hidden with the bubble');
    assert.equal(buttons.host.parentNode, null);
    release();
    await settle();
    assert.equal(overlayHost.parentNode, null);
    assert.equal(dom.document.querySelectorAll('[data-pingcrm]').length, 0);
  });

  it('two composers at once: each has its own buttons, overlay and partner', async () => {
    const dom = createDom();
    const dock = buildBubbleDock(dom, { interop: true });
    const ada = openBubble(dock, dom.document, { partner: partners.ada, threadId: THREAD });
    const alan = openBubble(dock, dom.document, { partner: partners.alan, shadowComposer: true });
    const worker = fakeWorker((type, payload) => {
      const name = payload.profile?.memberId ? 'Alan Turing' : 'Ada Lovelace';
      return listing([suggestion(name[0], `Hello ${name}`)], name)();
    });
    start(dom, worker.send);
    buttonsOf(ada.form).pull.click();
    buttonsOf(alan.form).pull.click();
    await settle();
    assert.deepEqual(worker.calls.map((c) => c.payload), [
      { threadId: THREAD, profile: { slug: partners.ada.slug }, name: 'Ada Lovelace' },
      { threadId: null, profile: { memberId: MEMBER_ID }, name: 'Alan Turing' },
    ]);
    assert.deepEqual(overlayOf(ada.form).items.map((i) => i.text), ['Hello Ada Lovelace']);
    assert.deepEqual(overlayOf(alan.form).items.map((i) => i.text), ['Hello Alan Turing']);
    overlayOf(alan.form).items[0].node.click();
    assert.equal(alan.editor.innerText, 'Hello Alan Turing');
    assert.equal(ada.editor.innerText.trim(), '', 'the other composer is untouched');
  });
});

describe('no leaks', () => {
  setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');

  async function collected(refs) {
    for (let round = 0; round < 10 && refs.some((ref) => ref.deref() !== undefined); round += 1) {
      await settle();
      gc();
    }
    const alive = refs.flatMap((ref, index) => (ref.deref() === undefined ? [] : [index]));
    assert.deepEqual(alive, [], 'every closed composer can be garbage-collected');
  }

  it('a page that opens and closes 100 composers (overlays open, answers pending) holds none of them', async () => {
    const dom = createDom();
    const dock = buildBubbleDock(dom, { interop: true });
    const pending = [];
    const worker = fakeWorker(() => new Promise((resolve) => pending.push(resolve)));
    const { watcher } = start(dom, worker.send);
    await settle();
    const baseline = { listeners: dom.listenerCount(), observers: dom.observerCount(), stats: { ...watcher.stats() } };
    assert.deepEqual(baseline.stats, { observers: 2, composers: 0 }, 'the document and the interop shadow root');

    const refs = [];
    // One function call per composer, so the test itself keeps no reference to the last one.
    const openAndClose = async (i) => {
      // `live: false`: the fake LinkedIn adds no listeners, so every one counted is the content script's.
      const bubble = openBubble(dock, dom.document, { partner: partners.ada, threadId: THREAD, shadowComposer: i % 2 === 0, live: false });
      await settle();
      const { pull } = buttonsOf(bubble.form);
      if (i % 3 !== 0) pull.click();
      if (i === 0) assert.ok(dom.listenerCount() > baseline.listeners, 'open composers do hold listeners');
      refs.push(new WeakRef(bubble.form), new WeakRef(bubble.editor));
      bubble.close();
      await settle();
    };
    for (let i = 0; i < 100; i += 1) await openAndClose(i);
    assert.equal(pending.length, 66, 'answers were still pending when the composers closed');
    assert.deepEqual({ ...watcher.stats() }, baseline.stats);
    assert.equal(dom.listenerCount(), baseline.listeners);
    assert.equal(dom.observerCount(), baseline.observers);
    for (const resolve of pending) resolve(listing([suggestion('s1', 'late')])());
    await settle();
    assert.equal(dom.document.querySelectorAll('[data-pingcrm]').length, 0);
    pending.length = 0;
    await collected(refs);
  });

  it('a shadow root that leaves the page takes its observer with it; stop() leaves nothing', async () => {
    const dom = createDom();
    const { watcher } = start(dom);
    const before = { listeners: dom.listenerCount(), observers: dom.observerCount() };
    const dock = buildBubbleDock(dom, { interop: true });
    openBubble(dock, dom.document, { partner: partners.ada, shadowComposer: true, live: false });
    await settle();
    assert.deepEqual({ ...watcher.stats() }, { observers: 3, composers: 1 });
    dock.outlet.remove();
    await settle();
    assert.deepEqual({ ...watcher.stats() }, { observers: 1, composers: 0 });
    assert.deepEqual({ listeners: dom.listenerCount(), observers: dom.observerCount() }, before);
    watcher.stop();
    assert.equal(dom.listenerCount(), 0);
    assert.equal(dom.observerCount(), 0);
  });
});

describe('content/composer/main.js', () => {
  it('starts on the page and talks to the worker through chrome.runtime.sendMessage', async () => {
    const dom = createDom();
    const page = buildMessagingPage(dom, { threadId: THREAD, partner: partners.ada });
    const sent = [];
    const chrome = { runtime: { sendMessage: async (message) => (sent.push(message), listing([suggestion('s1', 'Hi')])()) } };
    loadComposerScripts({ document: dom.document, window: dom.window, location: dom.location, chrome, setTimeout, clearTimeout }, { start: true });
    buttonsOf(page.form).pull.click();
    await settle();
    assert.deepEqual(JSON.parse(JSON.stringify(sent)), [
      { type: MSG.SUGGESTIONS_FOR_CONVERSATION, payload: { threadId: THREAD, profile: { slug: partners.ada.slug }, name: 'Ada Lovelace' } },
    ]);
    assert.deepEqual(overlayOf(page.form).items.map((i) => i.text), ['Hi']);
  });

  it('says it cannot reach PingCRM when the extension was reloaded under the page', async () => {
    const dom = createDom();
    const page = buildMessagingPage(dom, { threadId: THREAD, partner: partners.ada });
    const chrome = {
      runtime: {
        sendMessage: () => {
          throw new Error('Extension context invalidated.');
        },
      },
    };
    loadComposerScripts({ document: dom.document, window: dom.window, location: dom.location, chrome, setTimeout, clearTimeout }, { start: true });
    buttonsOf(page.form).pull.click();
    await settle();
    assert.equal(overlayOf(page.form).status, "Can't reach PingCRM");
  });
});
