/**
 * Settings: what the client itself needs (how to start the server) and the `recall` section it hands
 * the server as the user wrote it. The server alone judges those values (docs/configuration.md) and
 * says what is wrong with one; the client only expands `${workspaceFolder}`-style variables, which
 * only it knows.
 *
 * Pure: the unit tests need no VS Code.
 */

import * as path from 'node:path';
import { InsertFormat, INSERT_FORMATS } from './protocol';

/** Values for `${...}` variables. */
export interface Variables {
  /** The folder the server serves (the first workspace folder). */
  workspaceFolder?: string;
  /** Every workspace folder by name, for `${workspaceFolder:name}`. */
  workspaceFolders?: Record<string, string>;
  home?: string;
  env?: Record<string, string | undefined>;
}

/** The `recall` section as the server gets it (camelCase keys, values as the user wrote them). */
export type ServerSettings = Record<string, unknown>;

/** Settings only the client reads; changing the first two restarts the server. */
export const CLIENT_KEYS = { serverPath: 'server.path', plaintext: 'plaintext', trace: 'trace.server' } as const;
export const RESTART_KEYS = [CLIENT_KEYS.serverPath, CLIENT_KEYS.plaintext];
/** The top-level names of the client's keys in the section (`server` of `server.path`). */
const CLIENT_SECTIONS = new Set<string>(Object.values(CLIENT_KEYS).map((key) => key.split('.')[0]));

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

/**
 * The settings to send the server: the `recall` section less the client's own keys, every value
 * passed through (a wrongly typed one too: the server names it and uses its default), with variables
 * expanded in strings and in lists of strings.
 */
export function serverSettings(section: unknown, vars: Variables): ServerSettings {
  const out: ServerSettings = {};
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    return out;
  }
  const expand = (value: unknown) => (typeof value === 'string' ? substitute(value, vars) : value);
  for (const [key, value] of Object.entries(section)) {
    if (!CLIENT_SECTIONS.has(key)) {
      out[key] = Array.isArray(value) ? value.map(expand) : expand(value);
    }
  }
  return out;
}

/** The insert format the panel offers first: the setting when it is one, else the first (the
 * server reports the bad value and inserts its default). */
export function preferredInsertFormat(settings: ServerSettings): InsertFormat {
  const value = settings.insertFormat;
  return INSERT_FORMATS.includes(value as InsertFormat) ? (value as InsertFormat) : INSERT_FORMATS[0];
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
