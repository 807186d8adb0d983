-- `:help recall` works as installed by any plugin manager: the shipped doc/tags is current (lazy.nvim
-- with a local `dir`, packer, vim-plug and a plain runtimepath run no :helptags of their own), `:help
-- recall` opens at the top of the file, no tag is duplicated and every subcommand has one.
return function(t)
  local client_doc = vim.env.RECALL_CLIENT_DIR .. '/doc'
  local shipped = vim.fn.readfile(client_doc .. '/tags')
  local fresh = vim.fn.tempname()
  vim.fn.mkdir(fresh .. '/doc', 'p')
  vim.fn.writefile(vim.fn.readfile(client_doc .. '/recall.txt'), fresh .. '/doc/recall.txt')
  vim.cmd.helptags(vim.fn.fnameescape(fresh .. '/doc')) -- fails on a duplicate tag
  t.expect(
    vim.deep_equal(shipped, vim.fn.readfile(fresh .. '/doc/tags')),
    'clients/neovim/doc/tags is stale: run `nvim --headless -c "helptags clients/neovim/doc" -c q`'
  )

  -- The client folder is on the runtimepath as a plugin manager puts it (init.lua), with no helptags run.
  vim.cmd.help('recall')
  t.expect(
    vim.fs.basename(vim.api.nvim_buf_get_name(0)) == 'recall.txt',
    ':help recall opened %s',
    vim.api.nvim_buf_get_name(0)
  )
  t.expect(vim.fn.line('.') == 1, ':help recall opened at line %d, not at the top', vim.fn.line('.'))
  vim.cmd.helpclose()

  local tags = { 'recall-options', 'recall-panel', 'recall-completion', 'recall.setup()', 'g:recall' }
  for _, tag in ipairs(tags) do
    vim.cmd.help(tag)
    t.expect(
      vim.fs.basename(vim.api.nvim_buf_get_name(0)) == 'recall.txt',
      ':help %s opened %s',
      tag,
      vim.api.nvim_buf_get_name(0)
    )
    vim.cmd.helpclose()
  end
  for _, name in ipairs(require('recall.commands').names()) do
    vim.cmd.help(':Recall-' .. name)
    vim.cmd.helpclose()
  end
end
