---@brief
---
--- Recall (`recall-ls`): your own past writing (tweets, posts, notes) related to the paragraph you
--- are writing, as hover, completion, code lenses and a side panel (`:Recall panel`).
---
--- Install the server (`recall-ls`, built from the Recall repository: see Install in its README), then,
--- on Neovim 0.11+:
---
--- ```lua
--- vim.lsp.enable('recall')
--- ```
---
--- Server settings (docs/configuration.md) go in `settings.recall`, or in `vim.g.recall.settings`:
---
--- ```lua
--- vim.lsp.config('recall', {
---   settings = { recall = { sources = { '~/archives/twitter-2024.zip', '~/notes' } } },
--- })
--- ```
---
--- See `:help recall` for the panel, search and the rest of the client.

local options = require('recall.config').get()
local lsp = require('recall.lsp')

---@type vim.lsp.Config
return {
  cmd = options.cmd,
  filetypes = options.filetypes,
  root_markers = options.root_markers,
  -- Answered for `workspace/configuration` (section `recall`) and pushed with didChangeConfiguration.
  settings = { recall = options.settings },
  capabilities = lsp.capabilities(),
  handlers = lsp.handlers(),
}
