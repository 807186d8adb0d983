/**
 * The Recall panel: a webview view listing the past writing related to the paragraph under the
 * cursor. It follows the active Markdown editor: the server's pushed `recall/related` after an
 * edit, a `recall/related` request when the cursor moves (debounced), and a code lens's items. On a
 * blank line the server answers with forgotten gems (`idle`), and the header says which.
 */

import * as path from 'node:path';
import * as vscode from 'vscode';
import { debounce, Latest } from './debounce';
import { target } from './format';
import { affectsFilters, applyFilterChange, filterControls } from './filterSettings';
import { PanelAction, PanelState } from './panelView';
import { ActiveFilters, Commands, Idle, InsertAs, InsertFormat, Item, Range as WireRange } from './protocol';
import { RecallServer, SECTION, ServerState } from './server';
import { languages, preferredInsertFormat } from './settings';

export const VIEW_ID = 'recall.related';
const CURSOR_DEBOUNCE_MS = 200;

/** What the server says of a list besides its items: what narrows it, and whether it holds gems. */
type ListAbout = { filters?: ActiveFilters; idle?: Idle };

export class RelatedPanel implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private editor: vscode.TextEditor | undefined;
  private state: PanelState;
  private items = new Map<string, Item>();
  private readonly latest = new Latest();
  private lastRevision = -1;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly refreshSoon = debounce(() => void this.refresh(), CURSOR_DEBOUNCE_MS);

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly server: RecallServer,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.state = {
      server: panelServerState(server.state),
      context: { kind: 'no-editor' },
      items: [],
      insertFormat: this.insertFormat(),
      filterControls: filterControls(),
    };
    this.disposables.push(
      server.onRelated((related) => {
        if (related.uri === this.editor?.document.uri.toString()) {
          this.latest.next(); // a newer list than any request in flight
          this.show(related.range, related.items, undefined, related);
        }
      }),
      // New settings (topK, minScore, sources…): ask again once the server has them.
      server.onSettingsPulled(() => this.refreshSoon()),
      server.onShowRelated((related) => void this.showLens(related.uri, related.range, related.items, related.filters)),
      server.onStatus((status) => {
        this.state.status = status;
        // What is searchable changed (indexing finished, a source was re-read): ask again.
        if (status.revision !== this.lastRevision && status.state === 'ready') {
          this.lastRevision = status.revision;
          this.refreshSoon();
        }
        this.post();
      }),
      server.onState((state) => {
        this.state.server = panelServerState(state);
        this.state.failure = server.failure;
        if (state !== 'running') {
          this.state.status = undefined;
          this.lastRevision = -1;
        }
        if (state === 'stopped') {
          this.state.items = []; // a list from a server that is gone could not be acted on
          this.items.clear();
        }
        this.post();
        if (state === 'running') {
          this.refreshSoon();
        }
      }),
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) {
          this.follow(editor);
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.editor || this.supports(e.textEditor.document)) {
          this.editor = e.textEditor;
          this.refreshSoon();
        }
      }),
      vscode.workspace.onDidCloseTextDocument((document) => {
        if (document === this.editor?.document) {
          this.editor = undefined;
          this.show(null, [], { kind: 'no-editor' });
        }
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.insertFormat`)) {
          this.state.insertFormat = this.insertFormat();
          this.post();
        }
        if (affectsFilters(e)) {
          this.state.filterControls = filterControls(); // the list follows once the server has them
          this.post();
        }
      }),
    );
    if (vscode.window.activeTextEditor) {
      this.follow(vscode.window.activeTextEditor);
    }
  }

  dispose(): void {
    this.refreshSoon.cancel();
    this.disposables.forEach((d) => d.dispose());
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    view.webview.options = { enableScripts: true, localResourceRoots: [media, dist] };
    view.webview.html = this.html(view.webview, media, dist);
    view.webview.onDidReceiveMessage((message: PanelAction) => void this.act(message), undefined, this.disposables);
    view.onDidChangeVisibility(() => view.visible && this.refreshSoon(), undefined, this.disposables);
    view.onDidDispose(() => (this.view = undefined), undefined, this.disposables);
  }

  /** The code lens command: show its items, and bring the panel up. */
  async showLens(uri: string, range: WireRange | null, items: Item[], filters?: ActiveFilters): Promise<void> {
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri);
    if (editor) {
      this.editor = editor;
    }
    this.latest.next();
    this.refreshSoon.cancel();
    this.show(range, items, undefined, { filters });
    if (this.view) {
      this.view.show(true); // keep the focus in the editor
    } else {
      await vscode.commands.executeCommand(`${VIEW_ID}.focus`); // first time: create the view
    }
  }

  private follow(editor: vscode.TextEditor): void {
    if (this.supports(editor.document)) {
      const switched = editor.document !== this.editor?.document;
      this.editor = editor;
      if (switched) {
        this.show(null, []); // nothing for this document until the server answers
      }
      this.refreshSoon();
    } else if (editor.document.uri.scheme === 'file' || editor.document.uri.scheme === 'untitled') {
      // Another kind of file: the list would be about a document the user left.
      this.editor = undefined;
      this.show(null, [], { kind: 'no-editor' });
    }
  }

  private supports(document: vscode.TextDocument): boolean {
    const plaintext = vscode.workspace.getConfiguration(SECTION).get('plaintext');
    return (
      (document.uri.scheme === 'file' || document.uri.scheme === 'untitled') && languages(plaintext).includes(document.languageId)
    );
  }

  private insertFormat(): InsertFormat {
    return preferredInsertFormat(this.server.settings());
  }

  /** Asks the server for the paragraph under the cursor of the followed editor. */
  private async refresh(): Promise<void> {
    const editor = this.editor;
    if (!editor || this.server.state !== 'running') {
      this.post();
      return;
    }
    const ticket = this.latest.next();
    try {
      const result = await this.server.related(editor.document, editor.selection.active);
      if (this.latest.isLatest(ticket) && editor === this.editor) {
        this.show(result.range, result.items, undefined, result);
      }
    } catch (error) {
      if (this.server.state === 'running') {
        this.log.warn(`recall/related failed: ${error instanceof Error ? error.message : error}`);
      }
    }
  }

  /** Show a list; `about` its `filters` (what narrows it) and `idle` (it holds forgotten gems for a
   * blank line), in the server's words. */
  private show(range: WireRange | null, items: Item[], context?: PanelState['context'], about: ListAbout = {}): void {
    const name = this.editor ? path.basename(this.editor.document.uri.path) || this.editor.document.uri.toString() : '';
    this.state.context =
      context ?? (range ? { kind: 'paragraph', document: name, line: range.start.line + 1 } : this.editor ? { kind: 'blank', document: name } : { kind: 'no-editor' });
    this.state.items = items;
    this.state.filters = about.filters;
    this.state.idle = about.idle;
    this.items = new Map(items.map((item) => [item.id, item]));
    this.post();
  }

  private post(): void {
    void this.view?.webview.postMessage({ type: 'state', state: this.state });
  }

  private async act(message: PanelAction): Promise<void> {
    switch (message.action) {
      case 'ready':
        this.post();
        return;
      case 'restart':
        return vscode.commands.executeCommand('recall.restartServer');
      case 'log':
        return vscode.commands.executeCommand('recall.showLog');
      case 'search':
        return vscode.commands.executeCommand('recall.searchPastWriting');
      case 'filter':
        return applyFilterChange(message.change);
    }
    const item = this.items.get(message.id);
    if (!item) {
      return;
    }
    switch (message.action) {
      case 'open':
        return openItem(item);
      case 'insert':
        return this.insert(item, message.format);
      case 'hide':
        return this.hide(item);
    }
  }

  private async insert(item: Item, format: InsertAs): Promise<void> {
    const editor = this.editor ?? vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showInformationMessage('Recall: open a Markdown file to insert into.');
      return;
    }
    await insertAtCursor(this.server, editor, item, format);
  }

  private async hide(item: Item): Promise<void> {
    try {
      await this.server.command(Commands.hide, item.id);
    } catch (error) {
      void vscode.window.showErrorMessage(`Recall could not hide it: ${error instanceof Error ? error.message : error}`);
      return;
    }
    this.show(null, this.state.items.filter((i) => i.id !== item.id), this.state.context, this.state);
    this.refreshSoon();
  }

  private html(webview: vscode.Webview, media: vscode.Uri, dist: vscode.Uri): string {
    const nonce = Array.from({ length: 32 }, () => Math.floor(Math.random() * 36).toString(36)).join('');
    const css = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${css}" rel="stylesheet">
<title>Recall</title>
</head>
<body>
<main id="root"></main>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}

function panelServerState(state: ServerState): PanelState['server'] {
  return state === 'running' ? 'running' : state === 'stopped' ? 'stopped' : 'starting';
}

/** Opens where an item comes from: a tweet or post in the browser, a note at its line. */
export async function openItem(item: Item): Promise<void> {
  const where = target(item);
  if (where.kind === 'url') {
    await vscode.env.openExternal(vscode.Uri.parse(where.url));
  } else if (where.kind === 'file') {
    const position = new vscode.Position(where.line - 1, 0);
    await vscode.window.showTextDocument(vscode.Uri.file(where.file), {
      selection: new vscode.Range(position, position),
      preview: true,
    });
  } else {
    void vscode.window.showInformationMessage(`Recall: ${item.location} cannot be opened in the editor.`);
  }
}

/** Inserts an item at an editor's cursor (in place of its selection) as the server formats and places
 * it (`recall.insert`), puts the cursor after it, and gives the editor the focus back. */
export async function insertAtCursor(server: RecallServer, editor: vscode.TextEditor, item: Item, format: InsertAs): Promise<boolean> {
  const visible = vscode.window.visibleTextEditors.includes(editor)
    ? editor
    : await vscode.window.showTextDocument(editor.document, { preserveFocus: false });
  let end: vscode.Position | undefined;
  try {
    end = await server.insert(visible.document, visible.selection, item.id, format);
  } catch (error) {
    void vscode.window.showErrorMessage(`Recall could not insert it: ${error instanceof Error ? error.message : error}`);
  }
  const shown = await vscode.window.showTextDocument(visible.document, visible.viewColumn);
  if (end) {
    shown.selection = new vscode.Selection(end, end);
  }
  return end !== undefined;
}
