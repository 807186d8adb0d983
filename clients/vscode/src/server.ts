/**
 * The launcher: one `restart()` builds the LanguageClient from the current settings and starts
 * `recall-ls serve`; everything else in the extension talks to the server through this class.
 */

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { exitedReason, missingServerReason, startFailureMessage } from './format';
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  NotificationType,
  ParameterStructures,
  RequestType,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TextDocumentPositionParams,
} from 'vscode-languageclient/node';
import { Commands, InsertAs, InsertResult, InsertSpec, Related, RELATED, RelatedResult, Status, STATUS } from './protocol';
import {
  CLIENT_KEYS,
  findExecutable,
  languages,
  serverCommand,
  ServerCommand,
  serverSettings,
  ServerSettings,
  Variables,
} from './settings';

export const SECTION = 'recall';

const relatedRequest = new RequestType<TextDocumentPositionParams, RelatedResult, void>(RELATED, ParameterStructures.byName);
const relatedNotification = new NotificationType<Related>(RELATED);
const statusNotification = new NotificationType<Status>(STATUS);

/** `idle`: not started yet (no Markdown document open); `stopped`: stopped or failed to start. */
export type ServerState = 'idle' | 'starting' | 'running' | 'stopped';

export class RecallServer implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private clientListeners: vscode.Disposable[] = [];
  private queue: Promise<void> = Promise.resolve();
  private current: ServerState = 'idle';
  private lastStatus: Status | undefined;
  private launched: ServerCommand | undefined;
  private failed: string | undefined;
  private readonly relatedEvents = new vscode.EventEmitter<Related>();
  private readonly lensEvents = new vscode.EventEmitter<Related>();
  private readonly statusEvents = new vscode.EventEmitter<Status>();
  private readonly stateEvents = new vscode.EventEmitter<ServerState>();
  private readonly settingsEvents = new vscode.EventEmitter<void>();

  /** `recall/related` pushed by the server. */
  readonly onRelated = this.relatedEvents.event;
  /** The items of a clicked code lens (`recall.showRelated`). */
  readonly onShowRelated = this.lensEvents.event;
  readonly onStatus = this.statusEvents.event;
  readonly onState = this.stateEvents.event;
  /** The server has pulled the settings (after a change): what it shows may differ now. */
  readonly onSettingsPulled = this.settingsEvents.event;

  constructor(
    private readonly log: vscode.LogOutputChannel,
    private readonly trace: vscode.LogOutputChannel,
  ) {}

  get state(): ServerState {
    return this.current;
  }

  get status(): Status | undefined {
    return this.lastStatus;
  }

  /** Why the last start failed (the reason the error message gave), until the next start. */
  get failure(): string | undefined {
    return this.current === 'stopped' ? this.failed : undefined;
  }

  /** The program line that was started last, for the status report. */
  get commandLine(): string {
    return this.launched ? [this.launched.command, ...this.launched.args].join(' ') : '(not started)';
  }

  /** Stops the running server (if any) and starts a new one. Calls are queued, never overlapped. */
  restart(reason: string): Promise<void> {
    this.queue = this.queue.then(() => this.replace(reason));
    return this.queue;
  }

  /** Starts the server unless it runs or is starting. */
  ensureStarted(reason: string): Promise<void> {
    return this.current === 'idle' ? this.restart(reason) : this.queue;
  }

  async stop(): Promise<void> {
    this.queue = this.queue.then(() => this.stopClient());
    await this.queue;
  }

  dispose(): void {
    void this.stop();
    this.relatedEvents.dispose();
    this.lensEvents.dispose();
    this.statusEvents.dispose();
    this.stateEvents.dispose();
    this.settingsEvents.dispose();
  }

  /** Runs a server command (`recall.search`, …); rejects when the server is not running. */
  async command<T>(command: string, ...args: unknown[]): Promise<T> {
    const client = this.runningClient();
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: args })) as T;
  }

  /** The `recall/related` request for a position of an open document. */
  async related(document: vscode.TextDocument, position: vscode.Position, token?: vscode.CancellationToken): Promise<RelatedResult> {
    const client = this.runningClient();
    const params = client.code2ProtocolConverter.asTextDocumentPositionParams(document, position);
    return client.sendRequest(relatedRequest, params, token);
  }

  /** Inserts an item into a document through `recall.insert`: the server formats it, places it at the
   * cursor or in place of the selection, and sends the edit. Where the inserted text ends, or
   * undefined when the edit was not applied. */
  async insert(document: vscode.TextDocument, selection: vscode.Selection, id: string, format: InsertAs): Promise<vscode.Position | undefined> {
    const client = this.runningClient();
    const c2p = client.code2ProtocolConverter;
    const spec: InsertSpec = { uri: c2p.asUri(document.uri), position: c2p.asPosition(selection.active), id, format };
    if (!selection.isEmpty) {
      spec.range = c2p.asRange(selection);
    }
    const result = await this.command<InsertResult>(Commands.insert, spec);
    if (!result.applied || !result.edit) {
      return undefined;
    }
    const start = client.protocol2CodeConverter.asPosition(result.edit.range.start);
    const lines = result.edit.newText.split('\n');
    const last = lines[lines.length - 1];
    return lines.length === 1 ? start.translate(0, last.length) : new vscode.Position(start.line + lines.length - 1, last.length);
  }

  /** The settings the server gets, for a scope (a resource URI or none): the user's values. */
  settings(scope?: vscode.Uri): ServerSettings {
    const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) || vscode.workspace.workspaceFolders?.[0];
    const section = vscode.workspace.getConfiguration(undefined, folder?.uri).get(SECTION);
    return serverSettings(section, variables(folder));
  }

  private runningClient(): LanguageClient {
    if (!this.client || !this.client.isRunning()) {
      throw new Error('the Recall server is not running');
    }
    return this.client;
  }

  private setState(state: ServerState): void {
    if (state !== this.current) {
      this.current = state;
      this.stateEvents.fire(state);
    }
  }

  /** The server failed: remember why, tell the listeners (the state may already read `stopped`),
   * and show the same reason in an error message. */
  private fail(reason: string): void {
    this.failed = reason;
    this.current = 'stopped';
    this.stateEvents.fire('stopped');
    void this.explainStartFailure(reason);
  }

  private async replace(reason: string): Promise<void> {
    this.failed = undefined;
    await this.stopClient();
    const folder = vscode.workspace.workspaceFolders?.[0];
    const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
    const launch = serverCommand(config.get(CLIENT_KEYS.serverPath), variables(folder), fs.existsSync);
    this.launched = launch;
    this.log.info(`Starting ${launch.command} ${launch.args.join(' ')} (from ${launch.origin}): ${reason}`);
    if (!findExecutable(launch.command, process.env.PATH, isExecutable)) {
      this.log.error(`${launch.command} is not an executable file`);
      this.fail(missingServerReason(launch));
      return;
    }

    const serverOptions: ServerOptions = {
      command: launch.command,
      args: launch.args,
      options: { cwd: folder?.uri.fsPath, env: { ...process.env, PYTHONUNBUFFERED: '1' } },
    };
    const selector = languages(config.get(CLIENT_KEYS.plaintext)).flatMap((language) => [
      { scheme: 'file', language },
      { scheme: 'untitled', language },
    ]);
    const clientOptions: LanguageClientOptions = {
      documentSelector: selector,
      outputChannel: this.log,
      traceOutputChannel: this.trace,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationOptions: this.settings(),
      // Sends workspace/didChangeConfiguration when a `recall.*` setting changes.
      synchronize: { configurationSection: SECTION },
      middleware: {
        workspace: {
          // The server pulls `recall`: answer with the user's values less the client's own keys
          // (server.path, trace, plaintext), variables expanded; the server judges the values.
          configuration: async (params, token, next) => {
            const answers = await next(params, token);
            if (!Array.isArray(answers)) {
              return answers;
            }
            const settings = params.items.map((item, i) =>
              item.section === SECTION ? this.settings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined) : answers[i],
            );
            this.settingsEvents.fire();
            return settings;
          },
          // Say "changed" without the values: the server then pulls them through the above.
          didChangeConfiguration: (_sections, next) => next(undefined),
        },
        // The code lens command is the client's: show the lens's items, no round trip.
        executeCommand: async (command, args, next) => {
          if (command === Commands.showRelated) {
            const related = args[0] as Related | undefined;
            if (related && Array.isArray(related.items)) {
              this.lensEvents.fire(related);
            }
            return related;
          }
          return next(command, args);
        },
      },
      initializationFailedHandler: (error) => {
        this.log.error(`The Recall server failed to initialize: ${error}`);
        return false;
      },
    };

    const client = new LanguageClient(SECTION, 'Recall', serverOptions, clientOptions);
    this.clientListeners = [
      client.onNotification(relatedNotification, (params) => this.relatedEvents.fire(params)),
      client.onNotification(statusNotification, (params) => {
        this.lastStatus = params;
        this.statusEvents.fire(params);
      }),
      client.onDidChangeState((e) => {
        if (e.newState === State.Running) {
          this.setState('running');
        } else if (e.newState === State.Starting) {
          this.setState('starting');
        } else if (client === this.client) {
          this.setState('stopped'); // it crashed and the client gave up restarting it
        }
      }),
    ];
    this.client = client;
    this.lastStatus = undefined;
    this.setState('starting');
    try {
      await client.start();
      this.setState('running');
    } catch (error) {
      this.log.error(`Could not start ${launch.command}: ${error instanceof Error ? error.message : error}`);
      await this.stopClient();
      this.fail(exitedReason(launch.command, error));
    }
  }

  private async stopClient(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.clientListeners.forEach((d) => d.dispose());
    this.clientListeners = [];
    if (!client) {
      return;
    }
    try {
      if (client.needsStop()) {
        await client.stop(5000);
      }
    } catch (error) {
      this.log.warn(`Stopping the server: ${error}`);
    }
    this.setState('stopped');
  }

  private async explainStartFailure(reason: string): Promise<void> {
    const choice = await vscode.window.showErrorMessage(
      startFailureMessage(reason),
      'Open Settings',
      'Show Log',
    );
    if (choice === 'Open Settings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'recall.server.path');
    } else if (choice === 'Show Log') {
      this.log.show();
    }
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `${workspaceFolder}` and friends for a folder. */
export function variables(folder?: vscode.WorkspaceFolder): Variables {
  const folders: Record<string, string> = {};
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    folders[f.name] = f.uri.fsPath;
  }
  return { workspaceFolder: folder?.uri.fsPath, workspaceFolders: folders, home: os.homedir(), env: process.env };
}
