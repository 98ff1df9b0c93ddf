// LinkedIn's messaging structures, built in tree-dom for the composer tests:
// the full-page thread, overlay bubbles (in the page, or inside an
// "interop" shadow root as LinkedIn renders them now), composers whose
// text box sits in a shadow root, and a feed post's comment box (a form
// with a text box too, which must get no buttons).
//
// The composer behaves like LinkedIn's: its editor takes a paste itself
// (plain text at the selection), its send button is enabled only by its own
// input handler seeing text, and sending (a click on Send, or Enter) records
// the text in `sent` and empties the box. `live: false` builds one with no
// listeners, so a leak test counts only the content script's.
import { InputEvent, h, insertPlainText } from './tree-dom.mjs';

export const MEMBER_ID = 'ACoAAB1234567890abcdefghijklmnopqrstu';

/** A composer <form>: text box, then a footer with the attach button (left) and Send (right). */
export function buildComposer(document, { live = true, handlesPaste = true } = {}) {
  const editor = h(document, 'div', { class: 'msg-form__contenteditable', contenteditable: 'true', role: 'textbox', 'aria-multiline': 'true', 'aria-label': 'Write a message…' }, [
    h(document, 'p', {}, [h(document, 'br')]),
  ]);
  const send = h(document, 'button', { class: 'msg-form__send-button', type: 'submit', disabled: '' }, ['Send']);
  const attach = h(document, 'button', { type: 'button', 'aria-label': 'Attach a file' }, ['📎']);
  const form = h(document, 'form', { class: 'msg-form' }, [
    h(document, 'div', { class: 'msg-form__msg-content-container' }, [editor]),
    h(document, 'footer', { class: 'msg-form__footer' }, [
      h(document, 'div', { class: 'msg-form__left-actions' }, [attach]),
      h(document, 'div', { class: 'msg-form__right-actions' }, [send]),
    ]),
  ]);
  const sent = [];
  if (live) {
    const empty = () => editor.innerText.trim() === '';
    const sendNow = () => {
      if (send.disabled) return;
      sent.push(editor.innerText);
      editor.replaceChildren(h(document, 'p', {}, [h(document, 'br')]));
      send.disabled = true;
    };
    send.addEventListener('click', sendNow);
    editor.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && !event.shiftKey) {
        event.preventDefault();
        sendNow();
      }
    });
    if (handlesPaste) {
      editor.addEventListener('paste', (event) => {
        event.preventDefault();
        const replace = empty() || document.getSelection().coversAllOf(editor);
        insertPlainText(editor, event.clipboardData.getData('text/plain'), replace);
        editor.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste' }));
      });
    }
    editor.addEventListener('input', () => {
      send.disabled = empty();
    });
  }
  return { form, editor, send, sent };
}

/** The composer in an open shadow root of its own host element (as the fake LinkedIn page has it). */
export function buildShadowComposer(document, options) {
  const composer = buildComposer(document, options);
  const host = h(document, 'div', { class: 'msg-composer-host' });
  host.attachShadow({ mode: 'open' }).append(composer.form);
  return { ...composer, host };
}

function profileLink(document, partner, { avatar = false } = {}) {
  return h(document, 'a', { href: partner.href }, avatar ? [h(document, 'img', { alt: '' })] : [partner.name]);
}

/**
 * /messaging/thread/<threadId>/: the conversation list and the open thread
 * (header with the partner's profile link, messages, a composer in a shadow root).
 */
export function buildMessagingPage(dom, { threadId, partner, others = [], shadow = true, live = true }) {
  const { document } = dom;
  dom.location.href = `https://www.linkedin.com/messaging/thread/${threadId}/`;
  const composer = shadow ? buildShadowComposer(document, { live }) : buildComposer(document, { live });
  const list = h(document, 'ul', {}, [...others, { threadId, name: partner.name }].map((c) =>
    h(document, 'li', {}, [h(document, 'a', { href: `/messaging/thread/${c.threadId}/` }, [c.name])])));
  const header = h(document, 'header', {}, [profileLink(document, partner, { avatar: true }), h(document, 'h2', {}, [profileLink(document, partner)])]);
  const messages = h(document, 'ul', {}, [h(document, 'li', {}, ['Hey, great to connect!'])]);
  const thread = h(document, 'section', { class: 'msg-thread' }, [header, messages, composer.host ?? composer.form]);
  const main = h(document, 'main', {}, [list, thread]);
  document.body.append(main);
  return { ...composer, main, thread, header };
}

/**
 * The overlay container of bubbles (an <aside>), in the page or inside the
 * open shadow root of an "interop outlet" host, as LinkedIn renders it.
 */
export function buildBubbleDock(dom, { interop = false } = {}) {
  const { document } = dom;
  const aside = h(document, 'aside', { id: 'msg-overlay' });
  let outlet = null;
  if (interop) {
    outlet = h(document, 'div', { id: 'interop-outlet' });
    outlet.attachShadow({ mode: 'open' }).append(aside);
    document.body.append(outlet);
  } else {
    document.body.append(aside);
  }
  return { aside, outlet };
}

/**
 * Open a conversation bubble in the dock: header (profile link, name, close),
 * messages, and a composer; with `threadId`, a link to its full-page thread.
 */
export function openBubble(dock, document, { partner, threadId = null, shadowComposer = false, live = true }) {
  const composer = shadowComposer ? buildShadowComposer(document, { live }) : buildComposer(document, { live });
  const headerParts = [profileLink(document, partner)];
  if (threadId) headerParts.push(h(document, 'a', { href: `/messaging/thread/${threadId}/` }, ['⤢']));
  const bubble = h(document, 'div', { class: 'msg-overlay-conversation-bubble' }, [
    h(document, 'header', {}, headerParts),
    h(document, 'ul', {}, [h(document, 'li', {}, ['Thanks for the intro earlier.'])]),
    composer.host ?? composer.form,
  ]);
  dock.aside.append(bubble);
  return { ...composer, bubble, close: () => bubble.remove() };
}

/** A feed post with its comment box: a form with a text box and a submit button. */
export function buildFeedPost(dom) {
  const { document } = dom;
  const editor = h(document, 'div', { contenteditable: 'true', role: 'textbox' }, [h(document, 'p', {}, [h(document, 'br')])]);
  const form = h(document, 'form', {}, [editor, h(document, 'div', {}, [h(document, 'button', { type: 'submit' }, ['Post'])])]);
  const post = h(document, 'article', {}, [h(document, 'a', { href: '/in/someone-else/' }, ['Someone Else']), h(document, 'p', {}, ['A post']), form]);
  let main = document.querySelector('main');
  if (!main) {
    main = h(document, 'main');
    document.body.append(main);
  }
  main.append(post);
  return { post, form, editor };
}

export const partners = {
  ada: { name: 'Ada Lovelace', href: '/in/ada-lovelace-1a2b3c4d/', slug: 'ada-lovelace-1a2b3c4d' },
  alan: { name: 'Alan Turing', href: `https://www.linkedin.com/in/${MEMBER_ID}/`, memberId: MEMBER_ID },
  grace: { name: 'Grace Hopper', href: '/in/grace-hopper-0f0f0f0f/', slug: 'grace-hopper-0f0f0f0f' },
};
