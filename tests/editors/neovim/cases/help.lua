-- `:help recall` works: the help file has tags, none duplicated, and every subcommand has one.
return function(t)
  local doc = vim.fn.tempname()
  vim.fn.mkdir(doc .. '/doc', 'p')
  vim.fn.writefile(vim.fn.readfile(vim.env.RECALL_CLIENT_DIR .. '/doc/recall.txt'), doc .. '/doc/recall.txt')
  vim.cmd.helptags(vim.fn.fnameescape(doc .. '/doc')) -- fails on a duplicate tag
  vim.opt.runtimepath:append(doc)
  local tags = { 'recall', 'recall-options', 'recall-panel', 'recall-completion', 'recall.setup()', 'g:recall' }
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
