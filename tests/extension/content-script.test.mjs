// The LinkedIn content script, run the way Chrome runs it: a classic script
// in its own global scope with `chrome` in it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import vm from 'node:vm';

import { CONTENT_SCRIPT_TYPES, dispatch } from '../../extension/background/router.js';
import { MSG } from '../../extension/lib/messages.js';

const SOURCE = readFileSync(fileURLToPath(new URL('../../extension/content/linkedin-page.js', import.meta.url)), 'utf8');
const run = (chrome) => vm.runInNewContext(SOURCE, { chrome });
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('content/linkedin-page.js', () => {
  it('tells the worker once per page load that a LinkedIn page loaded', async () => {
    const sent = [];
    run({ runtime: { sendMessage: async (m) => sent.push(m) } });
    await settle();
    assert.equal(sent.length, 1);
    assert.deepEqual(JSON.parse(JSON.stringify(sent[0])), { type: MSG.SYNC_PAGE_LOADED, payload: {} });
    assert.ok(CONTENT_SCRIPT_TYPES.has(MSG.SYNC_PAGE_LOADED));
  });

  it("asks again on LinkedIn's in-app navigation and when the tab is shown again, not on an address rewrite", async () => {
    const sent = [];
    const navigation = new EventTarget();
    const document = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    vm.runInNewContext(SOURCE, { chrome: { runtime: { sendMessage: async (m) => sent.push(m.type) } }, navigation, document });
    const moved = (navigationType) => navigation.dispatchEvent(Object.assign(new Event('currententrychange'), { navigationType }));
    const shown = (visibilityState) => {
      document.visibilityState = visibilityState;
      document.dispatchEvent(new Event('visibilitychange'));
    };
    assert.equal(sent.length, 1); // the page load
    moved('push');
    moved('traverse');
    assert.equal(sent.length, 3);
    moved('replace');
    shown('hidden');
    assert.equal(sent.length, 3);
    shown('visible');
    assert.deepEqual(sent, Array(4).fill(MSG.SYNC_PAGE_LOADED));
  });

  it('the router accepts it from a LinkedIn tab', async () => {
    const id = 'iphbonbehjlngbblihlgpdkcodehigec';
    const answer = await dispatch({ [MSG.SYNC_PAGE_LOADED]: async () => ({ started: false, reason: 'recent' }) }, { type: MSG.SYNC_PAGE_LOADED }, { id, url: 'https://www.linkedin.com/in/x/', tab: { id: 3 } }, id);
    assert.deepEqual(answer, { ok: true, data: { started: false, reason: 'recent' } });
  });

  it('stays quiet when the worker cannot be reached or the extension was reloaded', async () => {
    const failures = [];
    const onUnhandled = (err) => failures.push(err);
    process.on('unhandledRejection', onUnhandled);
    try {
      run({ runtime: { sendMessage: () => Promise.reject(new Error('Could not establish connection')) } });
      assert.doesNotThrow(() =>
        run({
          runtime: {
            sendMessage: () => {
              throw new Error('Extension context invalidated.');
            },
          },
        }),
      );
      await settle();
      await settle();
      assert.deepEqual(failures, []);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
