/** The status bar item: fragment count when ready, indexing percentage, or loading the model. */

import * as vscode from 'vscode';
import { debounce } from './debounce';
import { statusBarText, statusBarTooltip } from './format';
import { Commands, StatusReport } from './protocol';
import { RecallServer } from './server';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('recall.status', vscode.StatusBarAlignment.Right, 100);
  private readonly disposables: vscode.Disposable[] = [];
  private fragments: number | undefined;
  private countedRevision = -1;
  private readonly countSoon = debounce(() => void this.count(), 300);

  constructor(private readonly server: RecallServer) {
    this.item.name = 'Recall';
    this.item.command = 'recall.showStatus';
    this.disposables.push(
      this.item,
      server.onStatus((status) => {
        if (status.state === 'ready' && status.revision !== this.countedRevision) {
          this.countSoon();
        }
        this.update();
      }),
      server.onState(() => {
        this.fragments = undefined;
        this.countedRevision = -1;
        this.update();
      }),
    );
    this.update();
  }

  dispose(): void {
    this.countSoon.cancel();
    this.disposables.forEach((d) => d.dispose());
  }

  private async count(): Promise<void> {
    try {
      const report = await this.server.command<StatusReport>(Commands.status);
      this.fragments = report.fragments;
      this.countedRevision = report.revision ?? -1;
      this.update();
    } catch {
      // the server stopped meanwhile: onState updates the item
    }
  }

  private update(): void {
    const state = this.server.state;
    if (state === 'idle') {
      this.item.hide();
      return;
    }
    const running = state !== 'stopped';
    const status = this.server.status;
    const failure = this.server.failure;
    this.item.text = statusBarText(status, this.fragments, running, failure);
    this.item.tooltip = statusBarTooltip(status, this.fragments, running, failure);
    this.item.backgroundColor =
      !running || status?.state === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }
}
