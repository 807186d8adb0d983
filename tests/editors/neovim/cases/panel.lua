-- The panel: a blank document shows forgotten gems under an "On this day" header; typing a paragraph fills it (pushed `recall/related`) with the matched words
-- highlighted, moving to another paragraph refills it (`recall/related` request on CursorMoved), and
-- its keys work: <CR> opens a tweet's URL or a note at its line, `i` inserts into the writing window,
-- `x` hides, `q` closes.
return function(t)
  local ui = t.stub_ui({})
  local buf = t.edit('notes/journal.md')
  local writing = vim.api.nvim_get_current_win()
  local client = t.ready(buf)

  vim.cmd('Recall panel')
  local panel_buf = t.panel_buffer()
  local panel_win = vim.fn.bufwinid(panel_buf)
  t.expect(vim.api.nvim_get_current_win() == writing, 'the panel took the focus')
  t.expect(vim.bo[panel_buf].buftype == 'nofile', 'the panel is not a scratch buffer')
  local layout = vim.fn.winlayout()
  t.expect(layout[1] == 'row', 'the panel is not a vertical split: %s', vim.inspect(layout))
  t.expect(
    vim.api.nvim_win_get_position(panel_win)[2] > vim.api.nvim_win_get_position(writing)[2],
    'the panel is not on the right'
  )
  -- A blank document: forgotten gems, what was written on this day (the server's day is 2025-11-20),
  -- and the header says so.
  t.wait('the on-this-day header over a blank document', function()
    return vim.api.nvim_buf_get_lines(panel_buf, 0, 1, false)[1] == 'Recall · On this day, 2024'
  end)
  t.expect(t.text(panel_buf):find('2024-11-20 · tweet · ○○○ 1 year ago', 1, true), 'gems:\n%s', t.text(panel_buf))

  -- Type a paragraph, as a user would.
  t.keys('iGoing back through my old journals, I found the same thought written down several times.<Esc>')
  t.wait('the panel to list the "same idea" tweet', function()
    return t.text(panel_buf):find('same idea three times', 1, true)
  end)
  local lines = vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)
  t.log('panel:\n%s', table.concat(lines, '\n'))
  t.expect(lines[1]:match('^Recall · %d+ related'), 'title: %s', lines[1])
  local tweet_row
  for row, line in ipairs(lines) do
    if line:find('same idea three times', 1, true) then
      tweet_row = row
      -- How close as a person reads it (marks and the server's label), not a raw "0.4x". A Lua class is
      -- bytes: `[●○]+` takes a run of the marks' bytes.
      t.expect(
        line:match('^%d%d%d%d%-%d%d%-%d%d · tweet · [●○]+ %a+ · '),
        'item line: %s',
        line
      )
      t.expect(line:find('●', 1, true), 'no filled mark: %s', line)
      t.expect(not line:find('0%.%d%d'), 'a raw score in the panel: %s', line)
    end
  end

  -- The tweet's words that the paragraph shares ("old", "same", "times") are highlighted.
  local written = {}
  for word in ('Going back through my old journals, I found the same thought written down several times.')
    :lower()
    :gmatch("[%w']+")
  do
    written[word] = true
  end
  local ns = vim.api.nvim_create_namespace('recall.panel')
  local marked = t.wait('a RecallMatch highlight on the tweet line', function()
    local texts = {}
    local panel_lines = vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)
    for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(panel_buf, ns, 0, -1, { details = true })) do
      local row, col, details = mark[2], mark[3], mark[4]
      local line = panel_lines[row + 1]
      if details.hl_group == 'RecallMatch' and line:find('same idea three times', 1, true) then
        table.insert(texts, line:sub(col + 1, details.end_col))
      end
    end
    return #texts > 0 and texts or nil
  end)
  for _, text in ipairs(marked) do
    for word in text:gmatch('%S+') do
      t.expect(written[word:lower()], '"%s" is highlighted but not in the paragraph: %s', word, vim.inspect(marked))
    end
  end

  -- Another paragraph, then move the cursor between the two: the panel follows the cursor.
  local tools = 'I keep switching note apps hoping the next one will fix my habits, '
    .. 'but each new app becomes another place where notes are forgotten.'
  t.keys('o<CR>' .. tools .. '<Esc>')
  t.wait('the panel to list the note about tools', function()
    return t.text(panel_buf):find('writing-habits.md', 1, true)
  end)
  t.move(writing, 1)
  t.wait('the panel to follow the cursor back to the first paragraph', function()
    local text = t.text(panel_buf)
    return text:find('same idea three times', 1, true) and not text:find('writing-habits.md', 1, true)
  end)

  -- <CR> on a tweet opens its URL.
  vim.api.nvim_set_current_win(panel_win)
  tweet_row = nil
  for row, line in ipairs(vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)) do
    tweet_row = tweet_row or (line:find('same idea three times', 1, true) and row)
  end
  vim.api.nvim_win_set_cursor(panel_win, { tweet_row, 0 })
  t.keys('<CR>')
  t.expect(ui.opened[1] and ui.opened[1]:match('^https://x%.com/.+/status/%d+$'), 'opened: %s', vim.inspect(ui.opened))

  -- `i` inserts that tweet at the writing window's cursor (end of the first line).
  vim.api.nvim_win_set_cursor(writing, { 1, 0 })
  vim.api.nvim_win_call(writing, function()
    vim.cmd('normal! $')
  end)
  t.keys('i')
  t.wait('the tweet inserted into the note', function()
    return vim.api.nvim_buf_get_lines(buf, 0, 1, true)[1]:find('several times%. Reading old notebooks is humbling')
  end)
  t.expect(vim.api.nvim_get_current_win() == panel_win, 'insert moved the focus')

  -- <CR> on a note opens it at its line in the writing window.
  vim.api.nvim_set_current_win(writing)
  t.move(writing, 3)
  local note_row = t.wait('the note in the panel', function()
    for row, line in ipairs(vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)) do
      if line:find('writing-habits.md', 1, true) then
        return row
      end
    end
  end)
  vim.api.nvim_set_current_win(panel_win)
  vim.api.nvim_win_set_cursor(panel_win, { note_row, 0 })
  local hidden_line = vim.api.nvim_buf_get_lines(panel_buf, note_row - 1, note_row, true)[1]
  t.keys('<CR>')
  t.expect(vim.api.nvim_get_current_win() == writing, 'the note did not open in the writing window')
  t.expect(
    vim.fs.basename(vim.api.nvim_buf_get_name(0)) == 'writing-habits.md',
    'opened %s',
    vim.api.nvim_buf_get_name(0)
  )
  local line = vim.api.nvim_win_get_cursor(0)[1]
  t.expect(
    vim.api.nvim_get_current_line():find('Waiting for the perfect tool', 1, true),
    'line %d: %s',
    line,
    vim.api.nvim_get_current_line()
  )

  -- `x` hides the note for good: gone from the panel after the refresh.
  t.keys('<C-o>')
  t.expect(vim.api.nvim_get_current_buf() == buf, 'back in %s', vim.api.nvim_buf_get_name(0))
  t.move(writing, 3)
  note_row = t.wait('the note in the panel again', function()
    for row, l in ipairs(vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)) do
      if l == hidden_line then
        return row
      end
    end
  end)
  vim.api.nvim_set_current_win(panel_win)
  vim.api.nvim_win_set_cursor(panel_win, { note_row, 0 })
  t.keys('x')
  t.wait('the hidden note to leave the panel', function()
    return not t.text(panel_buf):find(hidden_line, 1, true)
  end)

  -- `q` closes it.
  t.keys('q')
  t.expect(not vim.api.nvim_win_is_valid(panel_win), 'the panel window is still open')
  t.expect(not vim.api.nvim_buf_is_valid(panel_buf), 'the panel buffer was not wiped')
  t.expect(client.id ~= nil, 'client lost')
end
