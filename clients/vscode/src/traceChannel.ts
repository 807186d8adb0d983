/**
 * The protocol trace goes to the same "Recall" log channel as everything else.
 *
 * vscode-languageclient 9+ traces only while the trace channel's log level is Trace, and then uses
 * `<id>.trace.server` for the verbosity. This view of the log channel makes `recall.trace.server`
 * work on its own, as users expect from the setting: when it is not `off`, the channel reports the
 * Trace level to the client and writes the trace lines at a level that shows.
 */

import * as vscode from 'vscode';

export function traceChannel(log: vscode.LogOutputChannel, section: string): vscode.LogOutputChannel {
  const setting = () => vscode.workspace.getConfiguration(section).get<string>('trace.server', 'off');
  const tracing = () => setting() !== 'off';
  const levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  const level = () => (tracing() ? vscode.LogLevel.Trace : log.logLevel);
  const listeners = [
    log.onDidChangeLogLevel(() => levelChanged.fire(level())),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${section}.trace.server`)) {
        levelChanged.fire(level());
      }
    }),
  ];
  return {
    get name() {
      return log.name;
    },
    get logLevel() {
      return level();
    },
    onDidChangeLogLevel: levelChanged.event,
    trace: (message, ...args) => (tracing() && log.logLevel !== vscode.LogLevel.Trace ? log.info(message, ...args) : log.trace(message, ...args)),
    debug: (message, ...args) => log.debug(message, ...args),
    info: (message, ...args) => log.info(message, ...args),
    warn: (message, ...args) => log.warn(message, ...args),
    error: (error, ...args) => log.error(error, ...args),
    append: (value) => log.append(value),
    appendLine: (value) => log.appendLine(value),
    replace: (value) => log.replace(value),
    clear: () => log.clear(),
    show: (...args: unknown[]) => (log.show as (...a: unknown[]) => void)(...args),
    hide: () => log.hide(),
    dispose: () => {
      listeners.forEach((l) => l.dispose());
      levelChanged.dispose();
    },
  };
}
