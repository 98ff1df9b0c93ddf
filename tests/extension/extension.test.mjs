// Static checks of the extension folder: manifest, module graph, and the
// STYLE.md rules that can be checked mechanically.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

import { CONTENT_SCRIPT_TYPES } from '../../extension/background/router.js';
import { MSG } from '../../extension/lib/messages.js';
import { KEYS } from '../../extension/lib/storage.js';
import { loadComposerScripts } from './helpers/composer-scripts.mjs';

const EXT = fileURLToPath(new URL('../../extension/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(EXT, 'manifest.json'), 'utf8'));

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}
const jsFiles = walk(EXT).filter((p) => p.endsWith('.js'));
const rel = (p) => relative(EXT, p).split('\\').join('/');
const source = (p) => readFileSync(p, 'utf8');
const code = (p) => source(p).replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Chrome's extension id: sha256 of the DER public key, first 32 hex digits mapped 0-f → a-p. */
function extensionId(keyB64) {
  const hex = createHash('sha256').update(Buffer.from(keyB64, 'base64')).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

describe('manifest.json', () => {
  it('is MV3 with a module service worker and the popup', () => {
    assert.equal(manifest.manifest_version, 3);
    assert.deepEqual(manifest.background, { service_worker: 'background/worker.js', type: 'module' });
    assert.equal(manifest.action.default_popup, 'popup/popup.html');
    for (const p of [manifest.background.service_worker, manifest.action.default_popup, ...Object.values(manifest.icons)]) {
      assert.ok(existsSync(join(EXT, p)), `${p} is missing`);
    }
  });

  it('asks for the minimum permissions', () => {
    // scripting: the in-tab route when LinkedIn refuses the worker (background/linkedin/in-tab.js).
    assert.deepEqual(manifest.permissions, ['storage', 'cookies', 'scripting']);
    // *.linkedin.com, not www only: chrome.cookies sees domain cookies only with it (BROWSER-TESTS.md);
    // *.licdn.com, LinkedIn's CDN: static.licdn.com's script bundles, read for its current query ids
    // (linkedin/query-ids.js), and the media*.licdn.com profile photos its CDN refuses PingCRM's server
    // (sync/backfill.js).
    assert.deepEqual(manifest.host_permissions, [
      'http://127.0.0.1/*',
      'http://localhost/*',
      'https://*.linkedin.com/*',
      'https://*.licdn.com/*',
    ]);
    assert.deepEqual(manifest.optional_host_permissions, ['https://*/*', 'http://*/*']);
    assert.equal(manifest.permissions.includes('alarms'), false, 'sync is event-driven');
  });

  it('runs the sync trigger and the composer scripts on LinkedIn pages after load', () => {
    const composer = ['dom', 'find', 'partner', 'insert', 'ui', 'controller', 'watcher', 'main'].map((n) => `content/composer/${n}.js`);
    assert.deepEqual(manifest.content_scripts, [
      { matches: ['https://www.linkedin.com/*'], js: ['content/linkedin-page.js'], run_at: 'document_idle' },
      // In this order: each file adds to the namespace the ones before it built; main.js starts it.
      { matches: ['https://www.linkedin.com/*'], js: composer, run_at: 'document_idle' },
    ]);
    for (const p of ['content/linkedin-page.js', ...composer]) assert.ok(existsSync(join(EXT, p)), `${p} is missing`);
    const everyContentFile = jsFiles.map(rel).filter((p) => p.startsWith('content/')).sort();
    assert.deepEqual(everyContentFile, ['content/linkedin-page.js', ...composer].sort(), 'a content file the manifest does not load');
    assert.equal(manifest.web_accessible_resources, undefined, 'LinkedIn pages could probe for web-accessible files');
  });

  it('pins a public key whose extension id is the one in the README', () => {
    assert.match(manifest.key, /^MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA/); // RSA-2048 SubjectPublicKeyInfo
    const id = extensionId(manifest.key);
    assert.match(source(join(EXT, 'README.md')), new RegExp(id));
  });

  it('has a Chrome-valid version, and no private key lies in the folder', () => {
    assert.match(manifest.version, /^\d+(\.\d+){0,3}$/);
    for (const p of walk(EXT)) {
      assert.ok(!/\.(pem|key|crx)$/.test(p), `${rel(p)} must not be in the extension folder`);
      assert.ok(!source(p).includes('PRIVATE KEY'), `${rel(p)} contains a private key`);
    }
  });
});

describe('extension sources', () => {
  it('every JS file parses as an ES module', () => {
    for (const p of jsFiles) {
      const r = spawnSync(process.execPath, ['--experimental-default-type=module', '--check', p], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${rel(p)}: ${r.stderr}`);
    }
  });

  it('every relative import resolves to a file with its extension', () => {
    for (const p of jsFiles) {
      for (const m of code(p).matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const spec = m[1] ?? m[2];
        assert.ok(spec.startsWith('.'), `${rel(p)} imports a bare specifier ${spec}`);
        assert.ok(existsSync(resolve(dirname(p), spec)), `${rel(p)}: ${spec} does not exist`);
      }
    }
  });

  it('never uses innerHTML and friends', () => {
    for (const p of jsFiles) {
      assert.doesNotMatch(code(p), /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/, rel(p));
    }
    for (const p of walk(EXT).filter((f) => f.endsWith('.html'))) {
      assert.doesNotMatch(source(p), /<script(?![^>]*\bsrc=)|\son\w+\s*=/, `${rel(p)}: inline script or handler (MV3 CSP forbids them)`);
    }
  });

  it('only the service worker talks to the network: PingCRM through api.js, LinkedIn through voyager.js', () => {
    // fetch-answer.js: the one LinkedIn fetch, run by voyager.js in the worker or inside a LinkedIn tab.
    const clients = new Set([
      'background/api.js',
      'background/linkedin/voyager.js',
      'background/linkedin/fetch-answer.js',
      'background/worker.js',
    ]);
    for (const p of jsFiles) {
      const name = rel(p);
      if (clients.has(name)) continue;
      assert.doesNotMatch(code(p), /\bfetch\s*\(|XMLHttpRequest|WebSocket/, name);
    }
    assert.match(code(join(EXT, 'background/api.js')), /credentials: 'omit'/, 'no browser cookies to the backend');
  });

  it('declares message types and storage keys once', () => {
    // Classic content scripts cannot import lib/messages.js; the next test checks their copies.
    for (const p of jsFiles.filter((f) => !rel(f).startsWith('content/'))) {
      const name = rel(p);
      const text = code(p);
      if (name !== 'lib/messages.js') {
        for (const type of Object.values(MSG)) assert.ok(!text.includes(`'${type}'`), `${name} spells ${type}`);
      }
      if (name !== 'lib/storage.js') {
        for (const key of Object.values(KEYS)) {
          assert.ok(!new RegExp(`['"\`]${key}['"\`]`).test(text), `${name} spells the storage key ${key}`);
        }
      }
    }
  });

  it('content scripts send only declared, content-script-allowed types, and name no storage key', () => {
    const types = [...code(join(EXT, 'content/linkedin-page.js')).matchAll(/\btype:\s*'([^']+)'/g)].map((m) => m[1]);
    assert.deepEqual(types, [MSG.SYNC_PAGE_LOADED]);
    // The composer's types, as its scripts declare them for main.js's sendMessage.
    const composer = loadComposerScripts({});
    assert.deepEqual(
      Object.values(composer.controller.MSG).sort(),
      [MSG.SUGGESTIONS_FOR_CONVERSATION, MSG.SUGGESTIONS_REGENERATE, MSG.SUGGESTIONS_MARK_SENT].sort(),
    );
    for (const type of [...types, ...Object.values(composer.controller.MSG)]) {
      assert.ok(CONTENT_SCRIPT_TYPES.has(type), `a content script sends ${type}, which the router refuses from content scripts`);
    }
    for (const p of jsFiles.filter((f) => rel(f).startsWith('content/'))) {
      assert.doesNotMatch(code(p), /\bimport\b|\bexport\b|chrome\.storage|chrome\.cookies/, rel(p));
      assert.ok(!/\bchrome\./.test(code(p)) || ['content/linkedin-page.js', 'content/composer/main.js'].includes(rel(p)), `${rel(p)} touches chrome.*: only main.js does`);
    }
  });

  it('the version lives in manifest.json only', () => {
    for (const p of jsFiles) assert.ok(!source(p).includes(manifest.version), `${rel(p)} repeats the version`);
  });
});
