---@mod recall Recall for Neovim
---
--- Recall shows your own past writing (tweets, posts, notes) related to the paragraph you are
--- writing. The language client is `lsp/recall.lua`; on Neovim 0.11+ one line starts it:
---
--- ```lua
--- vim.lsp.enable('recall')
--- ```
---
--- Options come from `vim.g.recall` (see `:help recall-options`); `setup()` is optional.

local M = {}

---Sets options and starts the client for Markdown and text buffers. Optional on 0.11+, where
---`vim.g.recall` plus `vim.lsp.enable('recall')` does the same; on 0.10 this is how to start it.
---@param opts? recall.Options|table options, merged over `vim.g.recall` (`:help recall-options`)
function M.setup(opts)
  require('recall.config').set(opts)
  if vim.fn.has('nvim-0.11') == 1 then
    -- enable() drops the resolved configuration, so lsp/recall.lua is read again with these options.
    vim.lsp.enable(require('recall.lsp').name)
  else
    require('recall.lsp').autostart()
  end
end

---Opens or closes the panel of related writing.
function M.toggle_panel()
  require('recall.panel').toggle()
end

---Opens the panel of related writing beside the current window.
---@param opts? recall.PanelOpenOpts
function M.open_panel(opts)
  require('recall.panel').open(opts)
end

---Searches past writing by meaning; asks for the words when `query` is nil.
---@param query? string
function M.search(query)
  require('recall.search').run(query)
end

---For a statusline: `Recall: indexing 42%`, `Recall: ready`, or `''` without a Recall client.
---@param bufnr? integer
---@return string
function M.statusline(bufnr)
  return require('recall.status').statusline(bufnr)
end

return M
