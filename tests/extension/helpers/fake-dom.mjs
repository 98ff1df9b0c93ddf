// Just enough of a DOM for the popup controller: the elements with an id in
// popup.html, with textContent, hidden, value, disabled and events.
import { readFileSync } from 'node:fs';

class FakeElement {
  constructor(id, hidden, tagName = 'div') {
    this.id = id;
    this.tagName = tagName.toUpperCase();
    this.hidden = hidden;
    this.textContent = '';
    this.value = '';
    this.disabled = false;
    this.listeners = {};
    this.children = [];
  }
  /** Like the DOM's: strings become text; textContent is the text of all of them. */
  replaceChildren(...nodes) {
    this.children = nodes;
    this.textContent = nodes.map((n) => (typeof n === 'string' ? n : n.textContent)).join('');
  }
  addEventListener(type, fn) {
    (this.listeners[type] ??= []).push(fn);
  }
  async dispatch(type) {
    const event = { type, target: this, defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    for (const fn of this.listeners[type] ?? []) await fn(event);
    return event;
  }
}

export function createFakeDocument(htmlPath) {
  const html = readFileSync(htmlPath, 'utf8');
  const elements = new Map();
  for (const m of html.matchAll(/<(\w+)\b([^>]*)\bid="([^"]+)"([^>]*)>/g)) {
    const attrs = m[2] + m[4];
    const element = new FakeElement(m[3], /\bhidden\b/.test(attrs), m[1]);
    // Static text of leaf elements (no child tags), whitespace collapsed.
    const rest = html.slice(m.index + m[0].length);
    const leaf = rest.match(new RegExp(`^([^<]*)</${m[1]}>`));
    if (leaf) element.textContent = leaf[1].replace(/\s+/g, ' ').trim();
    elements.set(m[3], element);
  }
  return {
    elements,
    activeElement: null,
    getElementById: (id) => elements.get(id) ?? null,
    createElement: (tagName) => new FakeElement(null, false, tagName),
  };
}

/** Manual timers: run them when the test says so. */
export function createFakeTimers() {
  let seq = 0;
  const pending = new Map();
  return {
    pending,
    setTimeout(fn, ms) {
      pending.set(++seq, { fn, ms });
      return seq;
    },
    clearTimeout(id) {
      pending.delete(id);
    },
    async runAll() {
      const due = [...pending.entries()];
      pending.clear();
      for (const [, { fn }] of due) await fn();
    },
  };
}
