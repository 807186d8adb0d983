-- `:Recall filter`: completion of its arguments, the list and the panel header narrowed at once (no
-- restart), a bad date named by the server, `:Recall filter` alone saying what is in effect, and
-- `:Recall filter clear`. The panel as it reads under a filter is kept (RECALL_TEST_CAPTURE).
return function(t)
  local completions = vim.fn.getcompletion('Recall filter ', 'cmdline')
  t.expect(
    vim.deep_equal(completions, { 'clear', 'kinds=', 'since=', 'until=' }),
    'completions: %s',
    vim.inspect(completions)
  )
  local kinds = vim.fn.getcompletion('Recall filter since=2020 kinds=note,t', 'cmdline')
  t.expect(vim.deep_equal(kinds, { 'kinds=note,tweet', 'kinds=note,thread' }), 'kinds: %s', vim.inspect(kinds))

  local buf = t.edit('notes/journal.md')
  local writing = vim.api.nvim_get_current_win()
  t.ready(buf)
  vim.cmd('Recall panel')
  local panel_buf = t.panel_buffer()
  vim.api.nvim_set_current_win(writing)
  t.keys('iGoing back through my old journals, I found the same thought written down several times.<Esc>')
  t.wait('the panel to list the "same idea" tweet', function()
    return t.text(panel_buf):find('same idea three times', 1, true)
  end)
  t.expect(not t.text(panel_buf):find('Filtered:', 1, true), 'a filters line without filters:\n%s', t.text(panel_buf))

  vim.cmd('Recall filter kinds=note since=2000')
  t.wait('the header to say "Filtered: notes · since 2000" and the tweet to go', function()
    local text = t.text(panel_buf)
    return text:find('\nFiltered: notes · since 2000\n', 1, true) and not text:find('same idea three times', 1, true)
  end)
  -- A paragraph about notes: notes come, under the same header.
  t.keys(
    'o<CR>I keep switching note apps hoping the next one will fix my habits, '
      .. 'but each new app becomes another place where notes are forgotten.<Esc>'
  )
  t.wait('the note about tools, filtered', function()
    local text = t.text(panel_buf)
    return text:find('writing-habits.md', 1, true) and text:find('\nFiltered: notes · since 2000\n', 1, true)
  end)
  local lines = vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)
  for _, line in ipairs(lines) do
    t.expect(not line:find(' · tweet · ', 1, true), 'a tweet under kinds=note: %s', line)
  end
  t.log('panel under a filter:\n%s', table.concat(lines, '\n'))
  if vim.env.RECALL_TEST_CAPTURE then
    vim.fn.writefile(lines, vim.env.RECALL_TEST_CAPTURE)
  end
  t.move(writing, 1)

  -- A date that is no date: the server names it, and the rest of the filters still apply.
  vim.cmd('Recall filter since=2019-13')
  t.wait('the server to name the bad date', function()
    return vim.api.nvim_exec2('messages', { output = true }).output:find("recall.since: expected a date", 1, true)
  end)
  t.wait('"Filtered: notes" alone', function()
    return t.text(panel_buf):find('\nFiltered: notes\n', 1, true)
  end)

  -- Alone: what is in effect, as the server holds it (the bad date is not).
  local ui = t.stub_ui({})
  vim.cmd('Recall filter')
  local said = t.wait('the filters in effect', function()
    return ui.notes[1] and ui.notes[1].message
  end)
  t.expect(said == 'Recall filters: kinds=note since=(no limit) until=(no limit)', 'said: %s', said)

  -- A typo in a key is the client's to say; nothing changes.
  vim.cmd('Recall filter kind=note')
  t.expect(
    ui.notes[2] and ui.notes[2].message:find('"kind=note": expected clear', 1, true),
    'notes: %s',
    vim.inspect(ui.notes)
  )

  vim.cmd('Recall filter clear')
  t.wait('the tweet back and no filters line', function()
    local text = t.text(panel_buf)
    return text:find('same idea three times', 1, true) and not text:find('Filtered:', 1, true)
  end)
end
