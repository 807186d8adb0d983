/**
 * Reads and writes the filter settings for the panel (filters.ts decides what to write). Written like
 * any setting, in the workspace's settings when a folder is open, else the user's: they persist, and
 * the server, told of the change, applies them without a restart.
 */

import * as vscode from 'vscode';
import { FILTER_KEYS, FilterChange, FilterControls, filterSettings, kindChoices, planFilterChange } from './filters';
import { SECTION } from './server';

const EXTENSION_ID = 'recall-ls.recall';

function packageJSON(): unknown {
  return vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON;
}

/** The kinds to toggle and the filter settings in effect now. */
export function filterControls(): FilterControls {
  const config = vscode.workspace.getConfiguration(SECTION);
  const defaults = (key: string) => config.inspect(key)?.defaultValue;
  const settings = filterSettings(
    (key) => config.get(key),
    { kinds: (defaults(FILTER_KEYS.kinds) as string[] | undefined) ?? [], since: '', until: '' },
  );
  return { choices: kindChoices(packageJSON()), settings };
}

/** Whether a configuration change touches the filters. */
export function affectsFilters(e: vscode.ConfigurationChangeEvent): boolean {
  return Object.values(FILTER_KEYS).some((key) => e.affectsConfiguration(`${SECTION}.${key}`));
}

/** Applies a change from the panel, or says why it was not applied. Clearing removes the values
 * where the panel writes them, and sets the default there when the user's settings would still narrow. */
export async function applyFilterChange(change: FilterChange): Promise<void> {
  const plan = planFilterChange(change, filterControls(), packageJSON());
  if ('error' in plan) {
    void vscode.window.showWarningMessage(`Recall: ${plan.error}`);
    return;
  }
  const config = vscode.workspace.getConfiguration(SECTION);
  const inWorkspace = (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  const target = inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  try {
    for (const [key, value] of Object.entries(plan.write)) {
      const shadowed = value === undefined && inWorkspace && config.inspect(key)?.globalValue !== undefined;
      await config.update(key, shadowed ? config.inspect(key)?.defaultValue : value, target);
    }
  } catch (error) {
    void vscode.window.showErrorMessage(`Recall could not change the filters: ${error instanceof Error ? error.message : error}`);
  }
}
