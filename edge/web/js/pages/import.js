// Contacts → Import: upload Connections.csv or messages.csv from LinkedIn's data
// export (file picker or drag and drop), watch the upload and then the import
// progress, and read the summary with the first rows that were not imported.
//
// POST /api/v1/contacts/import answers 202 {job_id, kind}; the import runs in
// the background and GET /api/v1/contacts/import/{job_id} reports it. Coming
// back to the page while an import runs picks it up again from the list of
// latest imports.

import { ApiError, describeError, sentence, upload } from '../api.js';
import { el, replace, timeEl } from '../dom.js';

export const MAX_FILE_BYTES = 200 * 1024 * 1024; // the server's limit (413 beyond)
const POLL_MS = 500;
const NUMBER = new Intl.NumberFormat();

const KIND_LABEL = { connections: 'Connections', messages: 'Messages' };
const SOURCE_OF_KIND = { connections: 'connections_import', messages: 'messages_import' };

function count(n, one, many) {
  return `${NUMBER.format(n)} ${n === 1 ? one : many}`;
}

function megabytes(bytes) {
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** The summary's figures, in the words of the file's kind. */
export function summaryLine(job) {
  if (job.kind === 'messages') {
    return [
      count(job.created, 'message added', 'messages added'),
      count(job.contacts_created, 'new contact', 'new contacts'),
      `${NUMBER.format(job.skipped)} skipped`,
    ].join(' · ');
  }
  return [
    count(job.created, 'contact created', 'contacts created'),
    `${NUMBER.format(job.updated)} updated`,
    `${NUMBER.format(job.skipped)} skipped`,
  ].join(' · ');
}

/** What a refused upload means for the person who chose the file. */
export function uploadErrorMessage(error) {
  if (!(error instanceof ApiError)) return describeError(error);
  if (error.status === 413) return 'This file is larger than 200 MB, the most PingCRM imports at once.';
  if (error.code === 'not_a_linkedin_export') {
    return 'This is not a file of LinkedIn’s data export. Choose Connections.csv or messages.csv from the archive LinkedIn sends you.';
  }
  if (error.code === 'empty_file') return 'This file is empty.';
  if (error.code === 'too_many_imports') return 'Three imports are still running. Try again when one has finished.';
  return describeError(error);
}

/** Whether the file starts with a UTF-16 byte-order mark (a spreadsheet's "Unicode Text"): the import refuses it. */
async function isUtf16(file) {
  const [first, second] = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  return (first === 0xff && second === 0xfe) || (first === 0xfe && second === 0xff);
}

function progressBar(id) {
  const fill = el('div', { className: 'progress-fill' });
  const bar = el(
    'div',
    { id, className: 'progress', role: 'progressbar', 'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0' },
    fill,
  );
  return {
    bar,
    set(fraction) {
      const percent = Math.max(0, Math.min(100, Math.round(fraction * 100)));
      fill.style.width = `${percent}%`;
      bar.setAttribute('aria-valuenow', String(percent));
    },
    indeterminate(on) {
      bar.classList.toggle('indeterminate', on);
    },
  };
}

export function render(container, { api, signal }) {
  const input = el('input', { id: 'import-file', type: 'file', accept: '.csv,text/csv', className: 'visually-hidden' });
  const dropTitle = el('span', { className: 'drop-title' }, 'Drop Connections.csv or messages.csv here');
  const dropZone = el(
    'label',
    { id: 'import-drop', className: 'drop-zone', for: 'import-file' },
    dropTitle,
    el('span', { className: 'muted' }, 'or ', el('span', { className: 'link-like' }, 'choose a file'), ' · up to 200 MB'),
  );
  const pickError = el('p', { id: 'import-error', className: 'error', role: 'alert', hidden: true });
  const picker = el('div', { id: 'import-picker' }, pickError, dropZone, input);

  const status = el('div', { id: 'import-status', 'aria-live': 'polite' });
  const recentList = el('div', { id: 'import-recent' });
  let busy = false;

  function showPickError(message) {
    pickError.textContent = message ?? '';
    pickError.hidden = !message;
  }

  function setBusy(on) {
    busy = on;
    input.disabled = on;
    dropZone.classList.toggle('disabled', on);
    dropZone.setAttribute('aria-disabled', on ? 'true' : 'false');
  }

  // ---- one import, from upload to summary
  async function start(file) {
    if (busy || !file) return;
    showPickError(null);
    if (!/\.csv$/i.test(file.name)) {
      showPickError('Choose a .csv file: Connections.csv or messages.csv from LinkedIn’s data export.');
      return;
    }
    if (file.size > MAX_FILE_BYTES) {
      showPickError(`This file is ${megabytes(file.size)}; PingCRM imports files up to 200 MB.`);
      return;
    }
    setBusy(true); // a file dropped while this one is read is ignored, as during the upload
    if (await isUtf16(file)) {
      showPickError(
        'This file was saved as Unicode text. Use the file from LinkedIn’s archive, or save it again as “CSV UTF-8”.',
      );
      setBusy(false);
      return;
    }
    const progress = progressBar('import-progress');
    const label = el('p', { id: 'import-progress-label', className: 'progress-label' }, `Uploading ${file.name}…`);
    replace(status, el('section', { className: 'card import-card' }, el('h2', {}, file.name), progress.bar, label));
    try {
      const accepted = await upload('/api/v1/contacts/import', file, {
        signal,
        onProgress(sent, total) {
          progress.set(sent / total);
          label.textContent = `Uploading ${file.name}… ${Math.round((100 * sent) / total)} %`;
        },
      });
      if (signal.aborted) return;
      await follow(accepted.job_id, file.name);
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      replace(status);
      showPickError(uploadErrorMessage(err));
      setBusy(false);
    }
  }

  async function follow(jobId, name) {
    setBusy(true);
    const progress = progressBar('import-progress');
    const label = el('p', { id: 'import-progress-label', className: 'progress-label' }, 'Waiting to start…');
    progress.indeterminate(true);
    replace(status, el('section', { className: 'card import-card' }, el('h2', {}, name), progress.bar, label));
    for (;;) {
      let job;
      try {
        job = await api(`/api/v1/contacts/import/${encodeURIComponent(jobId)}`, { signal });
      } catch (err) {
        if (signal.aborted || err?.name === 'AbortError') return;
        label.textContent = `${describeError(err)} Still trying…`;
        await pause(POLL_MS * 4);
        continue;
      }
      if (signal.aborted) return;
      if (job.state === 'done' || job.state === 'failed') {
        progress.indeterminate(false);
        progress.set(1);
        showSummary(job);
        setBusy(false);
        loadRecent();
        return;
      }
      if (job.state === 'running' && job.processed > 0 && job.total > 0) {
        progress.indeterminate(false);
        progress.set(job.processed / job.total);
        label.textContent = `Importing ${KIND_LABEL[job.kind].toLowerCase()}… ${NUMBER.format(job.processed)} of ${NUMBER.format(job.total)} rows`;
      } else if (job.state === 'running') {
        label.textContent = `Importing ${KIND_LABEL[job.kind].toLowerCase()}…`;
      }
      await pause(POLL_MS);
    }
  }

  function pause(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  function showSummary(job) {
    const done = job.state === 'done';
    const more = job.error_count - job.errors.length;
    replace(
      status,
      el(
        'section',
        { id: 'import-summary', className: 'card import-card', dataset: { state: job.state } },
        el('h2', {}, done ? `Imported ${job.filename}` : `The import of ${job.filename} stopped`),
        done
          ? el('p', { id: 'import-counts', className: 'summary-counts' }, summaryLine(job))
          : el('p', { className: 'error', role: 'alert' }, sentence(job.reason) || 'The import stopped.'),
        !done && job.processed > 0 ? el('p', { className: 'muted' }, `Before it stopped: ${summaryLine(job)}.`) : null,
        job.errors.length
          ? el(
              'div',
              { className: 'import-errors' },
              el('h3', {}, `${count(job.error_count, 'row', 'rows')} not imported as written`),
              el(
                'ul',
                { id: 'import-error-list' },
                job.errors.map((error) =>
                  el('li', {}, el('span', { className: 'line' }, `Line ${NUMBER.format(error.line)}`), error.reason),
                ),
              ),
              more > 0 ? el('p', { className: 'muted' }, `…and ${NUMBER.format(more)} more (the first 100 are listed).`) : null,
            )
          : null,
        el(
          'div',
          { className: 'actions start' },
          job.created + job.updated > 0
            ? el(
                'a',
                { id: 'import-show-contacts', className: 'button', href: `#/contacts?source=${SOURCE_OF_KIND[job.kind]}` },
                'Show imported contacts',
              )
            : null,
          el('button', { type: 'button', className: 'secondary', onClick: () => replace(status) }, 'Import another file'),
        ),
      ),
    );
  }

  // ---- the latest imports
  function recentRow(job) {
    return el(
      'li',
      { dataset: { state: job.state } },
      el('strong', {}, job.filename || KIND_LABEL[job.kind]),
      el('span', { className: 'muted' }, ` · ${KIND_LABEL[job.kind]} · `),
      job.created_at ? timeEl(job.created_at, { className: 'muted' }) : null,
      el(
        'span',
        { className: `state state-${job.state}` },
        job.state === 'done' ? summaryLine(job) : job.state === 'failed' ? 'stopped' : job.state === 'queued' ? 'waiting' : 'importing…',
      ),
    );
  }

  async function loadRecent({ resume = false } = {}) {
    try {
      const { items } = await api('/api/v1/contacts/import', { signal });
      if (signal.aborted) return;
      replace(
        recentList,
        items.length
          ? [el('h2', {}, 'Latest imports'), el('ul', { className: 'card recent-imports' }, items.map(recentRow))]
          : null,
      );
      const unfinished = items.find((job) => job.state === 'queued' || job.state === 'running');
      if (resume && unfinished && !busy) follow(unfinished.job_id, unfinished.filename);
    } catch (err) {
      if (signal.aborted || err?.name === 'AbortError') return;
      if (!(err instanceof ApiError && err.status === 401)) {
        replace(recentList, el('p', { className: 'muted' }, `Latest imports could not be loaded: ${describeError(err)}`));
      }
    }
  }

  // ---- picking a file
  input.addEventListener('change', () => {
    const [file] = input.files;
    input.value = '';
    start(file);
  });
  function highlight(on) {
    dropZone.classList.toggle('over', on);
    dropTitle.textContent = on ? 'Release to import this file' : 'Drop Connections.csv or messages.csv here';
  }
  for (const type of ['dragenter', 'dragover']) {
    dropZone.addEventListener(type, (event) => {
      event.preventDefault();
      if (!busy) highlight(true);
    });
  }
  dropZone.addEventListener('dragleave', () => highlight(false));
  dropZone.addEventListener('drop', (event) => {
    event.preventDefault();
    highlight(false);
    if (!busy) start(event.dataTransfer?.files?.[0]);
  });

  container.append(
    el(
      'div',
      { className: 'page-header' },
      el('p', { className: 'crumbs' }, el('a', { href: '#/contacts' }, 'Contacts'), ' / Import'),
      el('h1', {}, 'Import from LinkedIn'),
      el(
        'p',
        { className: 'muted' },
        'Bring in everyone you are connected with, and your whole message history, from LinkedIn’s data export. ',
        'Importing a file again, or a newer export, adds only what is new.',
      ),
    ),
    el(
      'section',
      { className: 'card' },
      el('h2', {}, 'Your LinkedIn data export'),
      el(
        'ol',
        { className: 'steps' },
        el('li', {}, 'On LinkedIn, open Settings → Data privacy → Get a copy of your data.'),
        el('li', {}, 'Ask for Connections and Messages; LinkedIn emails you a link to a .zip archive.'),
        el('li', {}, 'Unzip it and drop Connections.csv or messages.csv below, one at a time.'),
      ),
      picker,
    ),
    status,
    recentList,
  );
  loadRecent({ resume: true });
}
