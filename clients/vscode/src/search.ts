/**
 * Recall: Search Past Writing. A QuickPick that asks `recall.search` as you type (debounced); Enter
 * opens the source, the item's buttons insert it at the cursor as text, quote or link.
 */

import * as vscode from 'vscode';
import { debounce, Latest } from './debounce';
import { facts, snippet } from './format';
import { insertAtCursor, openItem } from './panel';
import { Commands, InsertFormat, Item } from './protocol';
import { RecallServer } from './server';

const SEARCH_DEBOUNCE_MS = 250;
const RESULTS = 20;

interface Pick extends vscode.QuickPickItem {
  item: Item;
}

interface InsertButton extends vscode.QuickInputButton {
  format: InsertFormat;
}

const BUTTONS: InsertButton[] = [
  { format: 'text', iconPath: new vscode.ThemeIcon('insert'), tooltip: 'Insert the text at the cursor' },
  { format: 'quote', iconPath: new vscode.ThemeIcon('quote'), tooltip: 'Insert as a quote with its date and source' },
  { format: 'link', iconPath: new vscode.ThemeIcon('link'), tooltip: 'Insert a link to it' },
];

export function toPick(item: Item): Pick {
  return {
    item,
    label: snippet(item.text, 120),
    description: item.title ?? undefined,
    detail: facts(item),
    alwaysShow: true, // the results match by meaning, not by the letters typed
    buttons: BUTTONS,
  };
}

export async function searchPastWriting(server: RecallServer): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const pick = vscode.window.createQuickPick<Pick>();
  pick.title = 'Recall: Search Past Writing';
  pick.placeholder = 'Describe what you wrote about; Enter opens it, the buttons insert it';
  pick.matchOnDescription = false;
  pick.matchOnDetail = false;
  const latest = new Latest();

  const search = debounce(async (query: string) => {
    const ticket = latest.next();
    if (!query.trim()) {
      pick.items = [];
      pick.busy = false;
      return;
    }
    pick.busy = true;
    try {
      await server.ensureStarted('search');
      const items = await server.command<Item[]>(Commands.search, query, RESULTS);
      if (latest.isLatest(ticket)) {
        pick.items = items.map(toPick);
        pick.placeholder = items.length ? pick.placeholder : 'Nothing close to that in your past writing';
      }
    } catch (error) {
      if (latest.isLatest(ticket)) {
        pick.items = [];
        void vscode.window.showErrorMessage(`Recall search failed: ${error instanceof Error ? error.message : error}`);
      }
    } finally {
      if (latest.isLatest(ticket)) {
        pick.busy = false;
      }
    }
  }, SEARCH_DEBOUNCE_MS);

  pick.onDidChangeValue((value) => search(value));
  pick.onDidAccept(() => {
    const chosen = pick.selectedItems[0] ?? pick.activeItems[0];
    if (chosen) {
      pick.hide();
      void openItem(chosen.item);
    }
  });
  pick.onDidTriggerItemButton((e) => {
    const format = (e.button as InsertButton).format;
    pick.hide();
    if (editor && !editor.document.isClosed) {
      void insertAtCursor(server, editor, e.item.item, format);
    } else {
      void vscode.window.showInformationMessage('Recall: open a document to insert into.');
    }
  });
  pick.onDidHide(() => {
    search.cancel();
    pick.dispose();
  });

  // Start from the selected text, when there is some.
  const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim() : '';
  if (selected) {
    pick.value = selected.slice(0, 500);
    search.flush();
  }
  pick.show();
}
