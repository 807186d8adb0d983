/**
 * The Recall panel's content, as an HTML string built from plain data. It runs inside the webview
 * (bundled into dist/webview.js) and in the unit tests: no `vscode` and no DOM here. An item's text
 * is left out: its span is filled with DOM nodes (`highlightNodes`), so that the matched words can
 * be marked without past writing ever being parsed as HTML.
 */

import { DateKey, FilterChange, FilterControls } from './filters';
import { esc, score, similarity, snippet, startFailureMessage } from './format';
import { ActiveFilters, Idle, InsertAs, InsertFormat, Item, Status } from './protocol';
import { ExpandedThreads, threadPosts, threadToggle } from './threadView';

export { esc };

export interface PanelState {
  /** Whether the language server runs. */
  server: 'starting' | 'running' | 'stopped';
  /** Why the server failed to start (the reason its error message gave), while stopped. */
  failure?: string;
  status?: Status;
  /** What the list is about. */
  context:
    | { kind: 'no-editor' }
    | { kind: 'blank'; document: string }
    | { kind: 'paragraph'; document: string; line: number };
  items: Item[];
  insertFormat: InsertFormat;
  /** Threads expanded in place under their items (threadView.ts). */
  threads?: ExpandedThreads;
  /** What the server says narrows the list (its `filters`); absent when nothing does. */
  filters?: ActiveFilters;
  /** The filter controls: the kinds to toggle and the filter settings in effect. */
  filterControls?: FilterControls;
  /** The items are forgotten gems for a blank paragraph (the server's `idle`), not related writing. */
  idle?: Idle;
}

/** Messages from the webview to the extension. */
export type PanelAction =
  | { action: 'open'; id: string }
  | { action: 'insert'; id: string; format: InsertAs }
  | { action: 'hide'; id: string }
  | { action: 'thread'; id: string }
  | { action: 'restart' }
  | { action: 'log' }
  | { action: 'search' }
  | { action: 'filter'; change: FilterChange }
  | { action: 'ready' };

const FORMAT_LABELS: Record<InsertAs, string> = { text: 'Insert', quote: 'Quote', link: 'Link', thread: 'Thread' };
const FORMAT_TITLES: Record<InsertAs, string> = {
  text: 'Insert the text at the cursor',
  quote: 'Insert as a Markdown quote with its date and source',
  link: 'Insert a Markdown link to it',
  thread: 'Insert the whole thread, each post a paragraph, with the link to its first post',
};

export function renderPanel(state: PanelState): string {
  const listed = state.server !== 'stopped' && state.items.length > 0;
  return [progress(state), header(state), filterBar(state), listed ? list(state) : empty(state)].join('');
}

function progress(state: PanelState): string {
  const status = state.status;
  if (state.server !== 'running' || !status || (status.state !== 'indexing' && status.state !== 'loading-model')) {
    return '';
  }
  const keywords = status.tiers?.keywords.ready ? ' Keyword search is ready.' : '';
  const label = status.state === 'loading-model' ? `Loading the model…${keywords}` : `Indexing${status.message ? ': ' + status.message : '…'}`;
  const percent = status.state === 'indexing' && status.percent !== null ? Math.max(0, Math.min(100, status.percent)) : null;
  const bar =
    percent === null
      ? '<div class="bar indeterminate"><div></div></div>'
      : `<div class="bar" role="progressbar" aria-valuemin="0" aria-valuemax="100" aria-valuenow="${percent}"><div style="width:${percent}%"></div></div>`;
  return `<section class="progress" aria-live="polite"><div class="progress-label">${esc(label)}${
    percent === null ? '' : ` <span class="percent">${percent}%</span>`
  }</div>${bar}</section>`;
}

function header(state: PanelState): string {
  return paragraphHeader(state) + filtersHeader(state);
}

function paragraphHeader(state: PanelState): string {
  const c = state.context;
  if (c.kind !== 'paragraph' || state.server !== 'running') {
    return idleHeader(state);
  }
  const count = state.items.length ? `${state.items.length} related to` : 'Related to';
  return `<div class="context">${count} the paragraph at <span class="where">${esc(c.document)}:${c.line}</span></div>`;
}

/** The filters in effect, in the server's words, and a way to clear them. */
export function filtersHeader(state: PanelState): string {
  if (!state.filters || state.server !== 'running') {
    return '';
  }
  return (
    `<div class="context filtered">Filtered: <span class="filters-label">${esc(state.filters.label)}</span>` +
    `<button class="link" data-action="clear-filters" title="Show every kind of writing, from any date">Clear</button></div>`
  );
}

/** The filter controls, folded: a toggle per kind, a date range, and Clear. */
export function filterBar(state: PanelState): string {
  const controls = state.filterControls;
  if (!controls || controls.choices.length === 0 || state.server === 'stopped') {
    return '';
  }
  const chosen = new Set(controls.settings.kinds);
  const toggles = controls.choices
    .map(
      (c) =>
        `<label class="kind" title="${esc(c.description)}"><input type="checkbox" data-action="kind" data-id="${esc(c.kind)}"` +
        `${chosen.has(c.kind) ? ' checked' : ''}>${esc(c.kind)}</label>`,
    )
    .join('');
  const date = (key: DateKey, label: string) =>
    `<label class="date">${label} <input type="text" data-action="date" data-id="${key}" value="${esc(controls.settings[key])}" ` +
    `placeholder="YYYY-MM-DD" size="10" title="${label} this date (YYYY, YYYY-MM or YYYY-MM-DD); empty: no limit"></label>`;
  return (
    `<details class="filter-bar"><summary>Filters</summary><div class="kinds" role="group" aria-label="Kinds of writing">${toggles}</div>` +
    `<div class="dates">${date('since', 'Since')}${date('until', 'Until')}` +
    `<button class="action" data-action="clear-filters">Clear filters</button></div></details>`
  );
}

/** Over forgotten gems on a blank line, what they are: the server's words (`On this day, 2019-2023`). */
function idleHeader(state: PanelState): string {
  if (state.context.kind !== 'blank' || state.server !== 'running' || !state.idle) {
    return '';
  }
  return `<div class="context idle">${esc(state.idle.label)}</div>`;
}

function list(state: PanelState): string {
  const rows = state.items.map((item) => row(item, state.insertFormat, state.threads)).join('');
  return `<ul class="items" aria-label="Related past writing">${rows}</ul>`;
}

function row(item: Item, insertFormat: InsertFormat, threads?: ExpandedThreads): string {
  const id = esc(item.id);
  const opens = item.url ? `Open ${item.kind === 'tweet' ? 'the tweet' : 'the post'} in the browser` : `Open ${item.sourceLabel}${item.line ? ' at line ' + item.line : ''}`;
  const formats: InsertAs[] = [insertFormat, ...(['text', 'quote', 'link'] as InsertFormat[]).filter((f) => f !== insertFormat)];
  if (item.thread && item.thread.length > 1) {
    formats.push('thread');
  }
  const buttons = formats
    .map(
      (f, i) =>
        `<button class="action${i === 0 ? ' primary' : ''}" data-action="insert" data-format="${f}" data-id="${id}" title="${esc(FORMAT_TITLES[f])}">${FORMAT_LABELS[f]}</button>`,
    )
    .join('');
  return (
    `<li class="item kind-${esc(item.kind)}" data-id="${id}">` +
    `<button class="open" data-action="open" data-id="${id}" title="${esc(opens)}">` +
    (item.title && item.kind === 'note' ? `<span class="title">${esc(item.title)}</span>` : '') +
    `<span class="text"></span></button>` +
    `<div class="meta"><span class="date">${esc(item.date)}</span>` +
    `<span class="source">${esc(item.sourceLabel)}</span>` +
    closeness(item) +
    (item.duplicates ? `<span class="similar" title="near-identical fragments folded into this one">+${item.duplicates} similar</span>` : '') +
    `</div>` +
    `<div class="actions">${buttons}${threadToggle(item, threads)}<button class="action hide" data-action="hide" data-id="${id}" title="Never show this again">Hide</button></div>` +
    threadPosts(item, threads, insertFormat) +
    `</li>`
  );
}

/** The relevance as a 3-step bar and its label, the number and what made it (`why`) in the tooltip;
 * a server without `relevance` gets the number, as before. */
export function closeness(item: Pick<Item, 'score' | 'relevance' | 'why'>): string {
  const title = esc(item.why ? `score ${score(item.score)}: ${item.why}` : similarity(item.score));
  const r = item.relevance;
  if (!r) {
    return `<span class="score" title="${title}">${esc(score(item.score))}</span>`;
  }
  const level = Math.max(0, Math.min(3, Math.round(r.level)));
  const pips = [1, 2, 3].map((n) => `<i class="pip${n <= level ? ' on' : ''}"></i>`).join('');
  return (
    `<span class="relevance level-${level}" title="${title}">` +
    `<span class="pips" role="img" aria-label="${level} of 3">${pips}</span>` +
    `<span class="label">${esc(r.label)}</span></span>`
  );
}

/** The part of an item's text the panel shows. */
export function rowText(item: Item): string {
  return snippet(item.text, 280);
}

function empty(state: PanelState): string {
  const status = state.status;
  let title = 'Nothing related yet';
  let body: string;
  let actions = '';
  if (state.server === 'stopped') {
    title = 'Recall is not running';
    body = state.failure
      ? esc(startFailureMessage(state.failure))
      : 'Its language server stopped or could not start. The log says why; the <code>recall.server.path</code> setting says which program runs.';
    actions = '<button class="action primary" data-action="restart">Restart server</button><button class="action" data-action="log">Show log</button>';
  } else if (status?.state === 'error') {
    title = 'Recall cannot search';
    body = esc(status.message || 'The index could not be opened.') + ' The log says more.';
    actions = '<button class="action" data-action="log">Show log</button>';
  } else if (state.context.kind === 'no-editor') {
    body = 'Open a Markdown file and write: what you wrote before about the same thing shows here.';
    actions = '<button class="action" data-action="search">Search past writing</button>';
  } else if (state.server === 'starting' || !status || status.state === 'starting' || status.state === 'loading-model') {
    body = 'Recall is starting. Past writing related to the paragraph you are writing will show here.';
  } else if (state.context.kind === 'blank') {
    body = 'Write a few words, or move the cursor into a paragraph: related tweets and notes show here.';
  } else {
    body = 'None of your past writing is close to this paragraph yet. Keep writing.';
    body += state.filters ? ` The filters leave out the rest (${esc(state.filters.label)}).` : '';
  }
  return `<div class="empty"><p class="empty-title">${esc(title)}</p><p>${body}</p>${actions ? `<div class="actions">${actions}</div>` : ''}</div>`;
}
