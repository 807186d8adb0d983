/**
 * How Recall's data reads in the editor: item facts, where an item opens, the status bar text and the
 * status report. Pure: no `vscode` import. What Insert puts in a document is the server's to say
 * (`recall.insert`, docs/protocol.md), as in every editor.
 */

import { Item, Status, StatusReport, Tiers } from './protocol';

/** `2024-06-25 · tweet · ●●○ related` (the number only where the server sent no relevance). */
export function facts(item: Pick<Item, 'date' | 'sourceLabel' | 'score' | 'relevance'>): string {
  const closeness = item.relevance ? `${marks(item.relevance.level)} ${item.relevance.label}` : score(item.score);
  return [item.date, item.sourceLabel, closeness].filter((f) => f).join(' · ');
}

export function score(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '';
}

/** The relevance level as three marks, filled per level: `●●○` for 2. */
export function marks(level: number): string {
  const filled = Math.max(0, Math.min(3, Math.round(level)));
  return '●'.repeat(filled) + '○'.repeat(3 - filled);
}

/** The number behind the label, for a tooltip: `similarity 0.43`. */
export function similarity(value: number): string {
  return Number.isFinite(value) ? `similarity ${score(value)}` : 'similarity';
}

/** Text on one line, cut to `limit` characters with an ellipsis. */
export function snippet(text: string, limit = 80): string {
  const flat = text.split(/\s+/).filter((w) => w).join(' ');
  return flat.length <= limit ? flat : flat.slice(0, limit - 1).trimEnd() + '…';
}

/** Where an item opens: its URL (tweets, posts), else its file at its line. */
export type Target = { kind: 'url'; url: string } | { kind: 'file'; file: string; line: number } | { kind: 'none' };

export function target(item: Pick<Item, 'url' | 'file' | 'line'>): Target {
  if (item.url) {
    return { kind: 'url', url: item.url };
  }
  // A member of a zip archive (`archive.zip!/data/tweets.js`) has no file to open.
  if (item.file && !item.file.includes('!/')) {
    return { kind: 'file', file: item.file, line: Math.max(1, item.line ?? 1) };
  }
  return { kind: 'none' };
}

/** How much of the backlog has vectors, as a whole percentage (0 for an empty one). */
export function meaningPercent(tiers: Tiers): number {
  const { embedded, total } = tiers.meaning;
  return total > 0 ? Math.max(0, Math.min(100, Math.floor((embedded * 100) / total))) : 0;
}

/** Searchable by keywords while the meaning tier still fills, the one state worth a word of its own. */
function keywordsOnly(status: Status | undefined): Tiers | undefined {
  const tiers = status?.tiers;
  return status?.state !== 'error' && tiers?.keywords.ready && !tiers.meaning.ready ? tiers : undefined;
}

/** The first words of every report of a server that did not start: the error message, the status bar
 * tooltip, the status view and the panel all say this, then the reason. */
export const START_FAILED = 'Recall could not start its server.';

/** Why a server program could not be run at all, from where its command came from. */
export function missingServerReason(launch: { command: string; origin: string }): string {
  return launch.origin === 'PATH'
    ? 'recall-ls is not on PATH: install it (see Install in the Recall README) or set recall.server.path.'
    : `${launch.command} does not exist or is not executable: check the recall.server.path setting.`;
}

/** Why a server that ran stopped before it answered `initialize`. */
export function exitedReason(command: string, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error ?? '');
  return `${command} stopped before it was ready${detail ? ` (${detail.replace(/\.$/, '')})` : ''}. The Recall log says why.`;
}

/** The error message shown when the server failed: `Recall could not start its server. <reason>` */
export function startFailureMessage(reason: string): string {
  return `${START_FAILED} ${reason}`;
}

/** The status view of a server that is not running: the start failure, when there was one. */
export function notRunningReport(commandLine: string, failure: string | undefined): string {
  const why = failure ? `**Recall: server failed**\n\n${startFailureMessage(failure)}` : 'The Recall server is not running.';
  return `# Recall status\n\n${why}\n\n| | |\n|---|---|\n| Server | ${cell(code(commandLine))} |\n\nSee the **Recall** output channel (Recall: Show Log); Recall: Restart Server tries again.\n`;
}

/** The status bar: `$(history) Recall 34`, `$(sync~spin) Recall 42%`, `… keywords ready, meaning 12%` */
export function statusBarText(status: Status | undefined, fragments: number | undefined, running: boolean, failure?: string): string {
  if (!running) {
    return failure ? '$(error) Recall: server failed' : '$(circle-slash) Recall';
  }
  const tiers = keywordsOnly(status);
  if (tiers) {
    return `$(sync~spin) Recall: keywords ready, meaning ${meaningPercent(tiers)}%`;
  }
  switch (status?.state) {
    case undefined:
    case 'starting':
      return '$(loading~spin) Recall';
    case 'loading-model':
      return '$(loading~spin) Recall: loading model';
    case 'indexing':
      return status.percent === null ? '$(sync~spin) Recall: indexing' : `$(sync~spin) Recall ${status.percent}%`;
    case 'error':
      return '$(error) Recall';
    case 'ready':
      return fragments === undefined ? '$(history) Recall' : `$(history) Recall ${fragments.toLocaleString('en-US')}`;
  }
}

export function statusBarTooltip(status: Status | undefined, fragments: number | undefined, running: boolean, failure?: string): string {
  if (!running) {
    return failure ? `${startFailureMessage(failure)}\nClick for status` : 'Recall: the server is not running. Click for details.';
  }
  const lines: string[] = [];
  switch (status?.state) {
    case 'loading-model':
      lines.push('Recall is loading its model');
      break;
    case 'indexing':
      lines.push(`Recall is indexing${status.message ? ': ' + status.message : ''}`);
      break;
    case 'error':
      lines.push(`Recall failed${status.message ? ': ' + status.message : ''}`);
      break;
    case 'ready':
      lines.push(fragments === undefined ? 'Recall is ready' : `Recall: ${plural(fragments, 'fragment')} of past writing`);
      break;
    default:
      lines.push('Recall is starting');
  }
  if (status?.tiers) {
    lines.push(...tierRows(status.tiers).map(([name, value]) => `${name}: ${value}`));
  }
  if (status && status.pending > 0) {
    lines.push(`${plural(status.pending, 'edit')} waiting to be indexed`);
  }
  lines.push('Click for status');
  return lines.join('\n');
}

/** Each search tier and how far it is: `['Keywords', 'ready (1,234 fragments)']`, `['Meaning', '12% (…)']`. */
export function tierRows(tiers: Tiers): [string, string][] {
  const { keywords, meaning } = tiers;
  return [
    ['Keywords', `${keywords.ready ? 'ready' : 'not ready'} (${plural(keywords.fragments, 'fragment')})`],
    [
      'Meaning',
      `${meaning.ready ? 'ready' : `${meaningPercent(tiers)}%`} (${meaning.embedded.toLocaleString('en-US')} of ${meaning.total.toLocaleString('en-US')} embedded)`,
    ],
  ];
}

export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** The `recall.status` result as a Markdown report. */
export function statusReport(report: StatusReport, serverCommand: string): string {
  const out: string[] = ['# Recall status', ''];
  const row = (name: string, value: unknown) => {
    if (value !== undefined && value !== null && value !== '') {
      out.push(`| ${name} | ${cell(String(value))} |`);
    }
  };
  out.push('| | |', '|---|---|');
  row('State', report.state + (report.message ? ` (${report.message})` : ''));
  row('Error', report.error);
  row('Fragments', report.fragments?.toLocaleString('en-US'));
  row('Searchable', report.searchable?.toLocaleString('en-US'));
  for (const [name, value] of report.tiers ? tierRows(report.tiers) : []) {
    row(name, value);
  }
  row('Hidden', report.hidden);
  row('Edits not yet indexed', report.pending);
  row('Open documents', report.openDocuments);
  if (report.model) {
    row('Model', `${report.model.name}${report.model.loaded ? '' : ' (not loaded)'}`);
    row('Model location', code(report.model.location));
  }
  row('Index', report.indexDir ? code(report.indexDir) : undefined);
  row('Server', code(serverCommand));
  row('Version', report.version);
  if (report.indexing) {
    row('Indexing', `${report.indexing.message} (${report.indexing.percent}%)`);
  }
  out.push('', '## Sources', '');
  const sources = report.sources ?? [];
  if (sources.length === 0) {
    out.push(
      report.configuredSources?.length
        ? 'None indexed yet: ' + report.configuredSources.map(code).join(', ')
        : 'None. Add archives and notes folders to the `recall.sources` setting.',
    );
  } else {
    out.push('| Source | Kind | Fragments | Indexed | Skipped |', '|---|---|---:|---|---|');
    for (const s of sources) {
      const skipped = Object.entries(s.lastRead?.skipped ?? {})
        .map(([why, n]) => `${n} ${why}`)
        .join(', ');
      const errors = s.lastRead?.errors?.length ? ` · ${plural(s.lastRead.errors.length, 'error')}` : '';
      out.push(
        `| ${cell(code(s.path))} | ${cell(s.kind)} | ${s.fragments} | ${cell((s.indexedAt ?? '').replace('T', ' ').slice(0, 16))} | ${cell(skipped + errors)} |`,
      );
    }
  }
  if (report.options && Object.keys(report.options).length) {
    out.push('', '## Options', '', '| Option | Value |', '|---|---|');
    for (const [key, value] of Object.entries(report.options)) {
      out.push(`| ${cell(key)} | ${cell(code(JSON.stringify(value)))} |`);
    }
  }
  return out.join('\n') + '\n';
}

function code(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Escapes text for HTML content and attribute values (the panel's and its threads' HTML). */
export function esc(text: string | null | undefined): string {
  return (text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
