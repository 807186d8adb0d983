import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findExecutable, languages, preferredInsertFormat, serverCommand, serverSettings, substitute } from '../../src/settings';

const vars = {
  workspaceFolder: '/home/ada/blog',
  workspaceFolders: { blog: '/home/ada/blog', notes: '/home/ada/notes' },
  home: '/home/ada',
  env: { ARCHIVES: '/data/archives' },
};

test('substitute expands the workspace folder, named folders, home, env and ~', () => {
  assert.equal(substitute('${workspaceFolder}/.venv/bin/recall-ls', vars), '/home/ada/blog/.venv/bin/recall-ls');
  assert.equal(substitute('${workspaceFolder:notes}/daily', vars), '/home/ada/notes/daily');
  assert.equal(substitute('${userHome}/x', vars), '/home/ada/x');
  assert.equal(substitute('~/archives/twitter.zip', vars), '/home/ada/archives/twitter.zip');
  assert.equal(substitute('~', vars), '/home/ada');
  assert.equal(substitute('${env:ARCHIVES}/t.zip', vars), '/data/archives/t.zip');
  assert.equal(substitute('${env:MISSING}x', vars), 'x');
});

test('substitute leaves unknown variables and ~ inside a path alone', () => {
  assert.equal(substitute('${workspaceFolder:nope}/a', vars), '${workspaceFolder:nope}/a');
  assert.equal(substitute('${config:foo}', vars), '${config:foo}');
  assert.equal(substitute('notes/~draft', vars), 'notes/~draft');
  assert.equal(substitute('${workspaceFolder}/a', {}), '${workspaceFolder}/a');
});

test('server settings: the section as the user wrote it, less the client keys, variables expanded', () => {
  const users = {
    sources: ['${workspaceFolder}/archive', '~/notes', '', 42],
    indexDir: '${workspaceFolder}/.recall',
    model: '~/models/mini',
    topK: 3,
    minScore: 'high',
    includeLikes: true,
    exclude: 'drafts/**',
    insertFormat: 'markdown',
    codeLens: false,
    ranking: 'fuzzy',
    colour: 'blue',
  };
  const clients = { server: { path: '/usr/bin/recall-ls' }, trace: { server: 'verbose' }, plaintext: true };
  // Wrong types and unknown keys go through: the server names them in a warning and uses its default.
  assert.deepEqual(serverSettings({ ...users, ...clients }, vars), {
    ...users,
    sources: ['/home/ada/blog/archive', '/home/ada/notes', '', 42],
    indexDir: '/home/ada/blog/.recall',
    model: '/home/ada/models/mini',
  });
  assert.deepEqual(serverSettings(undefined, vars), {});
  assert.deepEqual(serverSettings(['topK'], vars), {});
});

test('the insert format the panel offers first: a known one, else the first', () => {
  assert.equal(preferredInsertFormat({ insertFormat: 'quote' }), 'quote');
  assert.equal(preferredInsertFormat({ insertFormat: 'markdown' }), 'text');
  assert.equal(preferredInsertFormat({}), 'text');
});

test('server command: the setting, else the workspace .venv, else PATH', () => {
  const none = () => false;
  assert.deepEqual(serverCommand('${workspaceFolder}/env/bin/recall-ls', vars, none), {
    command: '/home/ada/blog/env/bin/recall-ls',
    args: ['serve'],
    origin: 'setting',
  });
  const seen: string[] = [];
  const venv = serverCommand('', vars, (file) => (seen.push(file), true), 'linux');
  assert.deepEqual(venv, { command: '/home/ada/blog/.venv/bin/recall-ls', args: ['serve'], origin: 'workspace .venv' });
  assert.deepEqual(seen, ['/home/ada/blog/.venv/bin/recall-ls']);
  assert.equal(serverCommand(undefined, { ...vars, workspaceFolder: 'C:\\blog' }, () => true, 'win32').command, 'C:\\blog\\.venv\\Scripts\\recall-ls.exe');
  assert.deepEqual(serverCommand('  ', vars, none), { command: 'recall-ls', args: ['serve'], origin: 'PATH' });
  assert.deepEqual(serverCommand(undefined, {}, () => true), { command: 'recall-ls', args: ['serve'], origin: 'PATH' });
});

test('languages: Markdown, and plain text only when asked', () => {
  assert.deepEqual(languages(false), ['markdown']);
  assert.deepEqual(languages(undefined), ['markdown']);
  assert.deepEqual(languages(true), ['markdown', 'plaintext']);
});

test('findExecutable: a path as it is, a bare name on PATH, undefined when missing', () => {
  const files = new Set(['/opt/recall/bin/recall-ls', '/usr/local/bin/recall-ls', 'C:\\py\\Scripts\\recall-ls.exe']);
  const exists = (file: string) => files.has(file);
  assert.equal(findExecutable('/opt/recall/bin/recall-ls', '/usr/bin', exists), '/opt/recall/bin/recall-ls');
  assert.equal(findExecutable('/nowhere/recall-ls', '/usr/local/bin', exists), undefined);
  assert.equal(findExecutable('recall-ls', '/usr/bin::/usr/local/bin', exists, 'linux'), '/usr/local/bin/recall-ls');
  assert.equal(findExecutable('recall-ls', '/usr/bin', exists, 'linux'), undefined);
  assert.equal(findExecutable('recall-ls', undefined, exists, 'linux'), undefined);
  assert.equal(findExecutable('recall-ls', 'C:\\Windows;C:\\py\\Scripts', exists, 'win32'), 'C:\\py\\Scripts\\recall-ls.exe');
  assert.equal(findExecutable('C:\\py\\Scripts\\recall-ls.exe', '', exists, 'win32'), 'C:\\py\\Scripts\\recall-ls.exe');
});
