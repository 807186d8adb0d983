-- The Neovim 0.10 way of starting (no vim.lsp.enable there): `vim.lsp.start` from a FileType
-- autocommand, as `require('recall').setup()` does on 0.10. Run on whatever Neovim is here, it
-- checks that path: the client attaches to Markdown and text buffers with its root, handlers and
-- settings, and answers hover. Also: `:Recall` with no subcommand says what exists, and `:q` in the
-- last writing window closes the panel with it.
return function(t)
  local ui = t.stub_ui({})
  require('recall.lsp').autostart()
  t.write('recall.toml', { 'topK = 3' })
  t.write(
    'drafts/errors.txt',
    { 'When something breaks, the message should tell me what went wrong and how I can fix it.' }
  )
  local buf = t.edit('drafts/errors.txt')
  t.expect(vim.bo[buf].filetype == 'text', 'filetype %s', vim.bo[buf].filetype)
  local client = t.ready(buf)
  t.expect(client.name == 'recall', 'name %s', client.name)
  t.expect(client.root_dir == t.workspace, 'root %s (recall.toml is at %s)', client.root_dir, t.workspace)
  t.expect(client.settings.recall.indexDir == vim.env.RECALL_TEST_INDEX, 'settings %s', vim.inspect(client.settings))

  local reply = vim.lsp.buf_request_sync(
    buf,
    'textDocument/hover',
    vim.lsp.util.make_position_params(0, client.offset_encoding),
    10000
  )
  local value = reply and reply[client.id] and reply[client.id].result and reply[client.id].result.contents.value or ''
  t.expect(value:gsub('%*%*', ''):find('A good error message says', 1, true), 'hover: %s', value)
  t.expect(value:find('**message**', 1, true), 'the shared word is not bold in the hover: %s', value)

  -- A second buffer of another filetype reuses the same client.
  local md = t.edit('notes/writing-habits.md')
  t.wait('the same client on the Markdown note', function()
    return vim.lsp.get_clients({ bufnr = md, name = 'recall' })[1] == client
  end)

  vim.cmd('Recall')
  t.expect(
    ui.notes[#ui.notes].message:find('use one of: filter, hide, insert, panel, reindex, search, status, unhide', 1, true),
    'bare :Recall said %s',
    vim.inspect(ui.notes[#ui.notes])
  )

  vim.cmd('Recall panel')
  t.expect(#vim.api.nvim_tabpage_list_wins(0) == 2, 'the panel did not open')
  local exited = false
  vim.api.nvim_create_autocmd('ExitPre', {
    callback = function()
      exited = true
    end,
  })
  -- `:q` would exit Neovim here: check that the panel goes first by running QuitPre alone.
  vim.api.nvim_exec_autocmds('QuitPre', {})
  t.expect(#vim.api.nvim_tabpage_list_wins(0) == 1, 'the panel stayed after QuitPre')
  t.expect(not exited, 'exited')
end
