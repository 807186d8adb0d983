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
      -- The server bolds the matched words (`**message**`); the float keeps the Markdown.
      if t.text(float):gsub('%*%*', ''):find('A good error message says', 1, true) then
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

  -- Completion: on a line holding one typed word, <C-x><C-o>, then <C-n> down to the first item
  -- that holds `wanted`, and <C-y>. (Open documents are searchable too, so what ranks first can be
  -- one of this draft's own paragraphs, depending on when the server indexed them.)
  vim.o.completeopt = 'menu,menuone,noselect'
  -- At the end of the row, or right after byte column `after` (0-based) when given.
  local function complete(row, wanted, after)
    vim.api.nvim_win_set_cursor(0, { row, after or 0 })
    local offered
    local poll = assert(vim.uv.new_timer())
    local deadline = vim.uv.now() + t.timeout
    local function type_keys(keys)
      vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'n', false)
    end
    poll:start(
      20,
      20,
      vim.schedule_wrap(function()
        local info = vim.fn.complete_info({ 'items' })
        if #info.items > 0 and not offered then
          poll:stop()
          offered = vim.tbl_map(function(item)
            return item.word
          end, info.items)
          for index, word in ipairs(offered) do
            if word:find(wanted, 1, true) then
              return type_keys(('<C-n>'):rep(index) .. '<C-y><Esc>')
            end
          end
          type_keys('<C-e><Esc>')
        elseif vim.uv.now() > deadline then
          poll:stop()
          type_keys('<Esc>')
        end
      end)
    )
    -- `!`: stay in Insert mode until the timer above has accepted an item and typed <Esc>.
    local append = after and 'a' or 'A'
    vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(append .. '<C-x><C-o>', true, false, true), 'tx!', false)
    t.expect(offered, 'no completion menu appeared')
    t.log('completion offered: %s', vim.inspect(offered))
    t.expect(
      vim.iter(offered):any(function(word)
        return word:find(wanted, 1, true) ~= nil
      end),
      'no item holds %q',
      wanted
    )
  end

  -- "Errors" ends the second paragraph: the whole tweet replaces it (not just its first word).
  complete(6, 'same idea three times')
  local line = t.wait('the accepted item to replace "Errors"', function()
    local text = vim.api.nvim_buf_get_lines(buf, 5, 6, true)[1]
    return text:find('Reading old notebooks is humbling: I had the same idea three times and forgot it twice.', 1, true)
      and text
  end)
  t.expect(not line:find('Errors', 1, true), 'the typed word was kept: %s', line)

  -- Neovim counts columns in UTF-8 bytes: past accents and an emoji, mid-line, the typed word is
  -- still the one replaced, and the text around it is left whole.
  local prefix = 'Café ☕, déjà vu 🙂: my old notebooks hold the same idea again and again. '
  local suffix = ' — noted twice.'
  vim.api.nvim_buf_set_lines(buf, -1, -1, true, { '', prefix .. 'Notebooks' .. suffix })
  local accented = vim.api.nvim_buf_line_count(buf)
  complete(accented, 'same idea three times', #prefix + #'Notebooks' - 1)
  local replaced = t.wait('the accepted item to replace "Notebooks" after the accents', function()
    local text = vim.api.nvim_buf_get_lines(buf, accented - 1, accented, true)[1]
    return text:find('Reading old notebooks is humbling', 1, true) and text
  end)
  t.expect(
    replaced == prefix .. 'Reading old notebooks is humbling: I had the same idea three times and forgot it twice.' .. suffix,
    'after the accents: %s',
    replaced
  )

  -- With insertFormat = "quote" (changed live) the accepted text spans lines: all of them arrive.
  client.settings.recall.insertFormat = 'quote'
  client:notify('workspace/didChangeConfiguration', { settings = client.settings })
  vim.api.nvim_buf_set_lines(buf, -1, -1, true, { '', 'My old notebooks keep repeating one idea.', 'Quote' })
  local last = vim.api.nvim_buf_line_count(buf)
  t.wait('the tweet to be offered as a quote', function()
    local reply = vim.lsp.buf_request_sync(buf, 'textDocument/completion', {
      textDocument = { uri = vim.uri_from_bufnr(buf) },
      position = { line = last - 1, character = 5 },
    }, 10000)
    local items = reply and reply[client.id] and reply[client.id].result.items or {}
    return vim.iter(items):any(function(item)
      return item.textEdit.newText:find('^> Reading old notebooks') ~= nil
    end)
  end)
  complete(last, '> Reading old notebooks')
  local tail = vim.api.nvim_buf_get_lines(buf, last - 1, -1, true)
  t.log('quoted:\n%s', table.concat(tail, '\n'))
  t.expect(tail[1]:find('^> Reading old notebooks'), 'quote starts with: %s', tail[1])
  t.expect(tail[#tail]:find('^> — 2024%-06%-25 · %[source%]%(https://x%.com/'), 'quote ends with: %s', tail[#tail])
  t.expect(vim.api.nvim_win_get_cursor(0)[1] == vim.api.nvim_buf_line_count(buf), 'cursor not after the quote')

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
  local panel = t.panel_buffer('the panel opened by the lens command')
  t.wait('the lens items in the panel', function()
    return t.text(panel):find('A good error message says', 1, true)
  end)
  t.expect(vim.api.nvim_get_current_buf() == buf, 'the panel took the focus')
end
