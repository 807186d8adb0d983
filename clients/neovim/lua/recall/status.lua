---@mod recall.status What the server last said about itself (`recall/status`)
---
--- The server pushes `{state, message, percent, revision, pending, tiers}` on every state, progress and
--- corpus change. This module keeps the latest per client, fires `User RecallStatus` so panels and
--- statuslines can redraw, and words it for people.

local M = {}

---@type table<integer, recall.Status>
local latest = {}

---Records a `recall/status` notification and tells whoever listens (`User RecallStatus`).
---@param client_id integer
---@param status recall.Status
function M.update(client_id, status)
  latest[client_id] = status
  vim.api.nvim_exec_autocmds('User', {
    pattern = 'RecallStatus',
    modeline = false,
    data = { client_id = client_id, status = status },
  })
end

---The latest status of a client (of the buffer's client when given a buffer, else of any client).
---@param bufnr? integer
---@return recall.Status?
function M.get(bufnr)
  local client = require('recall.lsp').client(bufnr)
  return client and latest[client.id] or nil
end

---The latest status of a client, by id.
---@param client_id integer
---@return recall.Status?
function M.of_client(client_id)
  return latest[client_id]
end

---How much of the backlog has vectors, as a whole percentage (0 for an empty one).
---@param tiers recall.Tiers
---@return integer
function M.meaning_percent(tiers)
  local meaning = tiers.meaning
  if (meaning.total or 0) <= 0 then
    return 0
  end
  return math.max(0, math.min(100, math.floor(meaning.embedded * 100 / meaning.total)))
end

---A status in a few words: `ready`, `indexing 42%`, `loading the model`, and while only keywords
---are searchable, `keywords ready, meaning 12%`.
---@param status recall.Status?
---@return string
function M.describe(status)
  if not status then
    return 'starting'
  end
  local tiers = status.tiers
  if status.state ~= 'error' and type(tiers) == 'table' and tiers.keywords.ready and not tiers.meaning.ready then
    return ('keywords ready, meaning %d%%'):format(M.meaning_percent(tiers))
  end
  if status.state == 'indexing' then
    return status.percent and ('indexing %d%%'):format(status.percent) or 'indexing'
  elseif status.state == 'loading-model' then
    return 'loading the model'
  elseif status.state == 'error' then
    return 'error' .. (status.message ~= '' and (': ' .. status.message) or '')
  end
  return status.state
end

---The brief status of a full one (a `recall.status` command result).
---@param full table
---@return recall.Status
function M.brief(full)
  return {
    state = full.state,
    message = full.error or '',
    percent = full.indexing and full.indexing.percent or nil,
    revision = full.revision or 0,
    pending = full.pending or 0,
    tiers = full.tiers,
  }
end

---For a statusline: `Recall: indexing 42%`, or `''` where no Recall client runs.
---
---```lua
---vim.o.statusline = "%f %=%{v:lua.require'recall'.statusline()}"
---```
---@param bufnr? integer
---@return string
function M.statusline(bufnr)
  local lsp = require('recall.lsp')
  local client = lsp.client(bufnr or vim.api.nvim_get_current_buf())
  if not client then
    return ''
  end
  return 'Recall: ' .. M.describe(latest[client.id])
end

---Each search tier and how far it is: `keywords: ready (1234 fragments)`, `meaning: 12% (120 of
---1000 embedded)`; none for a server without tiers.
---@param tiers recall.Tiers?
---@return string[]
function M.tier_lines(tiers)
  if type(tiers) ~= 'table' then
    return {}
  end
  local keywords, meaning = tiers.keywords, tiers.meaning
  return {
    ('keywords: %s (%d fragments)'):format(keywords.ready and 'ready' or 'not ready', keywords.fragments or 0),
    ('meaning: %s (%d of %d embedded)'):format(
      meaning.ready and 'ready' or (M.meaning_percent(tiers) .. '%'),
      meaning.embedded or 0,
      meaning.total or 0
    ),
  }
end

---Forgets a client that stopped.
---@param client_id integer
function M.forget(client_id)
  latest[client_id] = nil
end

---`:Recall status`: asks the server for its full status and shows it.
function M.show()
  local lsp = require('recall.lsp')
  lsp.run(lsp.commands.status, {}, function(status)
    vim.notify(table.concat(M.report_lines(status), '\n'), vim.log.levels.INFO)
  end)
end

---The full status (`recall.status` result) as lines of text.
---@param status table
---@return string[]
function M.report_lines(status)
  local lines = {
    ('Recall %s: %s · %d fragments, %d searchable'):format(
      status.version or '?',
      M.describe(M.brief(status)),
      status.fragments or 0,
      status.searchable or 0
    ),
  }
  for _, line in ipairs(M.tier_lines(status.tiers)) do
    table.insert(lines, line)
  end
  if type(status.model) == 'table' then
    table.insert(lines, ('model: %s (%s)'):format(status.model.name, status.model.location))
  end
  if status.indexDir then
    table.insert(lines, 'index: ' .. status.indexDir)
  end
  for _, source in ipairs(status.sources or {}) do
    table.insert(lines, ('source: %s (%s, %d fragments)'):format(source.path, source.kind, source.fragments or 0))
  end
  if (status.pending or 0) > 0 then
    table.insert(
      lines,
      ('%d %s waiting to be indexed'):format(status.pending, status.pending == 1 and 'edit' or 'edits')
    )
  end
  return lines
end

return M
