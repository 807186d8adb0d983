---@mod recall.search `:Recall search`, and picking one item out of several
---
--- Lists go through `vim.ui.input` and `vim.ui.select`, so Telescope, fzf-lua, snacks.nvim or
--- dressing.nvim show them when installed (they replace those two functions).

local config = require('recall.config')
local items = require('recall.items')
local lsp = require('recall.lsp')

local M = {}

local ACTIONS = { 'open', 'insert' }
local ACTION_NAMES = { open = 'Open the source', insert = 'Insert at the cursor' }

---Lets the user pick an item, then runs `action` on it.
---@param list recall.Item[]
---@param prompt string
---@param action fun(item: recall.Item)
function M.pick(list, prompt, action)
  vim.ui.select(list, { prompt = prompt, kind = 'recall', format_item = items.format }, function(item)
    if item then
      action(item)
    end
  end)
end

---Opens or inserts an item, as `search.action` says (`ask`: a second question).
---@param item recall.Item
---@param win integer the window to insert into or open a note in
function M.act(item, win)
  local function run(action)
    if action == 'insert' then
      items.insert(item, { win = win })
    elseif action == 'open' then
      items.open(item, win)
    end
  end
  local action = config.get().search.action
  if action ~= 'ask' then
    return run(action)
  end
  vim.ui.select(ACTIONS, {
    prompt = 'Recall: ' .. item.snippet,
    kind = 'recall.action',
    format_item = function(name)
      return ACTION_NAMES[name]
    end,
  }, function(choice)
    if choice then
      run(choice)
    end
  end)
end

---Searches past writing by meaning (`recall.search`) and shows the results.
---@param query string
---@param win? integer the writing window (default: the current one)
function M.search(query, win)
  win = win or vim.api.nvim_get_current_win()
  local client = lsp.require_client(vim.api.nvim_win_get_buf(win))
  if not client then
    return
  end
  lsp.execute(client, lsp.commands.search, { query, config.get().search.k }, function(err, result)
    if err then
      return lsp.report(lsp.commands.search, err)
    end
    if type(result) ~= 'table' or #result == 0 then
      return vim.notify(('Recall: nothing found for "%s"'):format(query), vim.log.levels.INFO)
    end
    M.pick(result, ('Recall: %s'):format(query), function(item)
      M.act(item, win)
    end)
  end)
end

---`:Recall search [words]`: searches for the words, or asks for them.
---@param query? string
function M.run(query)
  local panel = package.loaded['recall.panel']
  local win = vim.api.nvim_get_current_win()
  if panel and panel.is_open() and win ~= nil and panel.source_window() and vim.bo.filetype == 'recall' then
    win = panel.source_window() --[[@as integer]]
  end
  if query and vim.trim(query) ~= '' then
    return M.search(vim.trim(query), win)
  end
  vim.ui.input({ prompt = 'Recall search: ' }, function(input)
    if input and vim.trim(input) ~= '' then
      M.search(vim.trim(input), win)
    end
  end)
end

---Picks one of the items related to the paragraph under the cursor, then runs `action` on it
---(`:Recall insert`, `:Recall hide` outside the panel).
---@param prompt string
---@param action fun(item: recall.Item, win: integer)
function M.pick_related(prompt, action)
  local win = vim.api.nvim_get_current_win()
  local client = lsp.require_client(vim.api.nvim_win_get_buf(win))
  if not client then
    return
  end
  lsp.related(client, win, function(err, result)
    if err then
      return lsp.report(lsp.methods.related, err)
    end
    local list = result and result.items or {}
    if #list == 0 then
      return vim.notify('Recall: nothing related to this paragraph', vim.log.levels.INFO)
    end
    M.pick(list, prompt, function(item)
      action(item, win)
    end)
  end)
end

return M
