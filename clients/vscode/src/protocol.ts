/**
 * Recall's own LSP messages and commands (docs/protocol.md), as TypeScript types: the client's side
 * of the server's `recall_ls/lsp/wire.py`, field for field (camelCase, as LSP's own fields).
 * Pure: no `vscode` import, so the unit tests can use it.
 */

export const RELATED = 'recall/related';
export const STATUS = 'recall/status';

/** Server commands, sent with `workspace/executeCommand`. */
export const Commands = {
  status: 'recall.status',
  reindex: 'recall.reindex',
  search: 'recall.search',
  hide: 'recall.hide',
  unhide: 'recall.unhide',
  hidden: 'recall.hidden',
  thread: 'recall.thread',
  insert: 'recall.insert',
  showRelated: 'recall.showRelated',
} as const;

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** One fragment of past writing, as the server sends it. */
export interface Item {
  id: string;
  score: number;
  text: string;
  kind: string; // tweet | mastodon | note | like | thread
  source: string;
  location: string;
  url: string | null;
  createdAt: string | null;
  title: string | null;
  file: string;
  line: number | null; // 1-based
  snippet: string;
  date: string;
  sourceLabel: string;
  /** The fragment's own words that matched the query's words; empty for a match by meaning only. */
  matched?: string[];
  /** How close it reads, set by the server from `score` (absent from servers before it). */
  relevance?: Relevance;
  /** What made the score, for people: `0.57 meaning · +0.04 words · +0.03 recent` (absent from servers before it). */
  why?: string;
  /** How many near-identical fragments were folded into this one (absent from servers before it). */
  duplicates?: number;
  /** Its self-thread, for a post of one or a whole one (`sourceLabel` reads `thread · 3 of 7`). */
  thread?: ThreadPlace | null;
}

/** Where a post stands in its self-thread; `position` 0 is the whole thread (docs/protocol.md Items). */
export interface ThreadPlace {
  id: string;
  position: number;
  length: number;
  first: { id: string; snippet: string; url: string | null };
}

/** The result of `recall.thread`: the whole thread in order (docs/protocol.md Thread); `id` null when
 * the item is in no thread (`posts` is then it alone). */
export interface ThreadPosts {
  id: string | null;
  length: number;
  posts: Item[];
  gaps: number;
  hidden: number;
}

/** 3 `close`, 2 `related`, 1 `loose` (the server's thresholds, docs/protocol.md Items); 0 for a
 * forgotten gem, which nothing was asked of: its label is its age, `6 years ago`. */
export interface Relevance {
  level: 0 | 1 | 2 | 3;
  label: string;
}

/** The `recall/related` notification, and the `recall.showRelated` lens argument. */
export interface Related extends RelatedResult {
  uri: string;
}

/** The result of the `recall/related` request. */
export interface RelatedResult {
  range: Range | null;
  items: Item[];
  /** What the settings `kinds`, `since` and `until` narrow the list to; absent when they do not. */
  filters?: ActiveFilters;
  /** Present when the items are forgotten gems for a blank paragraph (the `idle` setting). */
  idle?: Idle;
}

/** The `filters` of `recall/related`: `kinds` null when all but likes are kept; `label` is what the
 * panel header shows (built by the server, so both editors say the same). */
export interface ActiveFilters {
  kinds: string[] | null;
  since: string | null;
  until: string | null;
  label: string;
}

/** The `idle` of `recall/related`: `label` is the panel header's words, `On this day, 2019-2023`. */
export interface Idle {
  mode: 'onThisDay' | 'random';
  label: string;
}

export type State = 'starting' | 'loading-model' | 'indexing' | 'ready' | 'error';

/** How far each search tier is: keywords are complete once a source is read, meaning once embedded. */
export interface Tiers {
  keywords: { ready: boolean; fragments: number };
  meaning: { ready: boolean; embedded: number; total: number };
}

/** The `recall/status` notification. */
export interface Status {
  state: State;
  message: string;
  percent: number | null;
  revision: number;
  pending: number;
  /** Absent from servers before the keyword tier. */
  tiers?: Tiers;
}

export interface SourceReport {
  path: string;
  kind: string;
  fragments: number;
  indexedAt?: string | null;
  lastRead?: {
    skipped?: Record<string, number>;
    skippedFiles?: unknown[];
    errors?: unknown[];
  };
}

/** The result of the `recall.status` command (the fields the client reads; the server may add more). */
export interface StatusReport extends Partial<Status> {
  error?: string | null;
  fragments?: number;
  searchable?: number;
  hidden?: number;
  sources?: SourceReport[];
  configuredSources?: string[];
  model?: { name: string; location: string; loaded: boolean };
  indexDir?: string;
  indexing?: { stage: string; done: number; total: number; percent: number; message: string } | null;
  openDocuments?: number;
  options?: Record<string, unknown>;
  version?: string;
}

/** One of `recall.hidden`'s results: an item (score 0) with when it was hidden, or only its id and
 * `text: null` when the index no longer holds it. */
export type HiddenItem = (Item & { hiddenAt: string }) | { id: string; text: null; hiddenAt: string };

export type InsertFormat = 'text' | 'quote' | 'link';
export const INSERT_FORMATS: readonly InsertFormat[] = ['text', 'quote', 'link'];
/** What `recall.insert` can insert: an `insertFormat`, or `thread`, the item's whole self-thread. */
export type InsertAs = InsertFormat | 'thread';

/** The argument of `recall.insert`: the server formats the item and places it at `position`, or in
 * place of a non-empty `range` (docs/protocol.md, Insert). */
export interface InsertSpec {
  uri: string;
  position: Position;
  id: string;
  format?: InsertAs;
  range?: Range;
}

/** The result of `recall.insert`: whether the client applied the edit the server sent, and that edit
 * (absent from servers before it). */
export interface InsertResult {
  applied: boolean;
  edit?: { range: Range; newText: string };
}
