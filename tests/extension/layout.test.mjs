// The extension's folders import only what their READMEs allow
// (extension/background/README.md): lib/ stands alone and is shared by the
// worker and the popup; the popup never reaches into the worker; the
// LinkedIn client knows nothing of the sync; the content script is a
// classic script without imports.

import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const EXTENSION = resolve(dirname(fileURLToPath(import.meta.url)), '../../extension');

/** Where a file may import from, by the folder it is in (first matching prefix wins). */
const ALLOWED = [
  ['background/linkedin/', ['background/linkedin/', 'background/api.js', 'lib/']],
  ['background/', ['background/', 'lib/']],
  ['popup/', ['popup/', 'lib/']],
  ['lib/', ['lib/']],
  ['content/', []],
];

const IMPORT = /\bimport\s*(?:[^'"()]*?\sfrom\s*)?['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function scripts(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return entry.name.endsWith('.js') ? [path] : [];
  });
}

/** [file, imported] pairs, both relative to extension/. */
function importsOf(root) {
  return scripts(root).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((match) => [
      relative(root, file),
      relative(root, resolve(dirname(file), match[1] ?? match[2])),
    ]),
  );
}

function violations(pairs) {
  return pairs.filter(([file, target]) => {
    const [, allowed] = ALLOWED.find(([prefix]) => file.startsWith(prefix)) ?? [null, null];
    return allowed !== null && !allowed.some((prefix) => target.startsWith(prefix));
  });
}

describe('extension layout', () => {
  it('reads the imports of every folder', () => {
    const pairs = importsOf(EXTENSION);
    const importers = new Set(pairs.map(([file]) => file.split('/')[0]));
    assert.deepEqual([...importers].sort(), ['background', 'popup']);
    const found = (file, target) => pairs.some(([f, t]) => f === file && t === target);
    assert.ok(found('background/sync/sync.js', 'background/linkedin/voyager.js'));
    assert.ok(found('popup/controller.js', 'lib/errors.js'));
  });

  it('keeps every import within what its folder may use', () => {
    assert.deepEqual(violations(importsOf(EXTENSION)), []);
  });

  it('reports an import across the rules', () => {
    assert.deepEqual(
      violations([
        ['popup/controller.js', 'background/api.js'],
        ['background/linkedin/voyager.js', 'background/sync/cursor.js'],
        ['lib/errors.js', 'background/api.js'],
        ['background/sync/run.js', 'lib/storage.js'],
      ]),
      [
        ['popup/controller.js', 'background/api.js'],
        ['background/linkedin/voyager.js', 'background/sync/cursor.js'],
        ['lib/errors.js', 'background/api.js'],
      ],
    );
  });
});
