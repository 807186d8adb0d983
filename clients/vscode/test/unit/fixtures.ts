/** Items as the server sends them, for the tests. */

import { Item } from '../../src/protocol';

export const tweet: Item = {
  id: 'tweet:1850000000000004000',
  score: 0.6149,
  text: 'Reading old notebooks is humbling: I had the same idea three times and forgot it twice.',
  kind: 'tweet',
  source: '/archives/twitter',
  location: '/archives/twitter/data/tweets.js:697',
  url: 'https://x.com/sample_writer/status/1850000000000004000',
  createdAt: '2024-06-25T05:00:00+00:00',
  title: null,
  file: '/archives/twitter/data/tweets.js',
  line: 697,
  snippet: 'Reading old notebooks is humbling: I had the same idea three times and forgot i…',
  date: '2024-06-25',
  sourceLabel: 'tweet',
  relevance: { level: 3, label: 'close' },
};

export const note: Item = {
  ...tweet,
  id: 'note:abc',
  kind: 'note',
  text: 'Error messages [should] say what went wrong\nand how to fix it.',
  url: null,
  title: 'Good errors',
  file: '/home/ada/notes/writing habits.md',
  line: 12,
  date: '2023-01-02',
  sourceLabel: 'writing habits.md',
  score: 0.4312,
  relevance: { level: 1, label: 'loose' },
};
