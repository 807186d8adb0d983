/**
 * Typed settings: what the client itself needs (how to start the server) and what it hands the
 * server (every key of docs/configuration.md), with `${workspaceFolder}`-style variables expanded.
 *
 * Pure: settings are read through a `get` function, so the unit tests need no VS Code.
 */

import * as path from 'node:path';
import { InsertFormat, INSERT_FORMATS, Ranking, RANKINGS } from './protocol';

/** Reads one key of the `recall` section (undefined when unset and without a default). */
export type Get = (key: string) => unknown;

/** Values for `${...}` variables. */
export interface Variables {
  /** The folder the server serves (the first workspace folder). */
  workspaceFolder?: string;
  /** Every workspace folder by name, for `${workspaceFolder:name}`. */
  workspaceFolders?: Record<string, string>;
  home?: string;
  env?: Record<string, string | undefined>;
}

/** Everything the server reads (docs/configuration.md), in its camelCase names. */
export interface ServerSettings {
  sources: string[];
  indexDir: string;
  model: string;
  device: string;
  topK: number;
  minScore: number;
  ranking: Ranking;
  includeReplies: boolean;
  includeRetweets: boolean;
  includeLikes: boolean;
  includeDeleted: boolean;
  includePrivate: boolean;
  exclude: string[];
  maxFileBytes: number;
  debounceMs: number;
  insertFormat: InsertFormat;
  codeLens: boolean;
  codeLensMinWords: number;
}

/** The server's defaults, used when a value is missing or of the wrong type. */
export const SERVER_DEFAULTS: Readonly<ServerSettings> = Object.freeze({
  sources: [],
  indexDir: '',
  model: '',
  device: 'auto',
  topK: 8,
  minScore: 0.3,
  ranking: 'hybrid',
  includeReplies: true,
  includeRetweets: false,
  includeLikes: false,
  includeDeleted: false,
  includePrivate: false,
  exclude: [],
  maxFileBytes: 2_000_000,
  debounceMs: 250,
  insertFormat: 'text',
  codeLens: true,
  codeLensMinWords: 5,
});

export const SERVER_KEYS = Object.keys(SERVER_DEFAULTS) as (keyof ServerSettings)[];

/** Settings only the client reads; changing the first two restarts the server. */
export const CLIENT_KEYS = { serverPath: 'server.path', plaintext: 'plaintext', trace: 'trace.server' } as const;
export const RESTART_KEYS = [CLIENT_KEYS.serverPath, CLIENT_KEYS.plaintext];

/** Expands `${workspaceFolder}`, `${workspaceFolder:name}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export function substitute(value: string, vars: Variables): string {
  let out = value.replace(/\$\{([^}]+)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder') {
      return vars.workspaceFolder ?? whole;
    }
    if (name.startsWith('workspaceFolder:')) {
      return vars.workspaceFolders?.[name.slice('workspaceFolder:'.length)] ?? whole;
    }
    if (name === 'userHome') {
      return vars.home ?? whole;
    }
    if (name.startsWith('env:')) {
      return vars.env?.[name.slice(4)] ?? '';
    }
    return whole;
  });
  if (vars.home && (out === '~' || out.startsWith('~/'))) {
    out = vars.home + out.slice(1);
  }
  return out;
}

/** The settings to send the server: typed, defaulted, with variables expanded in paths. */
export function serverSettings(get: Get, vars: Variables): ServerSettings {
  const d = SERVER_DEFAULTS;
  const str = (key: keyof ServerSettings, fallback: string) => {
    const value = get(key);
    return typeof value === 'string' ? value : fallback;
  };
  const num = (key: keyof ServerSettings, fallback: number) => {
    const value = get(key);
    return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
  };
  const bool = (key: keyof ServerSettings, fallback: boolean) => {
    const value = get(key);
    return typeof value === 'boolean' ? value : fallback;
  };
  const list = (key: keyof ServerSettings) => {
    const value = get(key);
    const items = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
    return items.filter((item): item is string => typeof item === 'string' && item.trim() !== '');
  };
  const format = get('insertFormat');
  const ranking = get('ranking');
  return {
    sources: list('sources').map((s) => substitute(s, vars)),
    indexDir: substitute(str('indexDir', d.indexDir), vars),
    model: substitute(str('model', d.model), vars),
    device: str('device', d.device),
    topK: num('topK', d.topK),
    minScore: num('minScore', d.minScore),
    ranking: RANKINGS.includes(ranking as Ranking) ? (ranking as Ranking) : d.ranking,
    includeReplies: bool('includeReplies', d.includeReplies),
    includeRetweets: bool('includeRetweets', d.includeRetweets),
    includeLikes: bool('includeLikes', d.includeLikes),
    includeDeleted: bool('includeDeleted', d.includeDeleted),
    includePrivate: bool('includePrivate', d.includePrivate),
    exclude: list('exclude'),
    maxFileBytes: num('maxFileBytes', d.maxFileBytes),
    debounceMs: num('debounceMs', d.debounceMs),
    insertFormat: INSERT_FORMATS.includes(format as InsertFormat) ? (format as InsertFormat) : d.insertFormat,
    codeLens: bool('codeLens', d.codeLens),
    codeLensMinWords: num('codeLensMinWords', d.codeLensMinWords),
  };
}

export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from, for the log. */
  origin: 'setting' | 'workspace .venv' | 'PATH';
}

/**
 * The program to start: `recall.server.path` when set; else the workspace's own virtual
 * environment (`.venv/bin/recall-ls`, `.venv\Scripts\recall-ls.exe`) when it exists; else
 * `recall-ls` on PATH.
 */
export function serverCommand(
  configured: unknown,
  vars: Variables,
  exists: (file: string) => boolean,
  platform: string = process.platform,
): ServerCommand {
  const args = ['serve'];
  if (typeof configured === 'string' && configured.trim() !== '') {
    return { command: substitute(configured.trim(), vars), args, origin: 'setting' };
  }
  if (vars.workspaceFolder) {
    const join = platform === 'win32' ? path.win32.join : path.posix.join;
    const venv =
      platform === 'win32'
        ? join(vars.workspaceFolder, '.venv', 'Scripts', 'recall-ls.exe')
        : join(vars.workspaceFolder, '.venv', 'bin', 'recall-ls');
    if (exists(venv)) {
      return { command: venv, args, origin: 'workspace .venv' };
    }
  }
  return { command: 'recall-ls', args, origin: 'PATH' };
}

/**
 * Where a command resolves: itself when it names a path, else the first match on PATH; undefined
 * when there is none (so the client can say so, rather than fail to spawn).
 */
export function findExecutable(
  command: string,
  envPath: string | undefined,
  isExecutable: (file: string) => boolean,
  platform: string = process.platform,
): string | undefined {
  const p = platform === 'win32' ? path.win32 : path.posix;
  if (command.includes('/') || (platform === 'win32' && command.includes('\\'))) {
    return isExecutable(command) ? command : undefined;
  }
  const extensions = platform === 'win32' ? ['', '.exe', '.cmd', '.bat'] : [''];
  for (const dir of (envPath ?? '').split(platform === 'win32' ? ';' : ':')) {
    for (const extension of dir ? extensions : []) {
      const candidate = p.join(dir, command + extension);
      if (isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

/** The languages Recall serves. */
export function languages(plaintext: unknown): string[] {
  return plaintext === true ? ['markdown', 'plaintext'] : ['markdown'];
}
