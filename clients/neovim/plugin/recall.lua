-- Recall for Neovim: the `:Recall` command and the hook that sets up attached buffers. Nothing is
-- loaded until it is used: the modules are required from the command and from `LspAttach`.
-- The language client itself is `lsp/recall.lua` (`vim.lsp.enable('recall')`).

if vim.g.loaded_recall then
  return
end
vim.g.loaded_recall = true

if vim.fn.has('nvim-0.10') == 0 then
  vim.notify_once('recall: Neovim 0.10 or newer is needed', vim.log.levels.WARN)
  return
end

vim.api.nvim_create_user_command('Recall', function(opts)
  require('recall.commands').run(opts.fargs)
end, {
  nargs = '*',
  desc = 'Recall: panel, search, insert, hide, unhide, filter, reindex, status',
  complete = function(arglead, cmdline, cursorpos)
    return require('recall.commands').complete(arglead, cmdline, cursorpos)
  end,
})

vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('recall', { clear = true }),
  desc = 'Recall: code lenses, completion and the panel in attached buffers',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if client and client.name == 'recall' then
      require('recall.attach').attach(client, args.buf)
    end
  end,
})
