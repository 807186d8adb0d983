---@mod recall.filter `:Recall filter`: narrow every list to some kinds of writing and a date range
---
---   :Recall filter kinds=note,tweet since=2020 until=2021-06
---   :Recall filter clear
---   :Recall filter          (says which filters are in effect)
---
--- It sets the server settings `kinds`, `since` and `until` in the client's `settings.recall` and
--- tells the server (`workspace/didChangeConfiguration`), which applies them at once to every surface.
--- Values go to the server as typed: it alone judges them, and names a bad one in a message.
--- They last while the client runs; put them in `settings` to keep them.

local lsp = require('recall.lsp')

local M = {}

---The settings `:Recall filter` sets, in the order it shows them.
M.keys = { 'kinds', 'since', 'until' }

---Parses `key=value` arguments (or `clear`) into the settings to set; a key set to nothing is removed
---(its default applies).
---@param args string[]
---@return table<string, any>? changes `vim.NIL` for a key to remove
---@return string? error
function M.parse(args)
  if #args == 1 and args[1] == 'clear' then
    return { kinds = vim.NIL, since = vim.NIL, ['until'] = vim.NIL }
  end
  local changes = {}
  for _, arg in ipairs(args) do
    local key, value = arg:match('^(%a+)=(.*)$')
    if not key or not vim.tbl_contains(M.keys, key) then
      return nil, ('%q: expected clear, or kinds=KIND,KIND…, since=DATE or until=DATE'):format(arg)
    end
    if value == '' then
      changes[key] = vim.NIL
    elseif key == 'kinds' then
      changes[key] = vim.split(value, ',', { trimempty = true })
    else
      changes[key] = value
    end
  end
  return changes
end

---Sets the changes in a client's `settings.recall` and tells the server.
---@param client vim.lsp.Client
---@param changes table<string, any>
function M.apply(client, changes)
  client.settings = client.settings or {}
  client.settings.recall = client.settings.recall or {}
  for key, value in pairs(changes) do
    client.settings.recall[key] = value ~= vim.NIL and value or nil
  end
  local params = { settings = client.settings }
  if vim.fn.has('nvim-0.11') == 1 then
    client:notify('workspace/didChangeConfiguration', params)
  else
    ---@diagnostic disable-next-line: param-type-mismatch
    client.notify('workspace/didChangeConfiguration', params)
  end
end

---How the filters in effect read (from `recall.status`'s `options`).
---@param options table<string, any>
---@return string
function M.describe(options)
  local kinds = type(options.kinds) == 'table' and table.concat(options.kinds, ',') or tostring(options.kinds)
  local function date(value)
    return (value == nil or value == vim.NIL or value == '') and '(no limit)' or value
  end
  return ('kinds=%s since=%s until=%s'):format(kinds, date(options.since), date(options['until']))
end

---`:Recall filter [args]`.
---@param args string[]
function M.run(args)
  if #args == 0 then
    return lsp.run(lsp.commands.status, {}, function(report)
      vim.notify('Recall filters: ' .. M.describe(report and report.options or {}), vim.log.levels.INFO)
    end)
  end
  local changes, err = M.parse(args)
  if not changes then
    return vim.notify('Recall: filter ' .. err, vim.log.levels.ERROR)
  end
  local client = lsp.require_client()
  if not client then
    return
  end
  M.apply(client, changes)
  local panel = package.loaded['recall.panel']
  if panel then
    panel.refresh(true) -- the server handles the settings before this request (messages keep their order)
  end
end

---Completes an argument: `clear` and the keys, then the kinds after `kinds=` (each after the last comma).
---@param arglead string
---@return string[]
function M.complete(arglead)
  local listed = arglead:match('^kinds=(.*,)') or arglead:match('^(kinds=)')
  local candidates = { 'clear' }
  if listed then
    local kinds = listed:gsub('^kinds=', '')
    candidates = vim.tbl_map(function(kind)
      return 'kinds=' .. kinds .. kind
    end, lsp.kinds)
  else
    for _, key in ipairs(M.keys) do
      table.insert(candidates, key .. '=')
    end
  end
  return vim.tbl_filter(function(candidate)
    return vim.startswith(candidate, arglead)
  end, candidates)
end

return M
