---@mod recall.items Related fragments: how they read, and what can be done with one
---
--- An item is what the server sends in `recall/related` and `recall.search` results. The panel and
--- the search picker share these actions: open the source, insert it, hide it for good.

local lsp = require('recall.lsp')

local M = {}

---@class recall.Relevance
---@field level 1|2|3 3 close, 2 related, 1 loose (the server's thresholds on `score`)
---@field label string `close`, `related` or `loose`

---@class recall.Item
---@field id string `tweet:1850…`, `note:…`
---@field score number cosine similarity
---@field relevance recall.Relevance? how close it reads (absent from servers before it)
---@field why string? what made the score: `0.57 meaning · +0.04 words · +0.03 recent` (absent from servers before it)
---@field text string the whole fragment
---@field kind 'tweet'|'mastodon'|'note'|'like'|'thread'
---@field url string? where a post lives online
---@field file string? the file it was read from
---@field line integer? 1-based line in `file`
---@field snippet string the first 80 characters
---@field date string `YYYY-MM-DD`, or `''`
---@field sourceLabel string `tweet`, `mastodon`, a note's file name, or `thread · 3 of 7`
---@field thread table? its self-thread: `{id, position, length, first = {id, snippet, url}}` (position 0: the whole thread)
---@field title string? a note's title
---@field matched string[]? the fragment's own words that matched the query's; `{}` for meaning only
---@field duplicates integer? near-identical fragments folded into this one

---The relevance level as three marks, filled per level: `●●○` for 2.
---@param level integer
---@return string
function M.marks(level)
  local filled = math.max(0, math.min(3, math.floor(level + 0.5)))
  return ('●'):rep(filled) .. ('○'):rep(3 - filled)
end

---How close an item reads: `●●○ related`; the number only from a server that sent no relevance.
---@param item recall.Item
---@return string
function M.closeness(item)
  if type(item.relevance) == 'table' and item.relevance.label then
    return M.marks(item.relevance.level or 0) .. ' ' .. item.relevance.label
  end
  return type(item.score) == 'number' and ('%.2f'):format(item.score) or ''
end

---The item's details, for the panel's `K`: how close with the number and what made it (`why`),
---date and source, the text.
---@param item recall.Item
---@return string[]
function M.details(item)
  local closeness = M.closeness(item)
  if type(item.relevance) == 'table' and type(item.score) == 'number' then
    local why = type(item.why) == 'string' and item.why ~= '' and (': ' .. item.why) or ''
    closeness = ('%s (%s %.2f%s)'):format(closeness, why ~= '' and 'score' or 'similarity', item.score, why)
  end
  local lines = { closeness }
  local where = vim.tbl_filter(function(part)
    return part and part ~= ''
  end, { item.date, item.sourceLabel, item.url or (item.file and item.line and (item.file .. ':' .. item.line)) or item.file })
  table.insert(lines, table.concat(where, ' · '))
  table.insert(lines, '')
  vim.list_extend(lines, vim.split(item.text or item.snippet or '', '\n', { plain = true }))
  return lines
end

---One line: `2024-06-25 · tweet · ●●○ related · A good error message says…`, and where each part
---is in it (0-based byte columns, end exclusive), for highlights.
---@param item recall.Item
---@return string line
---@return table<'date'|'source'|'relevance'|'similar'|'snippet', integer[]> spans
function M.line(item)
  local parts, spans, col = {}, {}, 0
  for _, part in ipairs({
    { 'date', item.date },
    { 'source', item.sourceLabel },
    { 'relevance', M.closeness(item) },
    { 'similar', (item.duplicates or 0) > 0 and ('+%d similar'):format(item.duplicates) or nil },
    { 'snippet', item.snippet },
  }) do
    local text = part[2]
    if text and text ~= '' then
      if #parts > 0 then
        col = col + #' · '
      end
      spans[part[1]] = { col, col + #text }
      table.insert(parts, text)
      col = col + #text
    end
  end
  return table.concat(parts, ' · '), spans
end

---One line: `2024-06-25 · tweet · ●●○ related · A good error message says…` (the search picker's).
---@param item recall.Item
---@return string
function M.format(item)
  return (M.line(item))
end

---Opens where an item comes from: its URL in the browser, else its file at its line in `win`.
---@param item recall.Item
---@param win? integer the window to show a file in (default: the current one)
function M.open(item, win)
  if item.url and item.url ~= '' then
    local _, err = vim.ui.open(item.url)
    if err then
      vim.notify('Recall: cannot open ' .. item.url .. ': ' .. err, vim.log.levels.ERROR)
    end
    return
  end
  if not item.file or item.file == '' then
    vim.notify('Recall: this fragment has no file or link to open', vim.log.levels.WARN)
    return
  end
  win = (win and vim.api.nvim_win_is_valid(win)) and win or vim.api.nvim_get_current_win()
  vim.api.nvim_set_current_win(win)
  vim.cmd.edit(vim.fn.fnameescape(item.file))
  local last = vim.api.nvim_buf_line_count(0)
  vim.api.nvim_win_set_cursor(win, { math.max(1, math.min(item.line or 1, last)), 0 })
  vim.cmd('normal! zv')
end

---Where text goes in a window: at the cursor in Insert mode; in Normal mode after the character under
---the cursor, as `a` and `p` do, so text lands after the last word rather than before it.
---@param win integer
---@param client vim.lsp.Client
---@return lsp.Position
function M.insert_position(win, client)
  local bufnr = vim.api.nvim_win_get_buf(win)
  local row, col = unpack(vim.api.nvim_win_get_cursor(win))
  row = row - 1
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, true)[1]
  local inserting = win == vim.api.nvim_get_current_win() and vim.api.nvim_get_mode().mode:sub(1, 1) == 'i'
  if not inserting and col < #line then
    col = col + #vim.fn.strcharpart(line:sub(col + 1), 0, 1)
  end
  return { line = row, character = vim.lsp.util.character_offset(bufnr, row, col, client.offset_encoding) }
end

---@class recall.InsertOpts
---@field win? integer window whose cursor receives the text (default: the current one)
---@field format? 'text'|'quote'|'link'|'thread' default: the server's `insertFormat`; `thread`: the item's whole self-thread
---@field on_done? fun(applied: boolean)

---Inserts an item at the cursor of a window, through the server (`recall.insert`), so the text
---is formatted exactly like completion formats it (`insertFormat`: text, quote or link).
---@param item recall.Item
---@param opts? recall.InsertOpts
function M.insert(item, opts)
  opts = opts or {}
  local win = (opts.win and vim.api.nvim_win_is_valid(opts.win)) and opts.win or vim.api.nvim_get_current_win()
  local bufnr = vim.api.nvim_win_get_buf(win)
  local client = lsp.client(bufnr)
  if not client or not lsp.attached(bufnr) then
    vim.notify('Recall: insert needs a buffer Recall is attached to', vim.log.levels.WARN)
    return
  end
  local spec =
    { uri = vim.uri_from_bufnr(bufnr), position = M.insert_position(win, client), id = item.id, format = opts.format }
  lsp.execute(client, lsp.commands.insert, { spec }, function(err, result)
    if err then
      lsp.report(lsp.commands.insert, err)
    end
    if opts.on_done then
      opts.on_done(not err and result and result.applied or false)
    end
  end, bufnr)
end

---Hides an item for good (`recall.hide`: kept in the index, never shown again).
---@param item recall.Item
---@param on_done? fun() called once the server hid it
function M.hide(item, on_done)
  lsp.run(lsp.commands.hide, { item.id }, function()
    vim.notify('Recall: hidden: ' .. item.snippet, vim.log.levels.INFO)
    if on_done then
      on_done()
    end
  end)
end

return M
