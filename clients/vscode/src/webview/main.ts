/**
 * The script of the Recall panel's webview: draws the state the extension posts, and posts the
 * user's clicks back. The drawing is `renderPanel` and `highlightNodes`, which the unit tests cover.
 */

import { highlightNodes } from '../highlight';
import { PanelAction, PanelState, renderPanel, rowText } from '../panelView';
import type { InsertAs } from '../protocol';

declare function acquireVsCodeApi(): { postMessage(message: PanelAction): void; setState(state: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

function draw(state: PanelState): void {
  // Keep keyboard focus on the same button across redraws.
  const focused = document.activeElement as HTMLElement | null;
  const key = focused?.dataset?.action ? `${focused.dataset.action}|${focused.dataset.id ?? ''}|${focused.dataset.format ?? ''}` : undefined;
  root.innerHTML = renderPanel(state);
  const items = new Map(state.items.map((item) => [item.id, item]));
  for (const row of root.querySelectorAll<HTMLElement>('li.item')) {
    const item = items.get(row.dataset.id ?? '');
    if (item) {
      row.querySelector('.text')?.replaceChildren(...highlightNodes(document, rowText(item), item.matched));
    }
  }
  if (key) {
    for (const el of root.querySelectorAll<HTMLElement>('[data-action]')) {
      if (`${el.dataset.action}|${el.dataset.id ?? ''}|${el.dataset.format ?? ''}` === key) {
        el.focus();
        break;
      }
    }
  }
  vscode.setState(state);
}

window.addEventListener('message', (event: MessageEvent) => {
  const message = event.data as { type: string; state?: PanelState };
  if (message?.type === 'state' && message.state) {
    draw(message.state);
  }
});

root.addEventListener('click', (event) => {
  const el = (event.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!el) {
    return;
  }
  const { action, id, format } = el.dataset;
  switch (action) {
    case 'open':
    case 'hide':
    case 'thread':
      if (id) {
        vscode.postMessage({ action, id });
      }
      break;
    case 'insert':
      if (id) {
        vscode.postMessage({ action, id, format: (format as InsertAs) ?? 'text' });
      }
      break;
    case 'restart':
    case 'log':
    case 'search':
      vscode.postMessage({ action });
      break;
  }
});

const saved = vscode.getState() as PanelState | undefined;
if (saved) {
  draw(saved);
}
vscode.postMessage({ action: 'ready' });
