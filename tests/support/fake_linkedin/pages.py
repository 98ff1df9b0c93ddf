"""The fake's HTML pages: just enough of linkedin.com for the content script.

The message composer sits in an OPEN shadow root of a custom element, and
handles `paste` itself the way LinkedIn's rich editor does: a synthetic
paste event only inserts text into an editor that has such a handler (see
docs/browser-tests.md). `document.execCommand('insertText')` works on
it as on any contenteditable.
"""

from __future__ import annotations

from html import escape

from tests.support.fake_linkedin.data import Conversation, LinkedInData

COMPOSER_SCRIPT = """
class FakeMessageComposer extends HTMLElement {
  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    root.innerHTML = `
      <style>
        .msg-form__contenteditable { min-height: 3em; border: 1px solid #888; padding: 4px; }
        .msg-form__contenteditable p { margin: 0; }
      </style>
      <form class="msg-form">
        <div class="msg-form__contenteditable" contenteditable="true" role="textbox"
             aria-multiline="true" aria-label="Write a message…"><p><br></p></div>
        <button class="msg-form__send-button" type="submit" disabled>Send</button>
      </form>`;
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
    root.querySelector('form').addEventListener('submit', (event) => event.preventDefault());
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


def _page(title: str, body: str, *, script: str = "", bundles: tuple[str, ...] = ()) -> str:
    scripts = "".join(f'<script src="{escape(url)}" defer></script>' for url in bundles)
    scripts += f"<script>{script}</script>" if script else ""
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>{scripts}</head>\n'
        f"<body>\n{body}\n</body></html>\n"
    )


def feed(data: LinkedInData) -> str:
    return _page(
        "Feed | LinkedIn",
        '<header><nav aria-label="Primary"><a href="/feed/">Home</a> '
        '<a href="/messaging/">Messaging</a></nav></header>'
        f'<main class="scaffold-layout__main"><h1>Welcome, {escape(data.me.first_name)}</h1>'
        "<p>Nothing new in your feed.</p></main>",
    )


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
    return (
        f'<h2 class="msg-entity-lockup__entity-title">{escape(conversation.title)}</h2>'
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
