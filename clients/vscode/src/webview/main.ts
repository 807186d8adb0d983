/**
 * The script of the Recall panel's webview: draws the state the extension posts, and posts the
 * user's clicks back. The drawing is `renderPanel` and `highlightNodes`, which the unit tests cover.
 */

import { highlightNodes } from '../highlight';
import { PanelAction, PanelState, renderPanel, rowText } from '../panelView';
import type { DateKey } from '../filters';
import type { InsertAs } from '../protocol';

declare function acquireVsCodeApi(): { postMessage(message: PanelAction): void; setState(state: unknown): void; getState(): unknown };

const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

function draw(state: PanelState): void {
  // Keep keyboard focus on the same button across redraws.
  const focused = document.activeElement as HTMLElement | null;
  const key = focused?.dataset?.action ? `${focused.dataset.action}|${focused.dataset.id ?? ''}|${focused.dataset.format ?? ''}` : undefined;
  const typing = filterBarNow();
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
  restoreFilterBar(typing);
  vscode.setState(state);
}

/** What a redraw must not lose of the filter controls: whether they are unfolded, and a date being
 * typed (the settings hold the last one written, not what is in the box). */
function filterBarNow(): { open: boolean; input?: HTMLInputElement } {
  const focused = document.activeElement;
  const input = focused instanceof HTMLInputElement && focused.type === 'text' ? focused : undefined;
  return { open: root.querySelector<HTMLDetailsElement>('details.filter-bar')?.open ?? false, input };
}

function restoreFilterBar(was: { open: boolean; input?: HTMLInputElement }): void {
  const bar = root.querySelector<HTMLDetailsElement>('details.filter-bar');
  if (bar) {
    bar.open = was.open;
  }
  const now = document.activeElement;
  if (was.input && now instanceof HTMLInputElement && now.dataset.id === was.input.dataset.id) {
    now.value = was.input.value;
    now.setSelectionRange(was.input.selectionStart, was.input.selectionEnd);
  }
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
    case 'clear-filters':
      vscode.postMessage({ action: 'filter', change: { clear: true } });
      break;
  }
});

// A kind toggled, or a date entered (on Enter or leaving the box): the extension writes the setting.
root.addEventListener('change', (event) => {
  const el = event.target as HTMLInputElement;
  const { action, id } = el.dataset;
  if (action === 'kind' && id) {
    vscode.postMessage({ action: 'filter', change: { kind: id, on: el.checked } });
  } else if (action === 'date' && id) {
    vscode.postMessage({ action: 'filter', change: { key: id as DateKey, value: el.value } });
  }
});

const saved = vscode.getState() as PanelState | undefined;
if (saved) {
  draw(saved);
}
vscode.postMessage({ action: 'ready' });
