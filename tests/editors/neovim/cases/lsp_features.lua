-- The standard LSP features in real Neovim: the client attaches; `K` shows a related tweet; built-in
-- completion (<C-x><C-o>) inserts a tweet's text; code lenses are drawn, and running one opens the
-- panel with its items (the `recall.showRelated` command, handled client side).
return function(t)
  t.write('drafts/errors.md', {
    '# Errors',
    '',
    'When something breaks, the message should tell me what went wrong and how I can fix it.',
    '',
    'Going back through my old journals, I found the same thought written down several times.',
    'Errors',
  })
  local buf = t.edit('drafts/errors.md')
  t.expect(vim.bo[buf].filetype == 'markdown', 'filetype is %s', vim.bo[buf].filetype)
  local client = t.ready(buf)
  t.expect(client.config.cmd[1] == 'recall-ls', 'cmd is %s', vim.inspect(client.config.cmd))

  -- Hover with K on the first paragraph.
  vim.api.nvim_win_set_cursor(0, { 3, 5 })
  t.keys('K')
  local hover = t.wait('a hover float with the error-message tweet', function()
    for _, float in ipairs(t.floats()) do
      if t.text(float):find('A good error message says', 1, true) then
        return float
      end
    end
  end)
  t.expect(t.text(hover):find('Recall', 1, true), 'hover has no title:\n%s', t.text(hover))
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      vim.api.nvim_win_close(win, true)
    end
  end

  -- Completion on the word "Errors" (line 6, in the second paragraph): pick the first item.
  vim.o.completeopt = 'menu,menuone,noselect'
  vim.api.nvim_win_set_cursor(0, { 6, 0 })
  local completed = { shown = false }
  local poll = assert(vim.uv.new_timer())
  local deadline = vim.uv.now() + t.timeout
  poll:start(20, 20, vim.schedule_wrap(function()
    local info = vim.fn.complete_info({ 'items' })
    if #info.items > 0 and not completed.shown then
      completed.shown = true
      completed.words = vim.tbl_map(function(item)
        return item.word
      end, info.items)
      poll:stop()
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<C-n><C-y><Esc>', true, false, true), 'n', false)
    elseif vim.uv.now() > deadline then
      poll:stop()
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('<Esc>', true, false, true), 'n', false)
    end
  end))
  -- `!`: stay in Insert mode until the timer above has accepted an item and typed <Esc>.
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes('A<C-x><C-o>', true, false, true), 'tx!', false)
  t.expect(completed.shown, 'no completion menu appeared')
  t.log('completion offered: %s', vim.inspect(completed.words))
  t.expect(completed.words[1]:find('same idea three times', 1, true), 'first item: %s', completed.words[1])
  local line = t.wait('the accepted item to replace "Errors"', function()
    local text = vim.api.nvim_buf_get_lines(buf, 5, 6, true)[1]
    return text:find('same idea three times', 1, true) and text
  end)
  t.expect(not line:find('Errors', 1, true), 'the typed word was kept: %s', line)

  -- Code lenses: `N related · "…"` drawn as virtual text, N >= 1.
  vim.cmd.stopinsert()
  local lens_row = t.wait('a code lens "N related" drawn on the first paragraph', function()
    for _, mark in ipairs(vim.api.nvim_buf_get_extmarks(buf, -1, 0, -1, { details = true })) do
      local chunks = mark[4].virt_text or {}
      local text = table.concat(vim.tbl_map(function(chunk)
        return chunk[1]
      end, chunks))
      if text:match('[1-9]%d* related') and text:find('error message', 1, true) then
        t.log('lens at row %d: %s', mark[2], text)
        return mark[2] + 1
      end
    end
  end)

  -- Running the lens opens the panel with its items, without asking the server again.
  vim.api.nvim_win_set_cursor(0, { lens_row, 0 })
  vim.lsp.codelens.run()
  local panel = t.wait('the panel opened by the lens command', function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].filetype == 'recall' then
        return b
      end
    end
  end)
  t.wait('the lens items in the panel', function()
    return t.text(panel):find('A good error message says', 1, true)
  end)
  t.expect(vim.api.nvim_get_current_buf() == buf, 'the panel took the focus')
end
