/**
 * The panel's filters: which kinds of past writing to show and a date range, written to the settings
 * `recall.kinds`, `recall.since` and `recall.until` that the server applies at once. The kinds, their
 * descriptions and the date pattern are read from the extension's package.json, whose
 * `contributes.configuration` the server's settings schema generates: no second list of them here.
 *
 * Pure: no `vscode` import, so the unit tests can use it (filterSettings.ts reads and writes).
 */

/** The settings the panel's filter controls write, by their key in the `recall` section. */
export const FILTER_KEYS = { kinds: 'kinds', since: 'since', until: 'until' } as const;
export type DateKey = typeof FILTER_KEYS.since | typeof FILTER_KEYS.until;

/** A kind the panel offers as a toggle. */
export interface KindChoice {
  kind: string;
  description: string;
}

/** The filter settings as the user holds them now. */
export interface FilterSettings {
  kinds: string[];
  since: string;
  until: string;
}

/** What the panel's filter controls show: the kinds to toggle and the settings in effect. */
export interface FilterControls {
  choices: KindChoice[];
  settings: FilterSettings;
}

/** A change asked from the panel. */
export type FilterChange = { kind: string; on: boolean } | { key: DateKey; value: string } | { clear: true };

/** What to write: each key's new value (undefined: remove the user's value), or why nothing is. */
export type FilterWrite = { write: Partial<Record<keyof typeof FILTER_KEYS, string[] | string | undefined>> } | { error: string };

interface SettingSchema {
  default?: unknown;
  pattern?: string;
  patternErrorMessage?: string;
  items?: { enum?: string[]; enumDescriptions?: string[] };
}

/** The schema of the setting `recall.<key>` in a package.json (`contributes.configuration`, an
 * object or a list of them). */
export function settingSchema(packageJSON: unknown, key: string): SettingSchema | undefined {
  const contributed = (packageJSON as { contributes?: { configuration?: unknown } } | undefined)?.contributes?.configuration;
  const sections = (Array.isArray(contributed) ? contributed : [contributed]) as { properties?: Record<string, SettingSchema> }[];
  return sections.map((section) => section?.properties?.[`recall.${key}`]).find((schema) => schema !== undefined);
}

/** The kinds to toggle, in the settings' order, with what each holds. */
export function kindChoices(packageJSON: unknown): KindChoice[] {
  const items = settingSchema(packageJSON, FILTER_KEYS.kinds)?.items;
  return (items?.enum ?? []).map((kind, i) => ({ kind, description: items?.enumDescriptions?.[i] ?? '' }));
}

/** The settings as read, a wrongly typed value read as its default (the server names it). */
export function filterSettings(read: (key: string) => unknown, defaults: FilterSettings): FilterSettings {
  const kinds = read(FILTER_KEYS.kinds);
  const text = (key: DateKey) => {
    const value = read(key);
    return typeof value === 'string' ? value : defaults[key];
  };
  return {
    kinds: Array.isArray(kinds) && kinds.every((k) => typeof k === 'string') ? kinds : defaults.kinds,
    since: text(FILTER_KEYS.since),
    until: text(FILTER_KEYS.until),
  };
}

/** What a change from the panel writes; a date that does not match the setting's own pattern, and
 * a list left with no kind, are refused with a message saying why. */
export function planFilterChange(change: FilterChange, controls: FilterControls, packageJSON: unknown): FilterWrite {
  if ('clear' in change) {
    return { write: { kinds: undefined, since: undefined, until: undefined } };
  }
  if ('kind' in change) {
    const chosen = new Set(controls.settings.kinds);
    if (change.on) {
      chosen.add(change.kind);
    } else {
      chosen.delete(change.kind);
    }
    const kinds = controls.choices.map((c) => c.kind).filter((kind) => chosen.has(kind));
    if (kinds.length === 0) {
      return { error: 'recall.kinds: keep at least one kind of writing to show.' };
    }
    return { write: { kinds } };
  }
  const value = change.value.trim();
  const schema = settingSchema(packageJSON, change.key);
  if (schema?.pattern && !new RegExp(schema.pattern).test(value)) {
    const expected = schema.patternErrorMessage ?? 'a date';
    return { error: `recall.${change.key}: "${value}" is not ${expected}; the setting was left as it was.` };
  }
  return { write: { [change.key]: value } };
}
