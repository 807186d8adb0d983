/**
 * A self-thread expanded in place under its item in the Recall panel: the toggle on an item of a
 * thread, and the thread's posts in order (`recall.thread`), the item's own post marked, each post
 * with open and insert. Pure HTML from plain data, like panelView (no `vscode`, no DOM): a post's
 * text is escaped, never parsed.
 */

import { esc, snippet } from './format';
import type { InsertFormat, Item, ThreadPosts } from './protocol';

/** Expanded threads by thread id: what `recall.thread` answered for each. */
export type ExpandedThreads = Record<string, ThreadPosts>;

/** The thread an item belongs to, when it has more than one post (nothing to expand otherwise). */
export function threadOf(item: Item): string | undefined {
  return item.thread && item.thread.length > 1 ? item.thread.id : undefined;
}

/** The expand/collapse button of an item in a thread, or nothing. */
export function threadToggle(item: Item, expanded: ExpandedThreads | undefined): string {
  const thread = threadOf(item);
  if (!thread) {
    return '';
  }
  const open = Boolean(expanded?.[thread]);
  const label = open ? '▾ Hide thread' : `▸ Show thread (${item.thread!.length})`;
  const title = open ? 'Collapse the thread' : 'Show every post of the thread in order, here';
  return `<button class="action expand" data-action="thread" data-id="${esc(item.id)}" aria-expanded="${open}" title="${title}">${label}</button>`;
}

/** The posts of an item's expanded thread, in order, the item's own post marked; or nothing. */
export function threadPosts(item: Item, expanded: ExpandedThreads | undefined, insertFormat: InsertFormat): string {
  const thread = threadOf(item);
  const whole = thread ? expanded?.[thread] : undefined;
  if (!whole) {
    return '';
  }
  const posts = whole.posts.map((post) => threadPost(post, whole.length, post.id === item.id, insertFormat)).join('');
  const notes = [
    whole.gaps ? `${whole.gaps} missing (deleted or not in the archive)` : '',
    whole.hidden ? `${whole.hidden} hidden` : '',
  ].filter(Boolean);
  const note = notes.length ? `<p class="thread-note">${esc(notes.join(' · '))}</p>` : '';
  return `<ol class="thread" aria-label="The whole thread, ${whole.length} posts">${posts}</ol>${note}`;
}

function threadPost(post: Item, length: number, current: boolean, insertFormat: InsertFormat): string {
  const id = esc(post.id);
  const place = post.thread?.position ? `${post.thread.position} of ${length}` : '';
  return (
    `<li class="post${current ? ' current' : ''}" data-id="${id}"${current ? ' aria-current="true"' : ''}>` +
    `<button class="open" data-action="open" data-id="${id}" title="Open the post"><span class="post-text">${esc(snippet(post.text, 280))}</span></button>` +
    `<div class="meta"><span class="date">${esc(post.date)}</span>${place ? `<span class="place">${place}</span>` : ''}` +
    `${current ? '<span class="here">this match</span>' : ''}</div>` +
    `<div class="actions"><button class="action" data-action="insert" data-format="${insertFormat}" data-id="${id}" title="Insert this post">Insert</button></div>` +
    `</li>`
  );
}

/** The expanded threads that still have an item in the list (an expansion outlives a refresh of
 * the list while its thread stays in it). */
export function keptThreads(expanded: ExpandedThreads | undefined, items: Item[]): ExpandedThreads {
  const listed = new Set(items.map(threadOf).filter((id): id is string => id !== undefined));
  return Object.fromEntries(Object.entries(expanded ?? {}).filter(([id]) => listed.has(id)));
}

/** A post of an expanded thread by id, for the panel's open and insert actions. */
export function postById(expanded: ExpandedThreads | undefined, id: string): Item | undefined {
  for (const whole of Object.values(expanded ?? {})) {
    const post = whole.posts.find((p) => p.id === id);
    if (post) {
      return post;
    }
  }
  return undefined;
}
