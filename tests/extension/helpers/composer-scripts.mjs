// Runs the composer content scripts (extension/content/composer/) the way
// Chrome does: classic scripts, in the manifest's order, sharing one global
// scope — here a vm context holding the fakes a test passes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const EXT = new URL('../../../extension/', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('manifest.json', EXT), 'utf8'));

/** The composer's files, in the order the manifest loads them. */
export const COMPOSER_FILES = manifest.content_scripts.flatMap((entry) => entry.js).filter((file) => file.startsWith('content/composer/'));

/**
 * Load the composer scripts into a fresh global scope holding `globals`
 * (document, window, location, chrome…). Without `start`, main.js (which
 * starts watching the page) is left out and the test wires the parts.
 * Returns the namespace the scripts built.
 */
export function loadComposerScripts(globals, { start = false } = {}) {
  const context = vm.createContext({ URL, ...globals });
  for (const file of COMPOSER_FILES) {
    if (!start && file.endsWith('/main.js')) continue;
    const path = fileURLToPath(new URL(file, EXT));
    vm.runInContext(readFileSync(path, 'utf8'), context, { filename: path });
  }
  return context.pingcrmComposer;
}
