---@mod recall.config Options of the Neovim client
---
--- Options are merged, lowest first: the defaults below, `vim.g.recall`, then what was given to
--- `require('recall').setup()`. Nothing here starts anything: reading options is free.
---
--- `settings` is handed to the language server untouched (camelCase keys, see docs/configuration.md);
--- the rest configures this client.

local M = {}

---@class recall.PanelOptions
---@field width integer columns of the side window
---@field position 'right'|'left' side of the editor the panel opens on
---@field debounce_ms integer how long the cursor or the text must rest before the panel asks again

---@class recall.CompletionOptions
---@field enable boolean use Neovim's built-in LSP completion (`vim.lsp.completion`, 0.11+)
---@field autotrigger boolean open the menu while typing, on `trigger_characters`
---@field trigger_characters string[] characters that open the menu when `autotrigger` is on

---@class recall.SearchOptions
---@field action 'ask'|'open'|'insert' what choosing a search result does
---@field k integer how many results to ask for

---@class recall.Options
---@field cmd string[] how to start the server
---@field filetypes string[] buffers the server attaches to
---@field root_markers string[] files that mark the workspace root
---@field settings table<string, any> server settings (docs/configuration.md), sent under `recall`
---@field codelens boolean show and refresh code lenses (`N related · "…"`)
---@field panel recall.PanelOptions
---@field completion recall.CompletionOptions
---@field search recall.SearchOptions

---@type recall.Options
M.defaults = {
  cmd = { 'recall-ls', 'serve' },
  filetypes = { 'markdown', 'text' },
  root_markers = { 'recall.toml', '.git' },
  settings = {},
  codelens = true,
  panel = { width = 48, position = 'right', debounce_ms = 200 },
  completion = { enable = true, autotrigger = false, trigger_characters = { ' ' } },
  search = { action = 'ask', k = 20 },
}

---@type recall.Options?
local from_setup

---Records the options given to `setup()` (they win over `vim.g.recall`).
---@param opts? recall.Options|table
function M.set(opts)
  if opts ~= nil and type(opts) ~= 'table' then
    error('recall.setup: opts must be a table, got ' .. type(opts), 2)
  end
  from_setup = opts
end

---The options in force: defaults < `vim.g.recall` < `setup()`. Lists replace lists.
---@return recall.Options
function M.get()
  local global = vim.g.recall
  if global ~= nil and type(global) ~= 'table' then
    vim.notify_once('recall: vim.g.recall must be a table; ignoring it', vim.log.levels.WARN)
    global = nil
  end
  local merged = M.defaults
  for _, layer in ipairs({ global or {}, from_setup or {} }) do
    merged = M.merge(merged, layer)
  end
  return merged
end

---@param value any
---@return boolean
local function is_map(value)
  return type(value) == 'table' and (next(value) == nil or not vim.islist(value))
end

---Deep merge where a list replaces a list (tbl_deep_extend would merge `cmd` index by index).
---@param base table
---@param override table
---@return table
function M.merge(base, override)
  local out = vim.deepcopy(base)
  for key, value in pairs(override) do
    if is_map(value) and is_map(out[key]) then
      out[key] = M.merge(out[key], value)
    else
      out[key] = vim.deepcopy(value)
    end
  end
  return out
end

return M
