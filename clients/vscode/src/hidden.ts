/**
 * Recall: Show Hidden Fragments. A QuickPick of what **Hide** took out of every list (`recall.hidden`,
 * the latest first); choosing one, or "all of them", shows it again (`recall.unhide`).
 */

import * as vscode from 'vscode';
import { Commands, HiddenItem } from './protocol';
import { RecallServer } from './server';

interface Pick extends vscode.QuickPickItem {
  /** The fragment to show again; undefined: all of them. */
  id?: string;
}

export async function showHidden(server: RecallServer): Promise<void> {
  await server.ensureStarted('hidden');
  const hidden = await server.command<HiddenItem[]>(Commands.hidden);
  if (hidden.length === 0) {
    void vscode.window.showInformationMessage('Recall: nothing is hidden.');
    return;
  }
  const picks: Pick[] = [{ label: `$(eye) Show all ${hidden.length} again` }, ...hidden.map(hiddenPick)];
  const chosen = await vscode.window.showQuickPick(picks, { title: 'Recall: hidden fragments', placeHolder: 'Choose what to show again' });
  if (!chosen) {
    return;
  }
  const result = await server.command<{ unhidden: number }>(Commands.unhide, chosen.id ?? { all: true });
  vscode.window.setStatusBarMessage(`Recall: ${result.unhidden} shown again`, 4000);
}

export function hiddenPick(item: HiddenItem): Pick {
  const when = `hidden ${item.hiddenAt.slice(0, 10)}`;
  if (item.text === null) {
    return { id: item.id, label: item.id, description: `${when} · no longer in the index` };
  }
  return { id: item.id, label: item.snippet, description: [item.date, item.sourceLabel, when].filter((f) => f).join(' · ') };
}
