// Tiny DOM builder. Text always goes in through textContent, never innerHTML.

/**
 * el('p', {id: 'x', className: 'muted'}, 'text', childNode, ...)
 * Attributes: `className`, `dataset`, `on<Event>` handlers, `hidden`/`disabled`
 * booleans; anything else via setAttribute. Children: strings/numbers become
 * text nodes; null/false are skipped; arrays are flattened.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'className') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2).toLowerCase(), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace all children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/**
 * A link that opens in a new tab, without handing the new page this one (noopener, noreferrer).
 * `name` is what a screen reader announces; it is told the link opens a new tab.
 */
export function newTabLink(href, text, name, attrs = {}) {
  return el(
    'a',
    { ...attrs, href, target: '_blank', rel: 'noopener noreferrer', 'aria-label': `${name} (opens in a new tab)` },
    text,
  );
}

/** A <time> element showing a local date and time, with the ISO value in `datetime`. */
export function timeEl(iso, attrs = {}) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return el('span', attrs, 'unknown');
  const text = date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return el('time', { ...attrs, datetime: date.toISOString(), title: date.toISOString() }, text);
}
