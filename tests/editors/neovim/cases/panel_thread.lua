-- A thread expanded in place in the panel, against the real server: a paragraph that paraphrases the
-- example archive's two-post thread (a commonplace book kept in plain text, indexed by hand) lists
-- an item of the thread ("thread · N of 2"); <Tab> on it lists both posts in order under it, the
-- match marked with `RecallThreadHit`; the expansion stays through a refresh; `za` folds the thread
-- again; `T` inserts the whole thread, `i` on a post that post.
return function(t)
  t.stub_ui({})
  local buf = t.edit('drafts/commonplace.md')
  local writing = vim.api.nvim_get_current_win()
  t.ready(buf)
  vim.cmd('Recall panel')
  local panel_buf = t.panel_buffer()
  local panel_win = vim.fn.bufwinid(panel_buf)

  t.keys(
    'iMy commonplace notebook lives in plain text files, and I write its index myself, '
      .. 'because filing each entry by hand is the moment I notice how ideas connect.<Esc>'
  )
  local function row_of(pattern)
    for row, line in ipairs(vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)) do
      if line:find(pattern) then
        return row, line
      end
    end
  end
  local item_row = t.wait('an item of the thread in the panel', function()
    return row_of('^%d%d%d%d%-%d%d%-%d%d · thread · ')
  end)
  local _, item_line = row_of('^%d%d%d%d%-%d%d%-%d%d · thread · ')
  t.log('item: %s', item_line)

  vim.api.nvim_set_current_win(panel_win)
  vim.api.nvim_win_set_cursor(panel_win, { item_row, 0 })
  t.keys('<Tab>')
  local first_row = t.wait('the thread expanded under the item', function()
    return row_of('1/2 · [%d-]+ · Wrote up how I keep a commonplace book')
  end)
  local second_row = row_of('2/2 · [%d-]+ · @?%S* ?The trick is to write the index by hand')
  local lines = vim.api.nvim_buf_get_lines(panel_buf, 0, -1, false)
  t.log('panel:\n%s', table.concat(lines, '\n'))
  t.expect(first_row == item_row + 1 and second_row == item_row + 2, 'posts at %s and %s under the item at %d',
    tostring(first_row), tostring(second_row), item_row)

  -- The item's own post is marked, the other is not.
  local position = tonumber(item_line:match('thread · (%d) of 2'))
  local ns = vim.api.nvim_create_namespace('recall.panel')
  local hit_rows = {}
  for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(panel_buf, ns, 0, -1, { details = true })) do
    if mark[4].hl_group == 'RecallThreadHit' then
      table.insert(hit_rows, mark[2] + 1)
    end
  end
  if position then
    t.expect(vim.deep_equal(hit_rows, { item_row + position }), 'RecallThreadHit on rows %s', vim.inspect(hit_rows))
    t.expect(lines[item_row + position]:find('▶', 1, true), 'no marker: %s', lines[item_row + position])
  end
  local link = vim.api.nvim_get_hl(0, { name = 'RecallThreadHit' }).link
  t.expect(link == 'Visual', 'RecallThreadHit links to %s', vim.inspect(link))

  -- A refresh keeps the expansion while the thread is listed.
  t.keys('r')
  t.wait('the thread still expanded after a refresh', function()
    return row_of('1/2 · [%d-]+ · Wrote up how I keep') and row_of('2/2 · ')
  end)

  -- `za` (as on a fold) on a post folds the thread again; the item stays.
  vim.api.nvim_win_set_cursor(panel_win, { t.expect(row_of('2/2 · '), 'no second post'), 0 })
  t.keys('za')
  t.wait('the thread folded', function()
    return not row_of('1/2 · ') and not row_of('2/2 · ')
  end)
  item_row = t.expect(row_of('^%d%d%d%d%-%d%d%-%d%d · thread · '), 'the item left with its thread')

  -- Expanded again, `i` on the first post inserts that post (not the item's) into the writing window.
  vim.api.nvim_win_set_cursor(panel_win, { item_row, 0 })
  t.keys('<Tab>')
  first_row = t.wait('the thread expanded again', function()
    return row_of('1/2 · ')
  end)
  -- `T` on the item inserts the whole thread: both posts, then the first post's link.
  vim.api.nvim_win_set_cursor(panel_win, { item_row, 0 })
  t.keys('T')
  t.wait('the whole thread inserted', function()
    local text = t.text(buf)
    return text:find('commonplace book in plain text', 1, true)
      and text:find('The trick is to write the index by hand', 1, true)
      and text:find('status/1850000000000090000', 1, true)
  end)
  -- The list is about the same paragraph still: the thread stays expanded under its item.
  first_row = t.wait('the thread still expanded', function()
    return row_of('1/2 · ')
  end)
  vim.api.nvim_win_set_cursor(panel_win, { first_row, 0 })
  t.keys('i')
  t.wait('the first post inserted', function()
    local _, count = t.text(buf):gsub('commonplace book in plain text', '')
    return count == 2
  end)
  vim.api.nvim_set_current_win(writing)
end
