-- The panel highlights the words that made each item match (`matched`) with `RecallMatch`, fed
-- items directly (no server): whole words in any case, with their accents, at the right bytes after
-- multibyte text, never inside a longer word; a user's own `RecallMatch` wins over the default link.
-- Also the status words while only the keyword tier is searchable.
return function(t)
  vim.api.nvim_set_hl(0, 'RecallMatch', { underline = true }) -- the user's, set before Recall loads
  package.loaded['recall.panel'] = nil
  local panel = require('recall.panel')
  t.expect(vim.api.nvim_get_hl(0, { name = 'RecallMatch' }).underline, 'the user highlight was replaced')
  vim.cmd('highlight clear RecallMatch')
  vim.api.nvim_exec_autocmds('ColorScheme', {})
  local link = vim.api.nvim_get_hl(0, { name = 'RecallMatch' }).link
  t.expect(link == 'Search', 'RecallMatch links to %s', vim.inspect(link))

  local buf = t.edit('drafts/today.md')
  local tweet = {
    id = 'tweet:1',
    kind = 'tweet',
    score = 0.61,
    relevance = { level = 3, label = 'close' },
    text = 'Reading old notebooks is humbling: I had the same idea three times. Same notes, same note.',
    snippet = 'Reading old notebooks is humbling: I had the same idea three times. Same notes, same note.',
    date = '2024-06-25',
    sourceLabel = 'tweet',
    url = 'https://x.com/a/status/1',
    matched = { 'notebooks', 'same', 'note' },
  }
  local note = {
    id = 'note:idées',
    kind = 'note',
    score = 0.5234,
    relevance = { level = 2, label = 'related' },
    why = '0.46 meaning · +0.04 words · +0.02 recent',
    text = 'Les idées reviennent: Idées, encore; idéesfixes non.',
    snippet = 'Les idées reviennent: Idées, encore; idéesfixes non.',
    date = '2023-01-02',
    sourceLabel = 'carnet d’idées.md',
    file = t.workspace .. '/notes/carnet.md',
    line = 1,
    matched = { 'idées' },
  }
  local meaning_only = vim.tbl_extend('force', note, { id = 'note:2', matched = {} })
  panel.show({ uri = vim.uri_from_bufnr(buf), range = nil, items = { tweet, note, meaning_only } })
  local panel_buf = t.panel_buffer()

  local lines = vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)
  t.log('panel:\n%s', table.concat(lines, '\n'))
  local ns = vim.api.nvim_create_namespace('recall.panel')
  local marked = {} ---@type table<integer, string[]> panel line (1-based) -> highlighted texts
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(panel_buf, ns, 0, -1, { details = true })) do
    local row, col, details = mark[2], mark[3], mark[4]
    if details.hl_group == 'RecallMatch' then
      marked[row + 1] = marked[row + 1] or {}
      table.insert(marked[row + 1], lines[row + 1]:sub(col + 1, details.end_col))
    end
  end
  local function row_of(text)
    for row, line in ipairs(lines) do
      if line:find(text, 1, true) then
        return row
      end
    end
    error('not in the panel: ' .. text)
  end
  local function expect_marks(row, want)
    local got = table.concat(marked[row] or {}, '|')
    t.expect(got == want, 'line %d marks %q, expected %q: %s', row, got, want, lines[row])
  end
  expect_marks(row_of('Reading old notebooks'), 'notebooks|same|Same|same|note')
  expect_marks(row_of('Les idées reviennent'), 'idées|Idées')
  t.expect(row_of('Les idées reviennent') ~= #lines, 'the meaning-only item is not listed')
  expect_marks(#lines, '') -- the meaning-only item: nothing marked
  t.expect(lines[#lines]:find('Les idées reviennent', 1, true), 'last line: %s', lines[#lines])

  -- Relevance as marks and the server's label, highlighted; the number only in the details (`K`).
  local note_row = row_of('Les idées reviennent')
  t.expect(lines[row_of('Reading old notebooks')]:find('2024-06-25 · tweet · ●●● close · Reading', 1, true), 'tweet line: %s', lines[1])
  t.expect(lines[note_row]:find(' · ●●○ related · Les idées', 1, true), 'note line: %s', lines[note_row])
  t.expect(not table.concat(lines, '\n'):find('0%.%d%d'), 'a raw score in the panel:\n%s', table.concat(lines, '\n'))
  local relevance_marks = vim.tbl_filter(function(mark)
    return mark[4].hl_group == 'RecallRelevance' and mark[2] + 1 == note_row
  end, vim.api.nvim_buf_get_extmarks(panel_buf, ns, 0, -1, { details = true }))
  t.expect(#relevance_marks == 1, 'RecallRelevance marks on the note line: %d', #relevance_marks)
  local hl = relevance_marks[1]
  t.expect(
    lines[note_row]:sub(hl[3] + 1, hl[4].end_col) == '●●○ related',
    'highlighted: %q',
    lines[note_row]:sub(hl[3] + 1, hl[4].end_col)
  )
  local panel_win = vim.fn.bufwinid(panel_buf)
  vim.api.nvim_set_current_win(panel_win)
  vim.api.nvim_win_set_cursor(panel_win, { note_row, 0 })
  t.keys('K')
  local details = t.wait('the details float', function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        return vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false)
      end
    end
  end)
  t.log('details:\n%s', table.concat(details, '\n'))
  t.expect(details[1] == '●●○ related (score 0.52: 0.46 meaning · +0.04 words · +0.02 recent)', 'details: %s', details[1])
  local plain = require('recall.items').details({ score = 0.61, relevance = { level = 3, label = 'close' } })
  t.expect(plain[1] == '●●● close (similarity 0.61)', 'details without why: %s', plain[1])
  t.expect(details[2]:find('2023-01-02 · carnet d’idées.md', 1, true), 'details: %s', details[2])
  t.expect(vim.tbl_contains(details, note.text), 'no text in the details: %s', vim.inspect(details))
  -- From a server without relevance: the number, as before.
  t.expect(require('recall.items').closeness({ score = 0.43 }) == '0.43', 'no relevance')

  -- Only the keyword tier is searchable yet: the status says so in words.
  local status = require('recall.status')
  local indexing =
    { state = 'indexing', message = 'keywords ready, meaning 12%', percent = 12, revision = 1, pending = 0 }
  t.expect(status.describe(indexing) == 'indexing 12%', 'without tiers: %s', status.describe(indexing))
  indexing.tiers = {
    keywords = { ready = true, fragments = 1234 },
    meaning = { ready = false, embedded = 129, total = 1000 },
  }
  t.expect(status.describe(indexing) == 'keywords ready, meaning 12%', 'with tiers: %s', status.describe(indexing))
  t.expect(
    vim.deep_equal(status.tier_lines(indexing.tiers), {
      'keywords: ready (1234 fragments)',
      'meaning: 12% (129 of 1000 embedded)',
    }),
    'tier lines: %s',
    vim.inspect(status.tier_lines(indexing.tiers))
  )
  indexing.tiers.meaning = { ready = true, embedded = 1000, total = 1000 }
  t.expect(status.describe(indexing) == 'indexing 12%', 'both tiers ready: %s', status.describe(indexing))
  local full = {
    state = 'loading-model',
    tiers = { keywords = { ready = true, fragments = 3 }, meaning = { ready = false, embedded = 0, total = 0 } },
  }
  local words = status.describe(status.brief(full)) -- a `recall.status` reply, as `:checkhealth` words it
  t.expect(words == 'keywords ready, meaning 0%', 'brief: %s', words)
end
