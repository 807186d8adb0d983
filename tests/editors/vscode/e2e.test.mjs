// End-to-end test of the Recall extension in real VS Code: code-server (VS Code's workbench and a Node
// extension host) driven through Debian's chromium by playwright-core.
//
// A throwaway workspace indexes a copy of the example Twitter archive and notes. The test opens a
// Markdown file, types a paragraph, and checks what a writer would see: the Recall panel listing a
// related tweet, the hover, a completion item that inserts the tweet, a code lens, the status bar,
// the search QuickPick, the status report and a thread expanded in place. Every check waits on the
// DOM (no sleeps as verdicts); screenshots go to test-artifacts/vscode/.
//
// Run: node --test tests/editors/vscode/e2e.test.mjs (clients/vscode/scripts/test.sh installs and
// builds everything it needs first). Environment overrides: RECALL_CODE_SERVER, RECALL_VSIX,
// RECALL_LS, CHROMIUM, RECALL_E2E_KEEP=1 (keep the temporary folder).

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../../..');
const CLIENT = path.join(REPO, 'clients/vscode');
const CODE_SERVER = process.env.RECALL_CODE_SERVER || path.join(CLIENT, '.e2e/code-server/node_modules/.bin/code-server');
const VSIX = process.env.RECALL_VSIX || path.join(CLIENT, 'recall.vsix');
const RECALL_LS = process.env.RECALL_LS || path.join(REPO, '.venv/bin/recall-ls');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARTIFACTS = path.join(REPO, 'test-artifacts/vscode');
const { chromium } = createRequire(path.join(CLIENT, 'package.json'))('playwright-core');

// Generous: the model loads in ~6 s on 2 cores, and other test suites may share the machine.
const SERVER_READY_MS = 180_000;
const UI_MS = 30_000;
const RELATED_MS = 60_000;

// A paraphrase of the example tweet "Reading old notebooks is humbling: I had the same idea three
// times and forgot it twice."
const PARAGRAPH = 'Going back through my old journals, I found the same thought written down several times.';
const TWEET = 'same idea three times';
const SECOND = 'Error messages should say what went wrong and how to fix it.';
const SEARCH = 'When something breaks, the message should tell me what went wrong and how I can fix it.';
const SEARCH_HIT = 'A good error message';
// A paraphrase of the example archive's self-thread of two posts (a commonplace book kept in plain
// text; its index written by hand, filing being when connections show).
const THREAD_PARAGRAPH =
  'My commonplace notebook lives in plain text files, and I write its index myself, because filing each entry by hand is the moment I notice how ideas connect.';
// That tweet as a quote, exactly as the server's recall.insert writes it (its tests and Neovim's check the same file).
const QUOTE = fs.readFileSync(path.join(REPO, 'tests/fixtures/insert/error-message-quote.md'), 'utf8').replace(/\n$/, '');

let run; // temporary folders
let codeServer; // the code-server child (its own process group)
let context; // the browser
let page;

/** Monaco draws spaces as U+00A0. */
const plain = (text) => text.replace(/\u00a0/g, ' ');

async function shot(name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode}; see ${ARTIFACTS}/code-server.log`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs} ms`);
}

function writeJson(file, value) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2));
}

/** The Recall panel's content: a webview (an iframe inside an iframe). */
function panel() {
  return page.frameLocator('iframe.webview[src*="extensionId=recall-ls.recall"]').frameLocator('#active-frame');
}

async function runCommand(title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: UI_MS });
  await input.fill('>' + title);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first().waitFor({ timeout: UI_MS });
  await page.keyboard.press('Enter');
}

async function focusEditorAtEnd() {
  await page.locator('.editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+End');
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Saves the editor and waits until draft.md on disk matches (what the lines on screen show is wrapped). */
async function savedDraft(pattern) {
  await page.keyboard.press('Control+S');
  const file = path.join(run.workspace, 'draft.md');
  const deadline = Date.now() + UI_MS;
  let text = '';
  while (Date.now() < deadline) {
    text = fs.readFileSync(file, 'utf8');
    if (pattern.test(text)) {
      return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.match(text, pattern);
  return text;
}

/** Polls the Recall output channel's log file until it matches. */
async function recallLog(pattern, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = findFiles(path.join(run.userData, 'logs'), /Recall\.log$/).map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    if (pattern.test(text)) {
      return text;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.match(text, pattern);
  return text;
}

function findFiles(dir, pattern) {
  const found = [];
  for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      found.push(...findFiles(full, pattern));
    } else if (pattern.test(entry.name)) {
      found.push(full);
    }
  }
  return found;
}

function collectLogs() {
  if (!run) {
    return;
  }
  // The Recall output channel and the extension host logs, for whoever debugs a failure.
  for (const file of findFiles(path.join(run.userData, 'logs'), /Recall\.log$|exthost\.log$|remoteagent\.log$/)) {
    fs.copyFileSync(file, path.join(ARTIFACTS, path.basename(file)));
  }
}

describe('Recall in VS Code (code-server)', { timeout: 600_000 }, () => {
  before(async () => {
    for (const [what, file] of [['code-server', CODE_SERVER], ['the extension package', VSIX], ['recall-ls', RECALL_LS], ['chromium', CHROMIUM]]) {
      assert.ok(fs.existsSync(file), `${what} not found at ${file} (clients/vscode/scripts/test.sh installs it)`);
    }
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'recall-vscode-e2e-'));
    run = {
      root,
      workspace: path.join(root, 'workspace'),
      corpus: path.join(root, 'corpus'),
      index: path.join(root, 'index'),
      userData: path.join(root, 'user-data'),
      extensions: path.join(root, 'extensions'),
      profile: path.join(root, 'chromium'),
    };
    fs.cpSync(path.join(REPO, 'examples/twitter-archive'), path.join(run.corpus, 'twitter-archive'), { recursive: true });
    fs.cpSync(path.join(REPO, 'examples/notes'), path.join(run.corpus, 'notes'), { recursive: true });
    writeJson(path.join(run.workspace, '.vscode/settings.json'), {
      'recall.sources': [path.join(run.corpus, 'twitter-archive'), path.join(run.corpus, 'notes')],
      'recall.indexDir': run.index,
      'recall.server.path': RECALL_LS,
      'recall.trace.server': 'messages', // the protocol trace lands in Recall.log, kept with the screenshots
    });
    fs.writeFileSync(path.join(run.workspace, 'draft.md'), '# Draft\n\n');
    writeJson(path.join(run.userData, 'User/settings.json'), {
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'security.workspace.trust.enabled': false,
      'editor.hover.delay': 100,
      'editor.minimap.enabled': false,
      'chat.disableAIFeatures': true,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'update.mode': 'none',
      'window.commandCenter': false,
    });
    const env = {
      ...process.env,
      XDG_CONFIG_HOME: path.join(root, 'xdg/config'),
      XDG_DATA_HOME: path.join(root, 'xdg/data'),
      XDG_CACHE_HOME: path.join(root, 'xdg/cache'),
      XDG_STATE_HOME: path.join(root, 'xdg/state'),
      TMPDIR: path.join(root, 'tmp'),
      RECALL_TODAY: '2025-11-20', // the server's day: a blank line's gems are the example tweets of 2024-11-20
    };
    fs.mkdirSync(env.TMPDIR, { recursive: true });
    const dirs = ['--user-data-dir', run.userData, '--extensions-dir', run.extensions];
    const install = spawnSync(CODE_SERVER, ['--install-extension', VSIX, '--force', ...dirs], { env, encoding: 'utf8', timeout: 120_000 });
    assert.equal(install.status, 0, `installing the extension failed:\n${install.stdout}\n${install.stderr}`);

    const port = await freePort();
    const log = fs.openSync(path.join(ARTIFACTS, 'code-server.log'), 'w');
    codeServer = spawn(
      CODE_SERVER,
      [
        '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', ...dirs,
        '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
        '--disable-getting-started-override', '--ignore-last-opened', run.workspace,
      ],
      { env, detached: true, stdio: ['ignore', log, log] },
    );
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, codeServer, 60_000);

    context = await chromium.launchPersistentContext(run.profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(UI_MS);
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(run.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 120_000 });
    await page.locator('.explorer-folders-view, .part.sidebar').first().waitFor({ timeout: 120_000 });
  });

  after(async () => {
    try {
      if (page) {
        await shot('99-last').catch(() => {});
      }
      await context?.close().catch(() => {});
    } finally {
      if (codeServer && codeServer.exitCode === null) {
        try {
          process.kill(-codeServer.pid, 'SIGTERM'); // code-server, its extension host and recall-ls
        } catch {
          // already gone
        }
        const deadline = Date.now() + 5000;
        while (Date.now() < deadline && codeServer.exitCode === null) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        try {
          process.kill(-codeServer.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      collectLogs();
      if (run && !process.env.RECALL_E2E_KEEP) {
        fs.rmSync(run.root, { recursive: true, force: true });
      }
    }
  });

  it('opens a Markdown file and the Recall panel', async () => {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill('draft.md');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'draft.md' }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'draft.md' }).waitFor();
    await page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'Draft' }).waitFor();

    await page.locator('.activitybar [aria-label^="Recall"]').first().click();
    // Before anything is written the panel has its empty state.
    await panel().locator('.empty, .items').first().waitFor({ timeout: RELATED_MS });
    await shot('01-panel-empty');
  });

  it('shows the status bar item with the fragment count once indexed', async () => {
    const item = page.locator('.statusbar-item', { hasText: /Recall \d+/ });
    await item.first().waitFor({ timeout: SERVER_READY_MS });
    assert.match(await item.first().innerText(), /Recall \d+/);
  });

  it('shows forgotten gems on a blank line, under an "On this day" header', async () => {
    await focusEditorAtEnd(); // the blank line below the heading
    await panel().locator('.context.idle', { hasText: 'On this day, 2024' }).waitFor({ timeout: RELATED_MS });
    const meta = plain(await panel().locator('.item .meta').first().innerText());
    assert.match(meta, /2024-11-20/);
    assert.match(meta, /1 year ago/); // a gem's age where a related item says how close it is
    await shot('01b-panel-gems');
  });

  it('lists a related tweet in the Recall panel while the user types', async () => {
    await focusEditorAtEnd();
    await page.keyboard.type(PARAGRAPH, { delay: 10 });
    const row = panel().locator('.item', { hasText: TWEET });
    await row.first().waitFor({ timeout: RELATED_MS });
    const meta = plain(await row.first().locator('.meta').innerText());
    assert.match(meta, /2024-06-25/);
    assert.match(meta, /tweet/);
    // Relevance as a person reads it: a 3-pip bar and its label; the number and what made it (the
    // server's why) only in the tooltip.
    assert.match(meta, /\b(close|related|loose)\b/);
    assert.doesNotMatch(meta, /0\.\d\d/);
    const relevance = row.first().locator('.meta .relevance');
    assert.equal(await relevance.locator('.pip').count(), 3);
    assert.ok((await relevance.locator('.pip.on').count()) >= 1);
    assert.match(await relevance.getAttribute('title'), /^score 0\.\d\d: 0\.\d\d (meaning|words)( · \+0\.\d\d words)?$/);
    await panel().locator('.context', { hasText: 'draft.md:3' }).waitFor();
    await shot('02-panel-related');
  });

  it("marks the tweet's words that the paragraph shares in the panel", async () => {
    const marks = panel().locator('.item', { hasText: TWEET }).first().locator('.text mark');
    await marks.first().waitFor({ timeout: RELATED_MS });
    const written = new Set(PARAGRAPH.toLowerCase().match(/[\p{L}\p{N}']+/gu));
    // Touching words share one mark: "old" "same" "times" are what the two have in common.
    const marked = (await marks.allInnerTexts()).flatMap((text) => plain(text).split(/\s+/));
    assert.ok(marked.length > 0);
    for (const word of marked) {
      assert.ok(written.has(word.toLowerCase()), `"${word}" is marked but not written in the paragraph (marked: ${marked.join(', ')})`);
    }
    // The mark is in the find-match colours of the theme, not the browser's yellow.
    const background = await marks.first().evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(background, 'rgb(255, 255, 0)');
    await shot('02b-panel-matched-words');
  });

  it('shows the related tweet in the hover', async () => {
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'old journals' }).first().click();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+I');
    const hover = page.locator('.monaco-hover', { hasText: TWEET });
    await hover.first().waitFor({ state: 'visible', timeout: RELATED_MS });
    assert.match(plain(await hover.first().innerText()), /Recall · \d+ related/);
    await shot('03-hover');
    await page.keyboard.press('Escape');
  });

  it('offers the tweet as a completion item that inserts its text', async () => {
    await focusEditorAtEnd();
    await page.keyboard.type(' ', { delay: 10 });
    await page.keyboard.press('Control+Space');
    const row = page.locator('.suggest-widget .monaco-list-row', { hasText: 'Reading old notebooks' });
    await row.first().waitFor({ state: 'visible', timeout: RELATED_MS });
    await shot('04-completion');
    await row.first().click();
    await savedDraft(/several times\. Reading old notebooks is humbling: I had the same idea three times and forgot it twice\./);
  });

  it('inserts a fragment from the panel as a quote', async () => {
    await focusEditorAtEnd();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type(SECOND, { delay: 10 });
    const row = panel().locator('.item', { hasText: SEARCH_HIT });
    await row.first().waitFor({ timeout: RELATED_MS });
    await panel().locator('.context', { hasText: 'draft.md:5' }).waitFor();
    await row.first().locator('button[data-format="quote"]').click();
    // The server's text, its own paragraph after the line, the file ending with a line break; the cursor after it.
    await savedDraft(new RegExp(escapeRegExp(`${SECOND}\n\n${QUOTE}\n`) + '$'));
    await page.locator('.statusbar-item', { hasText: /Ln 10, Col 1\b/ }).first().waitFor({ timeout: UI_MS });
    await shot('05-panel-quote-inserted');
  });

  it('shows a code lens whose click shows its items in the panel', async () => {
    const lens = page.locator('.codelens-decoration', { hasText: /\d+ related · "Reading old notebooks/ });
    await lens.first().waitFor({ timeout: RELATED_MS });
    await shot('06-codelens');
    // The panel is about paragraph 5 (the cursor's); the lens of paragraph 3 switches it.
    await panel().locator('.context', { hasText: 'draft.md:3' }).waitFor({ state: 'detached' });
    await lens.first().locator('a', { hasText: 'related' }).first().click();
    await panel().locator('.context', { hasText: 'draft.md:3' }).waitFor({ timeout: UI_MS });
    await panel().locator('.item', { hasText: TWEET }).first().waitFor();
  });

  it('follows the cursor from paragraph to paragraph', async () => {
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: SECOND.slice(0, 30) }).first().click();
    await panel().locator('.context', { hasText: 'draft.md:5' }).waitFor({ timeout: RELATED_MS });
    await panel().locator('.item', { hasText: SEARCH_HIT }).first().waitFor();
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'old journals' }).first().click();
    await panel().locator('.context', { hasText: 'draft.md:3' }).waitFor({ timeout: RELATED_MS });
    await panel().locator('.item', { hasText: TWEET }).first().waitFor();
  });

  it('opens a tweet in the browser from the panel', async () => {
    // No internet here: x.com answers from a stub, so the new tab keeps its address.
    await context.route('https://x.com/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>x.com stub</title>' }));
    const opened = context.waitForEvent('page', { timeout: UI_MS });
    await panel().locator('.item', { hasText: TWEET }).first().locator('button.open').click();
    // VS Code asks before opening an external site the first time; say yes.
    const dialog = page.locator('.monaco-dialog-box', { hasText: 'x.com' });
    const first = await Promise.race([opened.then(() => 'page'), dialog.waitFor({ timeout: UI_MS }).then(() => 'dialog')]);
    if (first === 'dialog') {
      await shot('07-open-external');
      await dialog.locator('.monaco-button', { hasText: /^Open$/ }).first().click();
    }
    const tab = await opened;
    await tab.waitForLoadState();
    assert.equal(tab.url(), 'https://x.com/sample_writer/status/1850000000000004000');
    await tab.close();
    await page.bringToFront();
  });

  it('opens a note at its line from the panel', async () => {
    const note = panel().locator('.item', { has: panel().locator('.source', { hasText: 'reading.txt' }) }).first();
    await note.waitFor({ timeout: RELATED_MS });
    await note.locator('button.open').click();
    await page.locator('.tab.active', { hasText: 'reading.txt' }).waitFor();
    await page.locator('.statusbar-item', { hasText: /Ln \d+, Col 1/ }).first().waitFor();
    await shot('08-note-opened');
    await page.locator('.tab', { hasText: 'draft.md' }).click();
    await page.locator('.tab.active', { hasText: 'draft.md' }).waitFor();
  });

  it('hides a fragment for good', async () => {
    const row = panel().locator('.item', { hasText: 'On keeping a writing habit' });
    await row.first().waitFor({ timeout: RELATED_MS });
    await row.first().locator('button[data-action="hide"]').click();
    await row.first().waitFor({ state: 'detached' });
    // Moving the cursor asks the server again: it stays hidden.
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: SECOND.slice(0, 30) }).first().click();
    await panel().locator('.context', { hasText: 'draft.md:5' }).waitFor({ timeout: RELATED_MS });
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'old journals' }).first().click();
    await panel().locator('.context', { hasText: 'draft.md:3' }).waitFor({ timeout: RELATED_MS });
    await panel().locator('.item', { hasText: TWEET }).first().waitFor();
    assert.equal(await panel().locator('.item', { hasText: 'On keeping a writing habit' }).count(), 0);
  });

  it('applies a changed setting without restarting the server', async () => {
    const file = path.join(run.workspace, '.vscode/settings.json');
    const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    writeJson(file, { ...settings, 'recall.topK': 1 });
    await panel().locator('.context', { hasText: '1 related to the paragraph at draft.md:3' }).waitFor({ timeout: RELATED_MS });
    assert.equal(await panel().locator('.item').count(), 1);
    writeJson(file, settings);
    await panel().locator('.items > .item:nth-child(2)').waitFor({ timeout: RELATED_MS });
    const log = await recallLog(/Starting/, UI_MS);
    assert.equal(log.match(/\] Starting /g).length, 1, 'the server was restarted');
  });

  it("narrows the list with the panel's filters, written as settings, and clears them", async () => {
    const file = path.join(run.workspace, '.vscode/settings.json');
    const written = () => JSON.parse(fs.readFileSync(file, 'utf8'));
    await panel().locator('.item', { hasText: TWEET }).first().waitFor({ timeout: RELATED_MS });
    await panel().locator('details.filter-bar summary').click();
    await panel().locator('input[data-action="kind"][data-id="tweet"]').uncheck();
    // The server's label in the header, and the tweet gone: the list was asked again under the new setting.
    await panel().locator('.context.filtered', { hasText: 'replies, threads, Mastodon posts, notes' }).waitFor({ timeout: RELATED_MS });
    await panel().locator('.item', { hasText: TWEET }).first().waitFor({ state: 'detached', timeout: RELATED_MS });
    assert.deepEqual(written()['recall.kinds'], ['reply', 'thread', 'mastodon', 'note']);

    // A date that is no date is refused, with a message, and not written.
    const since = panel().locator('input[data-action="date"][data-id="since"]');
    await since.fill('2019-13');
    await since.press('Enter');
    await page.locator('.notifications-toasts', { hasText: '"2019-13" is not a date' }).waitFor({ timeout: UI_MS });
    assert.equal(written()['recall.since'], undefined);
    await runCommand('Notifications: Clear All Notifications');
    await since.fill('2020');
    await since.press('Enter');
    await panel().locator('.context.filtered', { hasText: 'notes · since 2020' }).waitFor({ timeout: RELATED_MS });
    assert.equal(written()['recall.since'], '2020');
    await shot('10b-panel-filtered');

    await panel().locator('.context.filtered button[data-action="clear-filters"]').click();
    await panel().locator('.context.filtered').waitFor({ state: 'detached', timeout: RELATED_MS });
    await panel().locator('.item', { hasText: TWEET }).first().waitFor({ timeout: RELATED_MS });
    assert.equal(written()['recall.kinds'], undefined);
    assert.equal(written()['recall.since'], undefined);
  });

  it('searches past writing from the QuickPick and inserts a result as a link', async () => {
    await focusEditorAtEnd(); // the empty last line, after the quote
    await runCommand('Recall: Search Past Writing');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible' });
    await input.fill(SEARCH);
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: SEARCH_HIT });
    await row.first().waitFor({ timeout: RELATED_MS });
    await shot('09-search');
    await row.first().hover(); // an item's buttons show on hover
    await row.first().locator('.action-label.codicon-link').click();
    const url = QUOTE.match(/\[source\]\((.+)\)$/)[1];
    const link = `[A good error message says what happened, why, and what to d…](${url})`;
    await savedDraft(new RegExp(escapeRegExp(`${QUOTE}\n${link}`) + '$'));
    // Back to the first paragraph, where the tests after this one find the cursor.
    await page.locator('.editor-instance .monaco-editor .view-line', { hasText: 'old journals' }).first().click();
    await panel().locator('.context', { hasText: 'draft.md:3' }).waitFor({ timeout: RELATED_MS });
  });

  it('shows the status report', async () => {
    await runCommand('Recall: Show Status');
    const preview = page.frameLocator('iframe.webview[src*="markdown-language-features"]').frameLocator('#active-frame');
    await preview.locator('h1', { hasText: 'Recall status' }).waitFor({ timeout: UI_MS });
    await preview.locator('td', { hasText: 'twitter' }).first().waitFor();
    await shot('10-status');
  });

  it('reindexes with Recall: Reindex', async () => {
    await runCommand('Recall: Reindex');
    // Shown once the server has accepted the command.
    await page.locator('.statusbar-item', { hasText: 'Recall: reading your sources again' }).first().waitFor({ timeout: UI_MS });
    await page.locator('.statusbar-item', { hasText: /Recall \d+/ }).first().waitFor({ timeout: SERVER_READY_MS });
  });

  it('restarts when recall.server.path changes, and says so when the server cannot start', async () => {
    const file = path.join(run.workspace, '.vscode/settings.json');
    const settings = JSON.parse(fs.readFileSync(file, 'utf8'));
    writeJson(file, { ...settings, 'recall.server.path': path.join(run.root, 'no-such-recall-ls') });
    await panel().locator('.empty-title', { hasText: 'Recall is not running' }).waitFor({ timeout: RELATED_MS });
    const reason = 'does not exist or is not executable: check the recall.server.path setting';
    await page.locator('.notification-toast', { hasText: 'Recall could not start its server' }).first().waitFor({ timeout: UI_MS });
    await page.locator('.notification-toast', { hasText: reason }).first().waitFor({ timeout: UI_MS });
    // The status bar, the panel and the status view say the same as the error message.
    await page.locator('.statusbar-item', { hasText: 'Recall: server failed' }).first().waitFor({ timeout: UI_MS });
    await panel().locator('.empty', { hasText: reason }).waitFor({ timeout: UI_MS });
    await shot('11-server-missing');
    await runCommand('Recall: Show Status');
    const preview = page.frameLocator('iframe.webview[src*="markdown-language-features"]').frameLocator('#active-frame');
    await preview.locator('p', { hasText: 'Recall could not start its server.' }).filter({ hasText: reason }).waitFor({ timeout: UI_MS });
    await runCommand('Notifications: Clear All Notifications');
    writeJson(file, settings);
    await page.locator('.statusbar-item', { hasText: /Recall \d+/ }).first().waitFor({ timeout: SERVER_READY_MS });
    await panel().locator('.item', { hasText: TWEET }).first().waitFor({ timeout: RELATED_MS });
  });

  it('restarts the server with Recall: Restart Server', async () => {
    await runCommand('Recall: Restart Server');
    await recallLog(/Starting .*recall-ls serve \(from setting\): Restart Server command/, UI_MS);
    await page.locator('.statusbar-item', { hasText: /Recall \d+/ }).first().waitFor({ timeout: SERVER_READY_MS });
    await panel().locator('.item', { hasText: TWEET }).first().waitFor({ timeout: RELATED_MS });
    await shot('12-restarted');
  });

  it('expands a thread in place in the panel, and folds it again', async () => {
    await page.locator('.tab', { hasText: 'draft.md' }).click(); // from the status view
    await page.locator('.tab.active', { hasText: 'draft.md' }).waitFor();
    await focusEditorAtEnd();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.type(THREAD_PARAGRAPH, { delay: 5 });
    const row = panel().locator('.item', { has: panel().locator('.meta .source', { hasText: /^thread · \d of 2$/ }) }).first();
    await row.waitFor({ timeout: RELATED_MS });
    const toggle = row.locator('button[data-action="thread"]');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    const posts = row.locator('ol.thread > li.post');
    await posts.nth(1).waitFor({ timeout: UI_MS });
    assert.equal(await posts.count(), 2);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    // Both posts in order under the item, the one that matched marked.
    const texts = (await posts.locator('.post-text').allInnerTexts()).map(plain);
    assert.match(texts[0], /^Wrote up how I keep a commonplace book in plain text/);
    assert.match(texts[1], /The trick is to write the index by hand/);
    const position = Number(plain(await row.locator('.meta .source').first().innerText()).match(/thread · (\d) of 2/)[1]);
    assert.equal(await row.locator('li.post.current').count(), 1);
    assert.equal(await posts.nth(position - 1).getAttribute('aria-current'), 'true');
    await shot('13-thread-expanded');
    await toggle.click();
    await row.locator('ol.thread').waitFor({ state: 'detached', timeout: UI_MS });
    // Expanded again, a post's own Insert puts that post in (here the first, whichever matched).
    await toggle.click();
    await posts.nth(1).waitFor({ timeout: UI_MS });
    await posts.nth(0).locator('button[data-action="insert"]').click();
    await savedDraft(/ideas connect\.\s+Wrote up how I keep a commonplace book in plain text/);
  });
});
