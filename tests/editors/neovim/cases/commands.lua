-- `:Recall` and its subcommands, with the client started by `require('recall').setup()`:
-- completion of subcommand names, `search` through vim.ui.input / vim.ui.select (stubbed here, as
-- Telescope or fzf-lua would replace them), choosing a result inserts or opens it, `insert` and
-- `hide` outside the panel, `status` and `reindex`.
return function(t)
  t.expect(vim.g.recall == nil, 'this case starts through setup(), not vim.g.recall')
  local completions = vim.fn.getcompletion('Recall ', 'cmdline')
  t.expect(
    vim.deep_equal(completions, { 'filter', 'hide', 'insert', 'panel', 'reindex', 'search', 'status', 'unhide' }),
    'completions: %s',
    vim.inspect(completions)
  )
  t.expect(vim.deep_equal(vim.fn.getcompletion('Recall re', 'cmdline'), { 'reindex' }), 'prefix completion')
  t.expect(#vim.fn.getcompletion('Recall search ', 'cmdline') == 0, 'completes after the subcommand')

  t.write(
    'drafts/search.md',
    { 'A draft.', '', 'Going back through my old journals, I found the same thought written down several times.' }
  )
  local buf = t.edit('drafts/search.md')
  t.ready(buf)
  vim.cmd('normal! gg$')

  -- :Recall search, asking for the words, then "insert" the chosen result.
  local choose = { action = 'insert' }
  local ui = t.stub_ui({
    input = 'I had the same idea several times without noticing',
    select = function(items, opts)
      if opts.kind == 'recall.action' then
        return choose.action
      end
      for _, item in ipairs(items) do
        if item.text and item.text:find('same idea three times', 1, true) then
          return item
        end
      end
    end,
  })
  vim.cmd('Recall search')
  t.wait('the result inserted into the draft', function()
    return t.text(buf):find('A draft%. Reading old notebooks is humbling')
  end)
  t.expect(ui.inputs[1].prompt == 'Recall search: ', 'input prompt: %s', vim.inspect(ui.inputs[1]))
  local results = ui.selects[1]
  t.expect(results.opts.prompt:find('same idea several times', 1, true), 'select prompt: %s', results.opts.prompt)
  t.expect(#results.items > 0, 'no results')
  t.log('results:\n%s', table.concat(vim.tbl_map(results.opts.format_item, results.items), '\n'))
  local tweet = vim.iter(results.items):find(function(item)
    return item.kind == 'tweet'
  end)
  local shown = results.opts.format_item(tweet)
  t.expect(shown:match('^%d%d%d%d%-%d%d%-%d%d · tweet · [●○]+ %a+ · .+'), 'a tweet reads: %s', shown)
  t.expect(ui.selects[2].opts.kind == 'recall.action', 'no action asked')

  -- :Recall search with the words given, and "open": a tweet opens its URL.
  choose.action = 'open'
  vim.cmd('Recall search same idea written down again and again')
  t.wait('the tweet URL opened', function()
    return ui.opened[1]
  end)
  t.expect(ui.opened[1]:match('^https://x%.com/'), 'opened %s', ui.opened[1])

  -- :Recall insert outside the panel: pick one of the items related to the paragraph.
  vim.api.nvim_win_set_cursor(0, { 3, 0 })
  vim.cmd('normal! $')
  local before = #ui.selects
  vim.cmd('Recall insert')
  t.wait('the related item inserted', function()
    return vim.api.nvim_buf_get_lines(buf, 2, 3, true)[1]:find('several times%. Reading old notebooks')
  end)
  t.expect(
    ui.selects[before + 1].opts.prompt == 'Recall: insert',
    'insert prompt: %s',
    ui.selects[before + 1].opts.prompt
  )

  -- :Recall hide outside the panel: gone from search results afterwards.
  vim.cmd('Recall hide')
  t.wait('the hidden notice', function()
    for _, note in ipairs(ui.notes) do
      if note.message:find('^Recall: hidden: Reading old notebooks') then
        return true
      end
    end
  end)
  local client = require('recall.lsp').client(buf)
  local found = vim.lsp.buf_request_sync(
    buf,
    'workspace/executeCommand',
    { command = 'recall.search', arguments = { 'I had the same idea three times and forgot it twice' } },
    10000
  )
  -- The draft now quotes the hidden tweet twice and is part of the corpus while open: its own
  -- paragraphs (notes) may come back, the tweet itself must not.
  for _, reply in pairs(found or {}) do
    for _, item in ipairs(reply.result or {}) do
      local hidden_tweet = item.kind == 'tweet' and item.text:find('same idea three times', 1, true)
      t.expect(not hidden_tweet, 'a hidden item came back: %s', item.text)
    end
  end

  -- :Recall unhide: the hidden tweet is listed (after a choice of all), chosen, and comes back.
  local asked = #ui.selects
  vim.cmd('Recall unhide')
  t.wait('the shown-again notice', function()
    for _, note in ipairs(ui.notes) do
      if note.message == 'Recall: 1 shown again' then
        return true
      end
    end
  end)
  local offered = ui.selects[asked + 1]
  t.expect(offered.opts.prompt == 'Recall: show again', 'unhide prompt: %s', offered.opts.prompt)
  t.expect(offered.opts.format_item(offered.items[1]) == 'all hidden fragments (1)', 'first choice: all')
  local back = vim.lsp.buf_request_sync(
    buf,
    'workspace/executeCommand',
    { command = 'recall.search', arguments = { 'I had the same idea three times and forgot it twice' } },
    10000
  )
  local returned = false
  for _, reply in pairs(back or {}) do
    for _, item in ipairs(reply.result or {}) do
      returned = returned or (item.kind == 'tweet' and item.text:find('same idea three times', 1, true) ~= nil)
    end
  end
  t.expect(returned, 'the tweet shown again did not come back')

  -- :Recall status and :Recall reindex.
  vim.cmd('Recall status')
  local status = t.wait('the status report', function()
    for _, note in ipairs(ui.notes) do
      if note.message:find('^Recall %S+: ready') then
        return note.message
      end
    end
  end)
  t.log('status:\n%s', status)
  t.expect(status:find('source: ' .. t.workspace .. '/archive', 1, true), 'no archive in status')
  local states = {}
  vim.api.nvim_create_autocmd('User', {
    pattern = 'RecallStatus',
    callback = function(args)
      table.insert(states, args.data.status.state)
    end,
  })
  vim.cmd('Recall reindex')
  t.wait('the reindex notice', function()
    return vim.iter(ui.notes):any(function(note)
      return note.message == 'Recall: re-reading every source'
    end)
  end)
  t.wait('indexing, then ready again', function()
    local indexing = vim.iter(ipairs(states)):find(function(_, state)
      return state == 'indexing'
    end)
    return indexing and states[#states] == 'ready'
  end)

  -- The same item reads the same as in VS Code: the example tweet on error messages, inserted as a quote
  -- through the server (`recall.insert`), is exactly tests/fixtures/insert/error-message-quote.md, a
  -- paragraph of its own after the cursor's line.
  local found_quote = vim.lsp.buf_request_sync(buf, 'workspace/executeCommand', {
    command = 'recall.search',
    arguments = { 'an error message should say what happened and what to do next' },
  }, 10000)
  local error_tweet
  for _, reply in pairs(found_quote or {}) do
    error_tweet = error_tweet
      or vim.iter(reply.result or {}):find(function(item)
        return item.text:find('^A good error message') ~= nil
      end)
  end
  t.expect(error_tweet, 'no "A good error message" tweet in the search results')
  vim.api.nvim_win_set_cursor(0, { 1, 3 })
  local expected = vim.list_extend({ '' }, vim.fn.readfile(os.getenv('RECALL_TEST_QUOTE')))
  table.insert(expected, '')
  require('recall.items').insert(error_tweet, { format = 'quote' })
  t.wait('the quote inserted after the first line', function()
    return vim.deep_equal(vim.api.nvim_buf_get_lines(buf, 1, 1 + #expected, false), expected)
  end)

  -- An unknown subcommand says what exists.
  vim.cmd('Recall nope')
  t.expect(
    ui.notes[#ui.notes].message:find('unknown subcommand "nope"', 1, true),
    'unknown: %s',
    ui.notes[#ui.notes].message
  )
end
