---@mod recall.panel The side panel: past writing related to the paragraph under the cursor
---
--- A scratch buffer (filetype `recall`) in a vertical split beside the writing window. It is fed two
--- ways: the server pushes `recall/related` when an edit settles, and the panel asks
--- (`recall/related` request) when the cursor rests or moves to another paragraph, debounced with a
--- libuv timer. Answers to requests that a newer one overtook are dropped.
---
--- Keys in the panel: `<CR>` open the source, `i` insert at the writing window's cursor, `T` insert
--- the whole thread of a thread's post, `x` hide for good, `K` details (how close, with the number), `r` refresh, `q` close. The words that made an item match are highlighted (`RecallMatch`).

local config = require('recall.config')
local items = require('recall.items')
local lsp = require('recall.lsp')
local matched = require('recall.matched')
local status = require('recall.status')

local M = {}

local ns = vim.api.nvim_create_namespace('recall.panel')
local group = vim.api.nvim_create_augroup('recall.panel', { clear = true })

---@class recall.PanelState
---@field buf integer? the panel's buffer
---@field win integer? the panel's window
---@field source integer? the writing window the panel follows
---@field uri string? the document the items are about
---@field range lsp.Range? the paragraph the items are about
---@field items recall.Item[]
---@field rows table<integer, recall.Item> panel line (1-based) -> item
---@field seq integer number of the latest request; older answers are dropped
---@field asked {buf: integer, tick: integer, line: integer}? what the latest request was about
---@field error string? the last request's error
---@field ready boolean? whether the server was ready at the last status
---@field filters recall.Filters? what the filters in effect narrow the list to (the server's `filters`)
---@field idle {mode: string, label: string}? the items are forgotten gems for a blank line (the server's words)
local state = { items = {}, rows = {}, seq = 0 }

local timer = assert(vim.uv.new_timer())

local function set_highlights()
  vim.api.nvim_set_hl(0, 'RecallTitle', { default = true, link = 'Title' })
  vim.api.nvim_set_hl(0, 'RecallHint', { default = true, link = 'Comment' })
  vim.api.nvim_set_hl(0, 'RecallDate', { default = true, link = 'Comment' })
  vim.api.nvim_set_hl(0, 'RecallSource', { default = true, link = 'Identifier' })
  vim.api.nvim_set_hl(0, 'RecallRelevance', { default = true, link = 'Special' })
  vim.api.nvim_set_hl(0, 'RecallEmpty', { default = true, link = 'Comment' })
  vim.api.nvim_set_hl(0, 'RecallMatch', { default = true, link = 'Search' })
  vim.api.nvim_set_hl(0, 'RecallFilters', { default = true, link = 'WarningMsg' })
end
set_highlights()
vim.api.nvim_create_autocmd('ColorScheme', {
  group = vim.api.nvim_create_augroup('recall.highlights', { clear = true }),
  desc = 'Recall: restore the panel highlight links',
  callback = set_highlights,
})

---@param win integer?
---@return boolean
local function valid_win(win)
  return win ~= nil and vim.api.nvim_win_is_valid(win)
end

---Whether the panel is shown.
---@return boolean
function M.is_open()
  return valid_win(state.win) and state.buf ~= nil and vim.api.nvim_win_get_buf(state.win) == state.buf
end

---The writing window the panel follows (for insertions and opening notes), if it still exists.
---@return integer?
function M.source_window()
  return valid_win(state.source) and state.source or nil
end

-- -- rendering ------------------------------------------------------------------------------------

---@param line integer 0-based
---@param range lsp.Range?
---@return boolean
local function in_range(line, range)
  return range ~= nil and line >= range.start.line and line <= range['end'].line
end

---What to say when there is nothing to list.
---@return string
local function empty_line()
  local current = M.current_status()
  if state.error then
    return 'error: ' .. state.error
  elseif current and current.state ~= 'ready' then
    return status.describe(current) .. '…'
  elseif not lsp.client() then
    return 'the language server is not running'
  end
  return 'nothing related yet'
end

---The status of the client of the writing window.
---@return recall.Status?
function M.current_status()
  local source = M.source_window()
  return status.get(source and vim.api.nvim_win_get_buf(source) or nil)
end

---The header's line of the filters narrowing the list, in the server's words (`:Recall filter`).
---@param lines string[]
---@param marks table[]
local function filters_header(lines, marks)
  local label = type(state.filters) == 'table' and state.filters.label
  if type(label) == 'string' then
    table.insert(lines, 'Filtered: ' .. label)
    table.insert(marks, { #lines - 1, 0, #lines[#lines], 'RecallFilters' })
  end
end

---The title's part over forgotten gems on a blank line: ` · On this day, 2019-2023` (the server's words).
---@return string
local function idle_title()
  return state.idle and (' · ' .. state.idle.label) or ''
end

---A list's `idle` (its items are forgotten gems), or nil (JSON null included).
---@param related recall.Related
---@return {mode: string, label: string}?
local function idle_of(related)
  return type(related.idle) == 'table' and related.idle or nil
end

local function render()
  if not state.buf or not vim.api.nvim_buf_is_valid(state.buf) then
    return
  end
  local current = M.current_status()
  local title = 'Recall'
  if #state.items > 0 and not state.idle then
    title = title .. (' · %d related'):format(#state.items)
  end
  title = title .. idle_title()
  local words = status.describe(current)
  if current and words ~= 'ready' then
    title = title .. ' · ' .. words
  end
  local lines = { title, '<CR> open  i insert  T thread  x hide  K details  q close' }
  local marks = { { 0, 0, #title, 'RecallTitle' }, { 1, 0, #lines[2], 'RecallHint' } }
  filters_header(lines, marks)
  table.insert(lines, '')
  state.rows = {}
  if #state.items == 0 then
    local text = empty_line()
    table.insert(lines, text)
    table.insert(marks, { #lines - 1, 0, #text, 'RecallEmpty' })
  end
  for _, item in ipairs(state.items) do
    local line, spans = items.line(item)
    table.insert(lines, line)
    state.rows[#lines] = item
    local row = #lines - 1
    for part, group in pairs({ date = 'RecallDate', source = 'RecallSource', relevance = 'RecallRelevance' }) do
      if spans[part] then
        table.insert(marks, { row, spans[part][1], spans[part][2], group })
      end
    end
    -- Mark the words that matched in the snippet.
    local snippet_start = spans.snippet and spans.snippet[1] or #line
    for _, range in ipairs(matched.ranges(item.snippet or '', item.matched)) do
      table.insert(marks, { row, snippet_start + range[1], snippet_start + range[2], 'RecallMatch' })
    end
  end
  vim.bo[state.buf].modifiable = true
  vim.api.nvim_buf_set_lines(state.buf, 0, -1, false, lines)
  vim.bo[state.buf].modifiable = false
  vim.api.nvim_buf_clear_namespace(state.buf, ns, 0, -1)
  for _, mark in ipairs(marks) do
    vim.api.nvim_buf_set_extmark(state.buf, ns, mark[1], mark[2], { end_col = mark[3], hl_group = mark[4] })
  end
end

-- -- feeding --------------------------------------------------------------------------------------

---Asks the server for the paragraph under the writing window's cursor, unless the answer would be
---the one already shown (same text, same paragraph).
---@param force? boolean ask even so
function M.refresh(force)
  local win = M.source_window()
  if not M.is_open() or not win then
    return
  end
  local bufnr = vim.api.nvim_win_get_buf(win)
  local client = lsp.client(bufnr)
  if not client or not lsp.attached(bufnr) then
    return render()
  end
  local line = vim.api.nvim_win_get_cursor(win)[1] - 1
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local asked = state.asked
  local uri = vim.uri_from_bufnr(bufnr)
  if
    not force
    and asked
    and asked.buf == bufnr
    and asked.tick == tick
    and (asked.line == line or (state.uri == uri and in_range(line, state.range)))
  then
    return
  end
  state.asked = { buf = bufnr, tick = tick, line = line }
  state.seq = state.seq + 1
  local seq = state.seq
  lsp.related(client, win, function(err, result)
    if seq ~= state.seq then
      return -- a newer request is on its way
    end
    state.error = err and err.message or nil
    if result then
      state.uri, state.range, state.items, state.filters = uri, result.range, result.items or {}, result.filters
      state.idle = idle_of(result)
    end
    render()
  end)
end

---Refreshes once the cursor or the text has rested for `panel.debounce_ms`.
function M.schedule_refresh()
  if not M.is_open() then
    return
  end
  timer:stop()
  timer:start(
    config.get().panel.debounce_ms,
    0,
    vim.schedule_wrap(function()
      M.refresh(false)
    end)
  )
end

---Called from the attached buffers' autocommands: follow the window being written in.
---@param bufnr integer
function M.on_buffer_event(bufnr)
  local win = vim.api.nvim_get_current_win()
  if win ~= state.win and vim.api.nvim_win_get_buf(win) == bufnr then
    state.source = win
  end
  M.schedule_refresh()
end

---The server pushed `recall/related` for the paragraph just edited: show it if it is the one the
---writing window is in.
---@param result recall.Related
---@param client_id integer
function M.on_pushed(result, client_id)
  local win = M.source_window()
  if not M.is_open() or not win then
    return
  end
  local bufnr = vim.api.nvim_win_get_buf(win)
  if result.uri ~= vim.uri_from_bufnr(bufnr) or not lsp.attached(bufnr) then
    return
  end
  local client = vim.lsp.get_client_by_id(client_id)
  if not client or client.name ~= lsp.name then
    return
  end
  if result.range and not in_range(vim.api.nvim_win_get_cursor(win)[1] - 1, result.range) then
    return -- the cursor has moved on; the panel asks for where it is now
  end
  state.seq = state.seq + 1 -- newer than any request in flight
  state.asked =
    { buf = bufnr, tick = vim.api.nvim_buf_get_changedtick(bufnr), line = vim.api.nvim_win_get_cursor(win)[1] - 1 }
  state.error = nil
  state.uri, state.range, state.items, state.filters = result.uri, result.range, result.items or {}, result.filters
  state.idle = idle_of(result)
  render()
end

---`User RecallStatus`: redraw the state line; ask again once the server became ready (until then
---it answers with nothing).
function M.on_status()
  if not M.is_open() then
    return
  end
  local current = M.current_status()
  local ready = current ~= nil and current.state == 'ready'
  local was_ready = state.ready
  state.ready = ready
  if ready and not was_ready then
    M.refresh(true)
  end
  render()
end

-- -- the window -----------------------------------------------------------------------------------

---The item on the panel line under the cursor.
---@return recall.Item?
function M.item_under_cursor()
  if not M.is_open() then
    return nil
  end
  return state.rows[vim.api.nvim_win_get_cursor(state.win)[1]]
end

---@param action fun(item: recall.Item)
---@return fun()
local function on_item(action)
  return function()
    local item = M.item_under_cursor()
    if item then
      action(item)
    end
  end
end

local function create_buffer()
  local buf = vim.api.nvim_create_buf(false, true)
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].modifiable = false
  vim.api.nvim_buf_set_name(buf, 'recall://related')
  local function map(lhs, rhs, desc)
    vim.keymap.set('n', lhs, rhs, { buffer = buf, nowait = true, silent = true, desc = 'Recall: ' .. desc })
  end
  map(
    '<CR>',
    on_item(function(item)
      items.open(item, M.source_window())
    end),
    'open the source'
  )
  map(
    'i',
    on_item(function(item)
      items.insert(item, { win = M.source_window() })
    end),
    'insert at the cursor of the writing window'
  )
  map(
    'T',
    on_item(function(item)
      if not (type(item.thread) == 'table' and (item.thread.length or 0) > 1) then
        vim.notify('Recall: this item is not part of a thread', vim.log.levels.INFO)
        return
      end
      items.insert(item, { win = M.source_window(), format = 'thread' })
    end),
    "insert the whole thread (each post a paragraph, then its first post's link)"
  )
  map(
    'x',
    on_item(function(item)
      items.hide(item, function()
        M.refresh(true)
      end)
    end),
    'hide for good'
  )
  map(
    'K',
    on_item(function(item)
      vim.lsp.util.open_floating_preview(items.details(item), 'text', { border = 'rounded', focus_id = 'recall.details' })
    end),
    'details: how close (with the number), date, source, the whole text'
  )
  map('r', function()
    M.refresh(true)
  end, 'refresh')
  map('q', M.close, 'close the panel')
  vim.bo[buf].filetype = 'recall'
  return buf
end

---@class recall.PanelOpenOpts
---@field focus? boolean move the cursor into the panel (default false: keep writing)

---Opens the panel beside the current window and fills it for the paragraph under the cursor.
---@param opts? recall.PanelOpenOpts
function M.open(opts)
  opts = opts or {}
  local current = vim.api.nvim_get_current_win()
  if current ~= state.win then
    state.source = current
  end
  if not M.is_open() then
    local options = config.get().panel
    state.buf = create_buffer()
    state.win = vim.api.nvim_open_win(state.buf, false, {
      split = options.position == 'left' and 'left' or 'right',
      win = -1,
      width = options.width,
    })
    local wo = vim.wo[state.win]
    wo.number, wo.relativenumber, wo.signcolumn, wo.foldcolumn = false, false, 'no', '0'
    wo.wrap, wo.linebreak, wo.breakindent, wo.breakindentopt = true, true, true, 'shift:2'
    wo.cursorline, wo.spell, wo.list, wo.winfixwidth, wo.fillchars = true, false, false, true, 'eob: '
    vim.api.nvim_create_autocmd('User', {
      group = group,
      pattern = 'RecallStatus',
      callback = M.on_status,
    })
    vim.api.nvim_create_autocmd('WinClosed', {
      group = group,
      pattern = tostring(state.win),
      callback = M.close,
    })
    vim.api.nvim_create_autocmd('QuitPre', {
      group = group,
      desc = 'Recall: close the panel with the last writing window',
      callback = M.on_quit,
    })
    state.asked = nil
    local current = M.current_status()
    state.ready = current ~= nil and current.state == 'ready'
    render()
  end
  if opts.focus then
    vim.api.nvim_set_current_win(state.win)
  end
  M.refresh(false)
end

---Shows given items (the code lens command `recall.showRelated`), opening the panel if needed.
---@param related recall.Related
function M.show(related)
  if not M.is_open() then
    M.open()
  end
  state.seq = state.seq + 1
  state.error = nil
  state.uri, state.range, state.items = related.uri, related.range, related.items or {}
  state.idle = idle_of(related)
  local win = M.source_window()
  if win then
    local bufnr = vim.api.nvim_win_get_buf(win)
    state.asked =
      { buf = bufnr, tick = vim.api.nvim_buf_get_changedtick(bufnr), line = vim.api.nvim_win_get_cursor(win)[1] - 1 }
  end
  render()
end

---`QuitPre`: when the window being quit is the last one beside the panel, close the panel too, so
---that `:q` leaves Neovim instead of leaving the panel alone on screen.
function M.on_quit()
  local current = vim.api.nvim_get_current_win()
  if not M.is_open() or current == state.win then
    return
  end
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if win ~= current and win ~= state.win and vim.api.nvim_win_get_config(win).relative == '' then
      return
    end
  end
  M.close()
end

---Closes the panel.
function M.close()
  timer:stop()
  vim.api.nvim_clear_autocmds({ group = group })
  local win = state.win
  state.win, state.buf, state.asked = nil, nil, nil
  if valid_win(win) then
    pcall(vim.api.nvim_win_close, win, true)
  end
end

---Opens the panel, or closes it when it is open (`:Recall panel`).
function M.toggle()
  if M.is_open() then
    M.close()
  else
    M.open()
  end
end

return M
