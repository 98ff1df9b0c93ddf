// A small but faithful DOM for the composer tests, with no npm package:
// a node tree with open and closed shadow roots, CSS selectors (type, #id,
// .class, attribute operators, descendant and child combinators, lists),
// event dispatch with capture, bubbling, composed paths and retargeting,
// MutationObserver (childList, subtree, per tree: it does not see into
// shadow roots, like the real one), focus with activeElement per tree,
// a selection, and execCommand('insertText').
//
// It also counts what a page holds on to: listeners on every node and on
// window, and observers still observing — the measure of the composer's
// "no leaks" (a real page cannot be asked that).

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const DOCUMENT_NODE = 9;
const DOCUMENT_FRAGMENT_NODE = 11;

// --- selectors ---------------------------------------------------------------------------

const COMPOUND_PART = /^(?:(\*|[a-zA-Z][\w-]*)|#([\w-]+)|\.([\w-]+)|\[\s*([\w-]+)\s*(?:([*^$~|]?=)\s*(?:"([^"]*)"|'([^']*)'|([^\]\s]+)))?\s*\])/;

function parseCompound(text) {
  const parts = [];
  let rest = text;
  while (rest) {
    const m = COMPOUND_PART.exec(rest);
    if (!m) throw new SyntaxError(`tree-dom: unsupported selector part ${JSON.stringify(rest)}`);
    if (m[1]) parts.push({ kind: 'tag', name: m[1].toLowerCase() });
    else if (m[2]) parts.push({ kind: 'id', value: m[2] });
    else if (m[3]) parts.push({ kind: 'class', value: m[3] });
    else parts.push({ kind: 'attr', name: m[4].toLowerCase(), op: m[5] ?? null, value: m[6] ?? m[7] ?? m[8] ?? null });
    rest = rest.slice(m[0].length);
  }
  return parts;
}

function parseComplex(text) {
  const tokens = text.trim().replace(/\s*>\s*/g, ' > ').split(/\s+/);
  const steps = [];
  let combinator = null;
  for (const token of tokens) {
    if (token === '>') {
      combinator = 'child';
      continue;
    }
    steps.push({ combinator, parts: parseCompound(token) });
    combinator = 'descendant';
  }
  return steps;
}

const parsedSelectors = new Map();
function parseSelector(selector) {
  if (!parsedSelectors.has(selector)) {
    // Commas inside quoted attribute values are not supported (none is used).
    parsedSelectors.set(selector, selector.split(',').map(parseComplex));
  }
  return parsedSelectors.get(selector);
}

function matchesPart(element, part) {
  switch (part.kind) {
    case 'tag':
      return part.name === '*' || element.localName === part.name;
    case 'id':
      return element.getAttribute('id') === part.value;
    case 'class':
      return element.classList.contains(part.value);
    default: {
      const value = element.getAttribute(part.name);
      if (value === null) return false;
      if (part.op === null) return true;
      if (part.op === '=') return value === part.value;
      if (part.op === '*=') return value.includes(part.value);
      if (part.op === '^=') return value.startsWith(part.value);
      if (part.op === '$=') return value.endsWith(part.value);
      if (part.op === '~=') return value.split(/\s+/).includes(part.value);
      return value === part.value || value.startsWith(`${part.value}-`);
    }
  }
}

function matchesSteps(element, steps, index) {
  if (!steps[index].parts.every((part) => matchesPart(element, part))) return false;
  if (index === 0) return true;
  const { combinator } = steps[index];
  let parent = element.parentElement;
  if (combinator === 'child') return parent !== null && matchesSteps(parent, steps, index - 1);
  for (; parent; parent = parent.parentElement) if (matchesSteps(parent, steps, index - 1)) return true;
  return false;
}

function matchesSelector(element, selector) {
  return parseSelector(selector).some((steps) => matchesSteps(element, steps, steps.length - 1));
}

// --- events --------------------------------------------------------------------------------

export class Event {
  constructor(type, init = {}) {
    this.type = type;
    this.bubbles = Boolean(init.bubbles);
    this.cancelable = Boolean(init.cancelable);
    this.composed = Boolean(init.composed);
    this.defaultPrevented = false;
    this.isTrusted = false;
    this.target = null;
    this.currentTarget = null;
    this.path = [];
    this.stopped = false;
  }
  preventDefault() {
    if (this.cancelable) this.defaultPrevented = true;
  }
  stopPropagation() {
    this.stopped = true;
  }
  stopImmediatePropagation() {
    this.stopped = true;
  }
  composedPath() {
    return [...this.path];
  }
}

export class KeyboardEvent extends Event {
  constructor(type, init = {}) {
    super(type, init);
    this.key = init.key ?? '';
    this.shiftKey = Boolean(init.shiftKey);
    this.isComposing = Boolean(init.isComposing);
  }
}

/** `event` as the browser makes it for a real user's action (isTrusted), which no script can forge. */
export function byUser(event) {
  event.isTrusted = true;
  return event;
}

export class MouseEvent extends Event {}
export class FocusEvent extends Event {}

export class InputEvent extends Event {
  constructor(type, init = {}) {
    super(type, init);
    this.inputType = init.inputType ?? '';
    this.data = init.data ?? null;
  }
}

export class DataTransfer {
  #data = new Map();
  setData(format, value) {
    this.#data.set(format, String(value));
  }
  getData(format) {
    return this.#data.get(format) ?? '';
  }
  get types() {
    return [...this.#data.keys()];
  }
}

export class ClipboardEvent extends Event {
  constructor(type, init = {}) {
    super(type, init);
    this.clipboardData = init.clipboardData ?? null;
  }
}

/** Counts of listeners, shared by one document's nodes and its window. */
class ListenerCount {
  total = 0;
}

class EventTargetBase {
  #listeners = new Map();
  #count;

  constructor(count) {
    this.#count = count;
  }

  addEventListener(type, fn, options = false) {
    if (typeof fn !== 'function') return;
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const list = this.#listeners.get(type) ?? [];
    if (list.some((l) => l.fn === fn && l.capture === capture)) return;
    list.push({ fn, capture, once: Boolean(options?.once) });
    this.#listeners.set(type, list);
    this.#count.total += 1;
  }

  removeEventListener(type, fn, options = false) {
    const capture = typeof options === 'boolean' ? options : Boolean(options?.capture);
    const list = this.#listeners.get(type) ?? [];
    const index = list.findIndex((l) => l.fn === fn && l.capture === capture);
    if (index < 0) return;
    list.splice(index, 1);
    this.#count.total -= 1;
  }

  /** Listeners on this target (all types). */
  listenerCount() {
    let n = 0;
    for (const list of this.#listeners.values()) n += list.length;
    return n;
  }

  invokeListeners(event, phase) {
    for (const listener of [...(this.#listeners.get(event.type) ?? [])]) {
      if (phase === 'capture' && !listener.capture) continue;
      if (phase === 'bubble' && listener.capture) continue;
      if (listener.once) this.removeEventListener(event.type, listener.fn, listener.capture);
      listener.fn.call(this, event);
    }
  }

  /** The event's path from this target up: across shadow roots only when composed. */
  eventPath(event) {
    const path = [];
    for (let node = this; node; ) {
      path.push(node);
      if (node.nodeType === DOCUMENT_NODE) node = node.defaultView;
      else if (node.isShadowRoot) node = event.composed ? node.host : null;
      else node = node.parentNode ?? null;
    }
    return path;
  }

  dispatchEvent(event) {
    const path = this.eventPath(event);
    event.path = path;
    const retarget = (current) => retargetFor(this, current);
    const run = (node, phase) => {
      if (event.stopped) return;
      event.currentTarget = node;
      event.target = retarget(node);
      node.invokeListeners(event, phase);
    };
    for (let i = path.length - 1; i > 0; i -= 1) run(path[i], 'capture');
    // At the target, capturing listeners run before the others (as the DOM standard has it since 2021).
    run(path[0], 'capture');
    run(path[0], 'bubble');
    if (event.bubbles) for (let i = 1; i < path.length; i += 1) run(path[i], 'bubble');
    event.currentTarget = null;
    event.target = retarget(path[path.length - 1]);
    return !event.defaultPrevented;
  }
}

/** The shadow roots (and the document) above `node`, innermost first. */
function treesOf(node) {
  const trees = [];
  for (let root = node.getRootNode?.(); root; root = root.isShadowRoot ? root.host.getRootNode() : null) trees.push(root);
  return trees;
}

/** What `target` looks like to a listener on `current`: the host of a shadow tree `current` is outside of. */
function retargetFor(target, current) {
  if (!target.getRootNode || !current.getRootNode) return target;
  const visible = new Set(current.nodeType === undefined ? [] : treesOf(current));
  if (current.isWindow) visible.add(current.document);
  let result = target;
  while (result.getRootNode().isShadowRoot && !visible.has(result.getRootNode())) result = result.getRootNode().host;
  return result;
}

// --- nodes ---------------------------------------------------------------------------------

export class Node extends EventTargetBase {
  constructor(ownerDocument, count) {
    super(count ?? ownerDocument.listenerCounter);
    this.ownerDocument = ownerDocument;
    this.parentNode = null;
    this.childNodes = [];
  }

  get firstChild() {
    return this.childNodes[0] ?? null;
  }
  get lastChild() {
    return this.childNodes[this.childNodes.length - 1] ?? null;
  }
  get nextSibling() {
    const siblings = this.parentNode?.childNodes ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }
  get previousSibling() {
    const siblings = this.parentNode?.childNodes ?? [];
    const i = siblings.indexOf(this);
    return i > 0 ? siblings[i - 1] : null;
  }
  get parentElement() {
    return this.parentNode?.nodeType === ELEMENT_NODE ? this.parentNode : null;
  }
  get children() {
    return this.childNodes.filter((n) => n.nodeType === ELEMENT_NODE);
  }
  get firstElementChild() {
    return this.children[0] ?? null;
  }
  get lastElementChild() {
    const c = this.children;
    return c[c.length - 1] ?? null;
  }

  getRootNode({ composed = false } = {}) {
    let node = this;
    while (node.parentNode) node = node.parentNode;
    if (composed && node.isShadowRoot) return node.host.getRootNode({ composed });
    return node;
  }

  get isConnected() {
    return this.getRootNode({ composed: true }).nodeType === DOCUMENT_NODE;
  }

  contains(other) {
    for (let node = other; node; node = node.parentNode) if (node === this) return true;
    return false;
  }

  get textContent() {
    return this.childNodes.map((n) => n.textContent).join('');
  }
  set textContent(value) {
    this.replaceChildren(...(value === '' || value == null ? [] : [String(value)]));
  }

  #toNode(value) {
    return typeof value === 'string' ? this.ownerDocument.createTextNode(value) : value;
  }

  insertBefore(child, reference) {
    if (reference && reference.parentNode !== this) throw new Error('tree-dom: the reference is not a child of this node');
    if (child.contains(this)) throw new Error('tree-dom: HierarchyRequestError (a node into itself)');
    const nodes = child.nodeType === DOCUMENT_FRAGMENT_NODE && !child.isShadowRoot ? [...child.childNodes] : [child];
    for (const node of nodes) {
      if (node === reference) return child;
      node.parentNode?.removeChild(node);
    }
    const at = reference ? this.childNodes.indexOf(reference) : this.childNodes.length;
    this.childNodes.splice(at, 0, ...nodes);
    for (const node of nodes) node.parentNode = this;
    this.ownerDocument.notifyChildList(this, nodes, []);
    return child;
  }

  appendChild(child) {
    return this.insertBefore(child, null);
  }

  removeChild(child) {
    const i = this.childNodes.indexOf(child);
    if (i < 0) throw new Error('tree-dom: not a child');
    this.childNodes.splice(i, 1);
    child.parentNode = null;
    this.ownerDocument.notifyChildList(this, [], [child]);
    return child;
  }

  append(...nodes) {
    for (const node of nodes) this.appendChild(this.#toNode(node));
  }
  prepend(...nodes) {
    const first = this.firstChild;
    for (const node of nodes) this.insertBefore(this.#toNode(node), first);
  }
  replaceChildren(...nodes) {
    for (const node of [...this.childNodes]) this.removeChild(node);
    this.append(...nodes);
  }
  before(...nodes) {
    for (const node of nodes) this.parentNode.insertBefore(this.#toNode(node), this);
  }
  after(...nodes) {
    const next = this.nextSibling;
    for (const node of nodes) this.parentNode.insertBefore(this.#toNode(node), next);
  }
  remove() {
    this.parentNode?.removeChild(this);
  }
  replaceWith(...nodes) {
    const parent = this.parentNode;
    const next = this.nextSibling;
    this.remove();
    for (const node of nodes) parent.insertBefore(this.#toNode(node), next);
  }

  /** Descendant elements in tree order (not into shadow roots). */
  *descendants() {
    for (const child of this.childNodes) {
      if (child.nodeType !== ELEMENT_NODE) continue;
      yield child;
      yield* child.descendants();
    }
  }
  querySelectorAll(selector) {
    parseSelector(selector);
    return [...this.descendants()].filter((e) => matchesSelector(e, selector));
  }
  querySelector(selector) {
    for (const e of this.descendants()) if (matchesSelector(e, selector)) return e;
    return null;
  }
}

export class Text extends Node {
  nodeType = TEXT_NODE;
  constructor(ownerDocument, data) {
    super(ownerDocument);
    this.data = String(data);
  }
  get textContent() {
    return this.data;
  }
  set textContent(value) {
    this.data = String(value);
  }
}

class ClassList {
  constructor(element) {
    this.element = element;
  }
  #values() {
    return (this.element.getAttribute('class') ?? '').split(/\s+/).filter(Boolean);
  }
  contains(name) {
    return this.#values().includes(name);
  }
  add(...names) {
    this.element.setAttribute('class', [...new Set([...this.#values(), ...names])].join(' '));
  }
  remove(...names) {
    this.element.setAttribute('class', this.#values().filter((v) => !names.includes(v)).join(' '));
  }
}

const SHADOW_HOSTS = new Set(['article', 'aside', 'blockquote', 'body', 'div', 'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'main', 'nav', 'p', 'section', 'span']);

export class Element extends Node {
  nodeType = ELEMENT_NODE;
  #attributes = new Map();
  #shadow = null;

  constructor(ownerDocument, localName) {
    super(ownerDocument);
    this.localName = localName.toLowerCase();
    this.classList = new ClassList(this);
    this.style = {};
  }

  get tagName() {
    return this.localName.toUpperCase();
  }
  get id() {
    return this.getAttribute('id') ?? '';
  }
  getAttribute(name) {
    return this.#attributes.get(name.toLowerCase()) ?? null;
  }
  setAttribute(name, value) {
    this.#attributes.set(name.toLowerCase(), String(value));
  }
  hasAttribute(name) {
    return this.#attributes.has(name.toLowerCase());
  }
  removeAttribute(name) {
    this.#attributes.delete(name.toLowerCase());
  }
  toggleAttribute(name, force) {
    const on = force ?? !this.hasAttribute(name);
    if (on) this.setAttribute(name, '');
    else this.removeAttribute(name);
    return on;
  }
  get disabled() {
    return this.hasAttribute('disabled');
  }
  set disabled(value) {
    this.toggleAttribute('disabled', Boolean(value));
  }
  get hidden() {
    return this.hasAttribute('hidden');
  }
  set hidden(value) {
    this.toggleAttribute('hidden', Boolean(value));
  }
  get isContentEditable() {
    for (let e = this; e; e = e.parentElement) {
      const v = e.getAttribute('contenteditable');
      if (v === '' || v === 'true' || v === 'plaintext-only') return true;
      if (v === 'false') return false;
    }
    return false;
  }
  /** Like the browser's: text, with <br> as a line break. */
  get innerText() {
    const walk = (node) =>
      node.nodeType === TEXT_NODE ? node.data : node.localName === 'br' ? '\n' : node.childNodes.map(walk).join('');
    return walk(this);
  }

  get shadowRoot() {
    return this.#shadow?.mode === 'open' ? this.#shadow : null;
  }
  attachShadow({ mode }) {
    if (this.#shadow) throw new Error('tree-dom: NotSupportedError (a shadow root is already attached)');
    if (!SHADOW_HOSTS.has(this.localName) && !this.localName.includes('-')) {
      throw new Error(`tree-dom: NotSupportedError (<${this.localName}> cannot host a shadow root)`);
    }
    this.#shadow = new ShadowRoot(this.ownerDocument, this, mode);
    return this.#shadow;
  }

  matches(selector) {
    return matchesSelector(this, selector);
  }
  closest(selector) {
    for (let e = this; e; e = e.parentElement) if (e.matches(selector)) return e;
    return null;
  }
  get previousElementSibling() {
    const siblings = this.parentNode?.children ?? [];
    const i = siblings.indexOf(this);
    return i > 0 ? siblings[i - 1] : null;
  }
  get nextElementSibling() {
    const siblings = this.parentNode?.children ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }

  focus() {
    this.ownerDocument.focusElement(this);
  }
  blur() {
    if (this.ownerDocument.focused === this) this.ownerDocument.focusElement(null);
  }
  /** A script's click (untrusted), like the browser's element.click(). */
  click() {
    if (this.disabled) return;
    this.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
  }
  /** The user clicking it (a trusted event). */
  userClick() {
    if (this.disabled) return;
    this.dispatchEvent(byUser(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true })));
  }
  /** The user pressing a key while it has the focus (a trusted keydown). */
  userKey(key, init = {}) {
    this.dispatchEvent(byUser(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, composed: true, ...init })));
  }
}

export class DocumentFragment extends Node {
  nodeType = DOCUMENT_FRAGMENT_NODE;
}

export class ShadowRoot extends DocumentFragment {
  isShadowRoot = true;
  constructor(ownerDocument, host, mode) {
    super(ownerDocument);
    this.host = host;
    this.mode = mode;
  }
  /** The focused element as this tree sees it (a host for focus in a deeper tree), or null. */
  get activeElement() {
    const focused = this.ownerDocument.focused;
    if (!focused || !focused.isConnected) return null;
    const seen = retargetFor(focused, this);
    return seen.getRootNode() === this ? seen : null;
  }
}

class Selection {
  node = null;
  collapsed = true;
  get rangeCount() {
    return this.node ? 1 : 0;
  }
  selectAllChildren(node) {
    this.node = node;
    this.collapsed = false;
  }
  collapseToEnd() {
    this.collapsed = true;
  }
  removeAllRanges() {
    this.node = null;
  }
  /** True when the whole content of `editor` is selected. */
  coversAllOf(editor) {
    return this.node === editor && !this.collapsed;
  }
}

/** A MutationObserver bound to one document's registry (see createDom). */
function mutationObserverClass(document) {
  return class MutationObserver {
    #callback;
    #targets = [];
    #records = [];
    #scheduled = false;

    constructor(callback) {
      this.#callback = callback;
    }
    observe(target, options = {}) {
      if (!options.childList) throw new TypeError('tree-dom: only childList observation is supported');
      this.#targets = this.#targets.filter((t) => t.target !== target);
      this.#targets.push({ target, subtree: Boolean(options.subtree) });
      document.observers.add(this);
    }
    disconnect() {
      this.#targets = [];
      this.#records = [];
      document.observers.delete(this);
    }
    takeRecords() {
      return this.#records.splice(0);
    }
    /** Called by the document for a childList change of `parent`. */
    notify(parent, addedNodes, removedNodes) {
      const sees = this.#targets.some(({ target, subtree }) => target === parent || (subtree && target.contains(parent)));
      if (!sees) return;
      this.#records.push({ type: 'childList', target: parent, addedNodes, removedNodes });
      if (this.#scheduled) return;
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        const records = this.takeRecords();
        if (records.length > 0) this.#callback(records, this);
      });
    }
  };
}

export class Document extends Node {
  nodeType = DOCUMENT_NODE;
  focused = null;
  selection = new Selection();
  observers = new Set();

  constructor(count) {
    super(null, count);
    this.ownerDocument = this;
    this.listenerCounter = count;
  }

  createElement(name) {
    return new Element(this, name);
  }
  createTextNode(data) {
    return new Text(this, data);
  }
  createDocumentFragment() {
    return new DocumentFragment(this);
  }
  getElementById(id) {
    return this.querySelector(`#${id}`);
  }
  getSelection() {
    return this.selection;
  }

  /** The focused element as the document tree sees it (its outermost host). */
  get activeElement() {
    if (!this.focused || !this.focused.isConnected) return this.body;
    return retargetFor(this.focused, this);
  }

  focusElement(element) {
    const previous = this.focused;
    if (previous === element) return;
    this.focused = element;
    if (previous?.isConnected) previous.dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true }));
    if (element) element.dispatchEvent(new FocusEvent('focusin', { bubbles: true, composed: true }));
  }

  /**
   * execCommand('insertText') as a browser does it in a contenteditable:
   * at the selection (the whole content when it is all selected, else the
   * end), then an `input` event. False elsewhere.
   */
  execCommand(command, _showUi, value) {
    const editor = this.focused;
    if (command !== 'insertText' || !editor?.isContentEditable) return false;
    insertPlainText(editor, String(value), this.selection.coversAllOf(editor));
    editor.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertText', data: value }));
    return true;
  }

  notifyChildList(parent, added, removed) {
    for (const observer of [...this.observers]) observer.notify(parent, added, removed);
  }
}

/** Insert text lines (with <br> between them) into an editor, replacing its content or after it. */
export function insertPlainText(editor, text, replace) {
  const document = editor.ownerDocument;
  const nodes = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (i > 0) nodes.push(document.createElement('br'));
    nodes.push(document.createTextNode(line));
  });
  if (replace) editor.replaceChildren(...nodes);
  else editor.append(...nodes);
}

class Window extends EventTargetBase {
  isWindow = true;
  constructor(count, document, location) {
    super(count);
    this.document = document;
    this.location = location;
    this.MutationObserver = mutationObserverClass(document);
    Object.assign(this, { Event, KeyboardEvent, MouseEvent, FocusEvent, InputEvent, ClipboardEvent, DataTransfer });
  }
  eventPath() {
    return [this];
  }
}

/**
 * A fresh page: `{window, document, location}` with <html><head><body>.
 * `location` is a URL object (href, pathname…) the test may replace with setLocation.
 */
export function createDom(href = 'https://www.linkedin.com/feed/') {
  const count = new ListenerCount();
  const document = new Document(count);
  const html = document.createElement('html');
  const head = document.createElement('head');
  const body = document.createElement('body');
  html.append(head, body);
  document.appendChild(html);
  Object.defineProperties(document, {
    documentElement: { value: html },
    head: { value: head },
    body: { value: body },
  });
  const location = new URL(href);
  const window = new Window(count, document, location);
  document.defaultView = window;
  return {
    window,
    document,
    location,
    /** Listeners registered anywhere on this page (nodes, document, window) and not removed. */
    listenerCount: () => count.total,
    /** MutationObservers still observing something. */
    observerCount: () => document.observers.size,
  };
}

/** Build elements from a compact description: h('div', {class: 'x'}, [children…]). */
export function h(document, tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}
