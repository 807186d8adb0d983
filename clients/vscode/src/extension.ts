/**
 * Recall for VS Code: starts `recall-ls serve` for Markdown (and plain text when `recall.plaintext`
 * is on) and adds the Recall panel, a status bar item and the Recall commands. Hover, completion,
 * inline completion and code lenses come from the server through vscode-languageclient.
 */

import * as vscode from 'vscode';
import { debounce } from './debounce';
import { notRunningReport, statusReport } from './format';
import { showHidden } from './hidden';
import { RelatedPanel, VIEW_ID } from './panel';
import { Commands, StatusReport } from './protocol';
import { searchPastWriting } from './search';
import { RecallServer, SECTION } from './server';
import { CLIENT_KEYS, languages, RESTART_KEYS } from './settings';
import { StatusBar } from './statusBar';
import { traceChannel } from './traceChannel';

const REPORT_URI = vscode.Uri.parse('recall-status:Recall%20status.md');

let server: RecallServer | undefined;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Recall', { log: true });
  const trace = traceChannel(log, SECTION);
  server = new RecallServer(log, trace);
  const recall = server;
  const panel = new RelatedPanel(context.extensionUri, recall, log);
  const report = new StatusReportDocument();

  const wanted = (document: vscode.TextDocument) =>
    (document.uri.scheme === 'file' || document.uri.scheme === 'untitled') &&
    languages(vscode.workspace.getConfiguration(SECTION).get(CLIENT_KEYS.plaintext)).includes(document.languageId);
  const startIfWanted = () => {
    const document = vscode.workspace.textDocuments.find(wanted);
    if (document && recall.state === 'idle') {
      void recall.ensureStarted(`${vscode.workspace.asRelativePath(document.uri)} is open`);
    }
  };
  const restartSoon = debounce((reason: string) => void recall.restart(reason), 300);

  context.subscriptions.push(
    log,
    trace,
    recall,
    panel,
    new StatusBar(recall),
    vscode.window.registerWebviewViewProvider(VIEW_ID, panel),
    vscode.workspace.registerTextDocumentContentProvider(REPORT_URI.scheme, report),
    vscode.commands.registerCommand('recall.searchPastWriting', () => searchPastWriting(recall)),
    vscode.commands.registerCommand('recall.reindexSources', async () => {
      await recall.ensureStarted('reindex');
      await recall.command(Commands.reindex);
      vscode.window.setStatusBarMessage('Recall: reading your sources again…', 4000);
    }),
    vscode.commands.registerCommand('recall.showStatus', async () => {
      await recall.ensureStarted('status');
      let markdown: string;
      try {
        markdown = statusReport(await recall.command<StatusReport>(Commands.status), recall.commandLine);
      } catch {
        markdown = notRunningReport(recall.commandLine, recall.failure);
      }
      report.update(REPORT_URI, markdown);
      await vscode.commands.executeCommand('markdown.showPreview', REPORT_URI);
    }),
    vscode.commands.registerCommand('recall.restartServer', () => recall.restart('Restart Server command')),
    vscode.commands.registerCommand('recall.showLog', () => log.show()),
    vscode.commands.registerCommand('recall.showHidden', () => showHidden(recall)),
    vscode.workspace.onDidOpenTextDocument(startIfWanted),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_KEYS.some((key) => e.affectsConfiguration(`${SECTION}.${key}`))) {
        if (recall.state === 'idle') {
          startIfWanted();
        } else {
          restartSoon('settings changed');
        }
      }
    }),
  );
  startIfWanted();
}

export async function deactivate(): Promise<void> {
  await server?.stop();
}

/** The read-only document behind Recall: Show Status. */
class StatusReportDocument implements vscode.TextDocumentContentProvider {
  private readonly changes = new vscode.EventEmitter<vscode.Uri>();
  private text = '';
  readonly onDidChange = this.changes.event;

  update(uri: vscode.Uri, text: string): void {
    this.text = text;
    this.changes.fire(uri);
  }

  provideTextDocumentContent(): string {
    return this.text;
  }
}
