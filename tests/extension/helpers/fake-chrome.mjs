// A small fake of the chrome.* APIs the extension uses: storage (local and
// session, with onChanged), permissions, runtime messaging, cookies, tabs
// and scripting.executeScript (which runs the injected function's source in
// a fresh realm, as Chrome does: a function that leans on its closure fails).
import vm from 'node:vm';

function createEvent() {
  const listeners = [];
  return {
    listeners,
    addListener: (fn) => listeners.push(fn),
    removeListener: (fn) => {
      const i = listeners.indexOf(fn);
      if (i >= 0) listeners.splice(i, 1);
    },
    hasListener: (fn) => listeners.includes(fn),
  };
}

function createArea(name, onChanged) {
  const data = new Map();
  const fire = (changes) => {
    if (Object.keys(changes).length === 0) return;
    for (const fn of [...onChanged.listeners]) fn(structuredClone(changes), name);
  };
  const keysOf = (keys) => (keys == null ? [...data.keys()] : typeof keys === 'string' ? [keys] : Array.isArray(keys) ? keys : Object.keys(keys));
  return {
    data,
    async get(keys) {
      const out = {};
      for (const k of keysOf(keys)) {
        if (data.has(k)) out[k] = structuredClone(data.get(k));
        else if (keys && typeof keys === 'object' && !Array.isArray(keys)) out[k] = keys[k];
      }
      return out;
    },
    async set(items) {
      const changes = {};
      for (const [k, v] of Object.entries(items)) {
        const change = { newValue: structuredClone(v) };
        if (data.has(k)) change.oldValue = data.get(k);
        data.set(k, structuredClone(v));
        changes[k] = change;
      }
      fire(changes);
    },
    async remove(keys) {
      const changes = {};
      for (const k of typeof keys === 'string' ? [keys] : keys) {
        if (data.has(k)) {
          changes[k] = { oldValue: data.get(k) };
          data.delete(k);
        }
      }
      fire(changes);
    },
    async clear() {
      await this.remove([...data.keys()]);
    },
  };
}

export const DEFAULT_GRANTED = ['http://127.0.0.1/*', 'http://localhost/*'];

/**
 * @param {{id?: string, granted?: string[], grantOnRequest?: boolean}} options
 */
export function createFakeChrome({ id = 'iphbonbehjlngbblihlgpdkcodehigec', granted = DEFAULT_GRANTED, grantOnRequest = true } = {}) {
  const onChanged = createEvent();
  const onMessage = createEvent();
  const grantedOrigins = new Set(granted);
  const popupSender = { id, url: `chrome-extension://${id}/popup/popup.html`, origin: `chrome-extension://${id}` };

  const chrome = {
    storage: {
      local: createArea('local', onChanged),
      session: createArea('session', onChanged),
      onChanged,
    },
    permissions: {
      granted: grantedOrigins,
      async contains({ origins = [] }) {
        return origins.every((o) => grantedOrigins.has(o));
      },
      async request({ origins = [] }) {
        if (!grantOnRequest) return origins.every((o) => grantedOrigins.has(o));
        for (const o of origins) grantedOrigins.add(o);
        return true;
      },
    },
    cookies: {
      /** name → value of the browser's www.linkedin.com cookies. */
      jar: new Map(),
      /** Every chrome.cookies.get call, to show when cookies were read. */
      reads: [],
      async get({ url, name }) {
        this.reads.push({ url, name });
        const host = new URL(url).hostname;
        if (host !== 'linkedin.com' && !host.endsWith('.linkedin.com')) return null;
        return this.jar.has(name) ? { name, value: this.jar.get(name), domain: '.linkedin.com', path: '/' } : null;
      },
    },
    tabs: {
      /** The browser's tabs: {id, url, active, discarded, lastAccessed}. */
      list: [],
      /** Open a tab at `url` (the newest is the last accessed). */
      open(url, extra = {}) {
        const tab = { id: this.list.length + 100, url, active: false, discarded: false, lastAccessed: this.list.length + 1, ...extra };
        this.list.push(tab);
        return tab;
      },
      close(tabId) {
        this.list = this.list.filter((tab) => tab.id !== tabId);
      },
      async query({ url } = {}) {
        const prefix = url ? url.replace(/\*$/, '') : '';
        return this.list.filter((tab) => tab.url.startsWith(prefix)).map((tab) => ({ ...tab }));
      },
    },
    scripting: {
      /** Every executeScript call: {tabId, world, args}. */
      calls: [],
      /** The fetch a page makes: (url, init) → Response-like. Set by the test. */
      pageFetch: null,
      async executeScript({ target, world, func, args = [] }) {
        this.calls.push({ tabId: target.tabId, world, args: structuredClone(args) });
        const tab = chrome.tabs.list.find((t) => t.id === target.tabId);
        if (!tab) throw new Error(`No tab with id: ${target.tabId}.`);
        const page = new URL(tab.url);
        const context = vm.createContext({
          location: { origin: page.origin, href: page.href },
          AbortSignal,
          fetch: (input, init) => this.pageFetch(new URL(input, page).toString(), init),
        });
        const result = await vm.runInContext(`(${func.toString()})(...${JSON.stringify(args)})`, context);
        return [{ frameId: 0, documentId: `doc-${tab.id}`, result: structuredClone(result) }];
      },
    },
    runtime: {
      id,
      getManifest: () => ({ manifest_version: 3 }),
      onMessage,
      /** Deliver to the registered listeners like Chrome does (first answer wins). */
      sendMessage(message, sender = popupSender) {
        return new Promise((resolve) => {
          let async = false;
          for (const fn of onMessage.listeners) {
            const keep = fn(structuredClone(message), sender, (answer) => resolve(structuredClone(answer)));
            if (keep === true) async = true;
          }
          if (!async) resolve(undefined);
        });
      },
    },
  };
  return chrome;
}
