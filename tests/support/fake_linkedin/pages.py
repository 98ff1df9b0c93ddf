"""The fake's HTML pages: just enough of linkedin.com for the content scripts.

The message composer (`<msg-composer>`) sits in an OPEN shadow root of a
custom element, laid out like LinkedIn's: the text box (contenteditable,
role=textbox), then a footer whose left row holds the attach and emoji
buttons and whose right row holds Send. It handles `paste` itself the way
LinkedIn's rich editor does: a synthetic paste event only inserts text into
an editor that has such a handler (see docs/browser-tests.md).
`document.execCommand('insertText')` works on it as on any contenteditable.
Send is enabled only by the composer's own `input` handler seeing text;
sending (Send, or Enter) records the text on the element (`composer.sent`)
and empties the box, as LinkedIn does after posting: a test can tell
whether, and what, the user sent.

The full-page thread (/messaging/thread/<id>/) has a header linking to the
partner's profile (/in/<slug>/, or /in/<ACo… id>/ when there is no slug).
The feed has LinkedIn's messaging overlay: an <aside> inside the open
shadow root of `#interop-outlet` (as LinkedIn renders it now) listing the
conversations; each opens a bubble (header with the profile link, a link to
the full thread, a close button; the last messages; a composer). Several
bubbles may be open at once. `window.fakeMessaging` lets a test open, close
and re-render bubbles the way LinkedIn's app does on its own.
A profile (/in/<slug or ACo… id>/) shows the member's name and headline
and a Message button, which opens a new message's bubble: the header with
the profile link, no thread yet, a composer.
"""

from __future__ import annotations

import json
from html import escape
from urllib.parse import quote

from tests.support.fake_linkedin.data import Conversation, LinkedInData, Member

COMPOSER_SCRIPT = """
class FakeMessageComposer extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <style>
        :host { display: block; }
        .msg-form { display: flex; flex-direction: column; border-top: 1px solid rgba(0,0,0,.08); background: #fff; }
        .msg-form__contenteditable { min-height: 48px; max-height: 160px; overflow: auto; margin: 8px 12px 0;
          padding: 8px 12px; border-radius: 8px; background: #f4f2ee; font-size: 14px; line-height: 1.4;
            outline: none; }
        .msg-form__contenteditable p { margin: 0; }
        .msg-form__footer { display: flex; justify-content: space-between; align-items: center; padding: 4px 8px 8px; }
        .msg-form__left-actions, .msg-form__right-actions { display: flex; align-items: center; gap: 2px; }
        .msg-form__left-actions button { border: 0; background: none; width: 32px; height: 32px; border-radius: 50%;
          color: rgba(0,0,0,.6); font-size: 16px; cursor: pointer; }
        .msg-form__left-actions button:hover { background: rgba(0,0,0,.08); }
        .msg-form__send-button { border: 0; border-radius: 16px; padding: 0 16px; height: 32px;
          font: 600 14px system-ui, sans-serif;
          background: #0a66c2; color: #fff; cursor: pointer; }
        .msg-form__send-button:disabled { background: rgba(0,0,0,.08); color: rgba(0,0,0,.3); cursor: default; }
      </style>
      <form class="msg-form">
        <div class="msg-form__msg-content-container">
          <div class="msg-form__contenteditable" contenteditable="true" role="textbox"
               aria-multiline="true" aria-label="Write a message…"><p><br></p></div>
        </div>
        <footer class="msg-form__footer">
          <div class="msg-form__left-actions">
            <button type="button" aria-label="Attach an image">&#128247;</button>
            <button type="button" aria-label="Attach a file">&#128206;</button>
            <button type="button" aria-label="Open Emoji Keyboard">&#128578;</button>
          </div>
          <div class="msg-form__right-actions">
            <button class="msg-form__send-button" type="submit" disabled>Send</button>
          </div>
        </footer>
      </form>`;
    this.sent = [];
    const editor = root.querySelector('.msg-form__contenteditable');
    const send = root.querySelector('.msg-form__send-button');
    const refresh = () => { send.disabled = editor.innerText.trim() === ''; };
    editor.addEventListener('paste', (event) => {
      // A rich editor never lets the browser paste: it inserts plain text itself.
      event.preventDefault();
      const text = event.clipboardData ? event.clipboardData.getData('text/plain') : '';
      insertPlainText(root, editor, text);
      editor.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    });
    editor.addEventListener('input', refresh);
    const form = root.querySelector('form');
    form.addEventListener('submit', (event) => {
      // Sending: LinkedIn posts the message and empties the box; the fake records it instead.
      event.preventDefault();
      if (send.disabled) return;
      this.sent.push(editor.innerText);
      editor.replaceChildren(document.createElement('p'));
      editor.firstChild.appendChild(document.createElement('br'));
      refresh();
    });
    editor.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {  // Enter sends, Shift+Enter breaks the line
        event.preventDefault();
        form.requestSubmit();
      }
    });
  }
}

function insertPlainText(root, editor, text) {
  const selection = (root.getSelection && root.getSelection()) || document.getSelection();
  let range = selection && selection.rangeCount ? selection.getRangeAt(0) : null;
  if (!range || !editor.contains(range.commonAncestorContainer)) {
    range = document.createRange();
    range.selectNodeContents(editor.lastElementChild || editor);
    range.collapse(false);
  }
  const placeholder = editor.querySelector('p > br:only-child');
  if (placeholder && editor.innerText.trim() === '') placeholder.remove();
  range.deleteContents();
  const fragment = document.createDocumentFragment();
  text.split(/\\r?\\n/).forEach((line, index) => {
    if (index > 0) fragment.appendChild(document.createElement('br'));
    fragment.appendChild(document.createTextNode(line));
  });
  const last = fragment.lastChild;
  range.insertNode(fragment);
  if (last && selection) {
    range.setStartAfter(last);
    range.collapse(true);
    selection.removeAllRanges();
    selection.addRange(range);
  }
}

customElements.define('msg-composer', FakeMessageComposer);
"""


PAGE_STYLE = """
body { margin: 0; background: #f4f2ee; color: rgba(0,0,0,.9);
  font: 14px/1.4 -apple-system, system-ui, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
body > header { background: #fff; padding: 8px 24px; border-bottom: 1px solid rgba(0,0,0,.08); }
body > header a { margin-right: 16px; color: rgba(0,0,0,.6); text-decoration: none; }
main { max-width: 960px; margin: 24px auto; }
main.scaffold-layout__main { background: #fff; border-radius: 8px; padding: 16px 24px; }
main.msg-overlay { display: grid; grid-template-columns: 300px 1fr; background: #fff; border-radius: 8px;
  overflow: hidden; }
.msg-conversations-container__conversations-list { list-style: none; margin: 0; padding: 0;
  border-right: 1px solid rgba(0,0,0,.08); }
.msg-conversation-listitem a { display: block; padding: 12px 16px; color: inherit; text-decoration: none; }
.msg-thread { display: flex; flex-direction: column; min-height: 480px; }
.msg-thread__header { padding: 12px 16px; border-bottom: 1px solid rgba(0,0,0,.08); }
.msg-thread__header h2 { margin: 0; font-size: 16px; }
.msg-thread__header a { color: inherit; text-decoration: none; }
.msg-s-message-list-content { flex: 1; list-style: none; margin: 0; padding: 8px 16px; }
#interop-outlet { position: fixed; right: 16px; bottom: 0; }
"""

DOCK_STYLE = """
aside { display: flex; flex-direction: row-reverse; align-items: flex-end; gap: 8px;
  font: 14px/1.4 -apple-system, system-ui, "Segoe UI", Roboto, "Helvetica Neue", sans-serif; }
.msg-overlay-bubbles { display: flex; flex-direction: row-reverse; align-items: flex-end; gap: 8px; }
.msg-overlay-list, .msg-overlay-conversation-bubble { width: 320px; background: #fff; border-radius: 8px 8px 0 0;
  box-shadow: 0 0 0 1px rgba(0,0,0,.08), 0 4px 12px rgba(0,0,0,.15); overflow: hidden; }
.msg-overlay-list header { padding: 10px 12px; font-weight: 600; border-bottom: 1px solid rgba(0,0,0,.08); }
.msg-overlay-list ul { list-style: none; margin: 0; padding: 0; max-height: 260px; overflow: auto; }
.msg-overlay-list button { all: unset; display: block; box-sizing: border-box; width: 100%; padding: 8px 12px;
  cursor: pointer; }
.msg-overlay-list button:hover { background: rgba(0,0,0,.05); }
.msg-overlay-conversation-bubble { display: flex; flex-direction: column; height: 420px; }
.msg-overlay-bubble-header { display: flex; align-items: center; gap: 8px; padding: 8px 8px 8px 12px;
  border-bottom: 1px solid rgba(0,0,0,.08); }
.msg-overlay-bubble-header .profile { flex: 1; font-weight: 600; color: inherit; text-decoration: none; }
.msg-overlay-bubble-header .expand, .msg-overlay-bubble-header button { border: 0; background: none;
  color: rgba(0,0,0,.6);
  width: 28px; height: 28px; border-radius: 50%; text-align: center; line-height: 28px; text-decoration: none;
    cursor: pointer; }
.msg-s-message-list { flex: 1; overflow: auto; list-style: none; margin: 0; padding: 8px 12px; }
.msg-s-message-list li { margin-bottom: 8px; }
.msg-s-message-list .name { font-weight: 600; display: block; }
"""

# Builds the overlay in #interop-outlet's shadow root and drives its bubbles.
# Text comes from data attributes and goes in through textContent.
DOCK_SCRIPT = """
(() => {
  const root = document.getElementById('interop-outlet').attachShadow({ mode: 'open' });
  root.append(document.getElementById('msg-overlay-template').content.cloneNode(true));
  const bubbles = root.querySelector('.msg-overlay-bubbles');
  const conversations = new Map([...root.querySelectorAll('[data-thread]')].map((b) => [b.dataset.thread, b.dataset]));
  const el = (tag, props = {}, children = []) => {
    const node = Object.assign(document.createElement(tag), props);
    node.append(...children);
    return node;
  };

  // A conversation's bubble (threadId set: its link to the full page, its last messages), or a new
  // message's, opened from a profile (no thread yet: just the header and the composer).
  function bubbleFor({ threadId = null, name, profile, messages = '[]' }) {
    const bubble = el('div', { className: 'msg-overlay-conversation-bubble' });
    if (threadId) bubble.dataset.thread = threadId;
    else bubble.dataset.profile = profile;
    const close = el('button', { type: 'button', textContent: '×' });
    close.setAttribute('aria-label', `Close your conversation with ${name}`);
    close.addEventListener('click', () => bubble.remove());
    const header = [el('a', { className: 'profile', href: profile, textContent: name })];
    if (threadId) {
      const expand = el('a', { className: 'expand', href: `/messaging/thread/${threadId}/`, textContent: '⤢' });
      expand.setAttribute('aria-label', 'Open in full page');
      header.push(expand);
    }
    header.push(close);
    const listed = JSON.parse(messages).map(([sender, text]) =>
      el('li', {}, [el('span', { className: 'name', textContent: sender }), el('span', { textContent: text })]));
    bubble.append(
      el('header', { className: 'msg-overlay-bubble-header' }, header),
      el('ul', { className: 'msg-s-message-list' }, listed),
      document.createElement('msg-composer'),
    );
    return bubble;
  }

  const build = (threadId) => bubbleFor({ threadId, ...conversations.get(threadId) });
  const find = (threadId) => bubbles.querySelector(`[data-thread="${CSS.escape(threadId)}"]`);
  window.fakeMessaging = {
    open(threadId) { return find(threadId) || bubbles.appendChild(build(threadId)); },
    // A profile's Message button: a bubble for a new message to that person.
    compose(profile, name) {
      return bubbles.querySelector(`[data-profile="${CSS.escape(profile)}"]`)
        || bubbles.appendChild(bubbleFor({ name, profile }));
    },
    close(threadId) { find(threadId)?.remove(); },
    // LinkedIn's app replaces a bubble's whole DOM at will (new composer included).
    rerender(threadId) { const old = find(threadId); if (old) old.replaceWith(build(threadId)); },
    composer(threadId) { return find(threadId)?.querySelector('msg-composer') ?? null; },
  };
  root.querySelector('.msg-overlay-list').addEventListener('click', (event) => {
    const button = event.target.closest('[data-thread]');
    if (button) window.fakeMessaging.open(button.dataset.thread);
  });
})();
"""


def _page(
    title: str, body: str, *, script: str = "", tail_script: str = "", bundles: tuple[str, ...] = ()
) -> str:
    scripts = "".join(f'<script src="{escape(url)}" defer></script>' for url in bundles)
    scripts += f"<script>{script}</script>" if script else ""
    tail = f"<script>{tail_script}</script>" if tail_script else ""
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{PAGE_STYLE}</style>{scripts}</head>\n"
        f"<body>\n{body}\n{tail}</body></html>\n"
    )


def _profile_path(member: Member) -> str:
    return f"/in/{quote(member.public_identifier, safe='')}/"


def _dock(data: LinkedInData) -> str:
    """The messaging overlay's markup, for DOCK_SCRIPT to put into #interop-outlet's shadow root."""
    items = []
    for c in data.one_to_one():
        last = [[m.sender.name, m.text] for m in c.messages[-3:]]
        items.append(
            f'<li><button type="button" data-thread="{escape(c.thread_id)}" data-name="{escape(c.partner.name)}" '
            f'data-profile="{escape(_profile_path(c.partner))}" data-messages="{escape(json.dumps(last))}">'
            f"{escape(c.partner.name)}</button></li>"
        )
    return (
        '<div id="interop-outlet"></div>'
        f'<template id="msg-overlay-template"><style>{DOCK_STYLE}</style>'
        '<aside class="msg-overlay-container"><div class="msg-overlay-list"><header>Messaging</header>'
        f'<ul>{"".join(items)}</ul></div><div class="msg-overlay-bubbles"></div></aside></template>'
    )


# The profile page's Message button (its name and profile path come from data attributes).
PROFILE_SCRIPT = """
document.querySelector('.message-button').addEventListener('click', (event) => {
  window.fakeMessaging.compose(event.currentTarget.dataset.profile, event.currentTarget.dataset.name);
});
"""


def feed(data: LinkedInData) -> str:
    return _page(
        "Feed | LinkedIn",
        '<header><nav aria-label="Primary"><a href="/feed/">Home</a> '
        '<a href="/messaging/">Messaging</a></nav></header>'
        f'<main class="scaffold-layout__main"><h1>Welcome, {escape(data.me.first_name)}</h1>'
        "<p>Nothing new in your feed.</p></main>" + _dock(data),
        script=COMPOSER_SCRIPT,
        tail_script=DOCK_SCRIPT,
    )


def profile(data: LinkedInData, member: Member) -> str:
    """A member's profile: name, headline, and Message, which opens a new message's bubble in the overlay."""
    path = escape(_profile_path(member))
    name = escape(member.name)
    return _page(
        f"{member.name} | LinkedIn",
        '<header><nav aria-label="Primary"><a href="/feed/">Home</a> '
        '<a href="/messaging/">Messaging</a></nav></header>'
        f'<main class="scaffold-layout__main"><h1>{name}</h1><p class="headline">{escape(member.headline)}</p>'
        f'<button type="button" class="message-button" data-profile="{path}" data-name="{name}">Message</button>'
        "</main>" + _dock(data),
        script=COMPOSER_SCRIPT,
        tail_script=DOCK_SCRIPT + PROFILE_SCRIPT,
    )


def not_found() -> str:
    return _page("Page not found | LinkedIn", "<main><h1>This page doesn’t exist</h1></main>")


def messaging(data: LinkedInData, open_thread: Conversation | None, bundles: tuple[str, ...] = ()) -> str:
    """The messaging page; `bundles`: the script URLs it references (where LinkedIn's query ids are)."""
    items = "\n".join(
        f'<li class="msg-conversation-listitem"><a href="/messaging/thread/{escape(c.thread_id)}/">'
        f"{escape(c.title)}</a></li>"
        for c in data.newest_first()
    )
    thread = _thread(open_thread) if open_thread else "<p>No conversation selected.</p>"
    return _page(
        "Messaging | LinkedIn",
        f'<main class="msg-overlay"><ul class="msg-conversations-container__conversations-list">{items}</ul>'
        f'<section class="msg-thread">{thread}</section></main>',
        script=COMPOSER_SCRIPT,
        bundles=bundles,
    )


def _thread(conversation: Conversation) -> str:
    messages = "\n".join(
        f'<li class="msg-s-message-list__event" data-urn="{escape(m.urn)}">'
        f'<span class="msg-s-message-group__name">{escape(m.sender.name)}</span> '
        f'<p class="msg-s-event-listitem__body">{escape(m.text)}</p></li>'
        for m in conversation.messages[-20:]
    )
    title = escape(conversation.title)
    if not conversation.is_group:  # the header links to the partner's profile, as LinkedIn's does
        title = f'<a href="{escape(_profile_path(conversation.partner))}">{title}</a>'
    return (
        f'<header class="msg-thread__header"><h2 class="msg-entity-lockup__entity-title">{title}</h2></header>'
        f'<ul class="msg-s-message-list-content">{messages}</ul>'
        "<msg-composer></msg-composer>"
    )


def login() -> str:
    return _page(
        "LinkedIn Login",
        '<main><h1>Sign in</h1><form><label>Email <input name="session_key"></label>'
        '<label>Password <input name="session_password" type="password"></label>'
        "<button>Sign in</button></form></main>",
    )


def challenge() -> str:
    """What LinkedIn shows instead of JSON when it suspects automation."""
    return _page(
        "Security Verification | LinkedIn",
        "<main><h1>Let's do a quick security check</h1><p>We just need to make sure you're not a robot.</p></main>",
    )
