-- Test harness for the Neovim client: `nvim --headless --clean -u init.lua`, the environment says
-- where the client, the workspace and the index are, and which case to run (RECALL_TEST_CASE).
-- A case is a Lua file returning `function(t)`; it fails by raising an error. The verdict is the
-- exit code (`:cquit`), written only after the Recall clients stopped. Without a case (the tmux
-- capture), this only configures Neovim like a user would.
--
-- Environment: RECALL_CLIENT_DIR (clients/neovim), RECALL_TEST_WORKSPACE (a copy of the examples:
-- archive/, notes/, drafts/), RECALL_TEST_INDEX (an empty index folder), RECALL_TEST_START
-- (`enable`: vim.lsp.enable('recall'); `setup`: require('recall').setup(opts); `none`: the case
-- starts it), RECALL_TEST_TIMEOUT
-- (ms to wait for any one thing).

local env = vim.env
local workspace = assert(env.RECALL_TEST_WORKSPACE, 'RECALL_TEST_WORKSPACE is not set')

vim.opt.runtimepath:prepend(assert(env.RECALL_CLIENT_DIR, 'RECALL_CLIENT_DIR is not set'))
vim.o.swapfile = false
vim.o.showmode = false
vim.opt.shortmess:append('c')
vim.o.shortmess = vim.o.shortmess .. 'I'

local options = {
  settings = {
    sources = { workspace .. '/archive', workspace .. '/notes' },
    indexDir = env.RECALL_TEST_INDEX,
    debounceMs = 100,
  },
  panel = { debounce_ms = 50 },
}
if env.RECALL_TEST_START == 'setup' then
  require('recall').setup(options)
elseif env.RECALL_TEST_START == 'none' then
  vim.g.recall = options -- the case starts the client itself
else
  vim.g.recall = options
  vim.lsp.enable('recall')
end

local case = env.RECALL_TEST_CASE
if not case then
  return
end

---@class recall.test.T
local t = { workspace = workspace, timeout = tonumber(env.RECALL_TEST_TIMEOUT) or 90000 }
local started = vim.uv.hrtime()

---Writes a line to stderr (pytest shows it when the case fails).
function t.log(fmt, ...)
  io.stderr:write(('[%6.1fs] '):format((vim.uv.hrtime() - started) / 1e9) .. fmt:format(...) .. '\n')
end

---Raises unless `cond` holds.
function t.expect(cond, fmt, ...)
  if not cond then
    error(fmt:format(...), 2)
  end
  return cond
end

---Waits for `cond` to hold (polling every 20 ms), or fails saying what it waited for.
---@param what string
---@param cond fun(): any
---@param ms? integer
function t.wait(what, cond, ms)
  local value
  local ok = vim.wait(ms or t.timeout, function()
    value = cond()
    return value
  end, 20)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
  t.log('ok: %s', what)
  return value
end

---Writes a file of the workspace (creating folders) and returns its path.
---@param relative string
---@param lines string[]
function t.write(relative, lines)
  local path = workspace .. '/' .. relative
  vim.fn.mkdir(vim.fs.dirname(path), 'p')
  vim.fn.writefile(lines, path)
  return path
end

---Edits a file of the workspace; returns its buffer.
---@param relative string
function t.edit(relative)
  vim.cmd.edit(vim.fn.fnameescape(workspace .. '/' .. relative))
  return vim.api.nvim_get_current_buf()
end

---Waits until the Recall client is attached to `buf` and its server says `ready`.
---@return vim.lsp.Client
function t.ready(buf)
  local client = t.wait('the recall client to attach', function()
    return vim.lsp.get_clients({ bufnr = buf, name = 'recall' })[1]
  end)
  t.wait('recall/status state == "ready"', function()
    local status = require('recall.status').of_client(client.id)
    return status and status.state == 'ready'
  end)
  return client
end

---Waits for the Recall panel's buffer (filetype `recall`) and returns it.
---@param what? string what the wait is for, when it fails
---@return integer
function t.panel_buffer(what)
  return t.wait(what or 'the panel buffer', function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(b) and vim.bo[b].filetype == 'recall' then
        return b
      end
    end
  end)
end

---The lines of a buffer, joined.
function t.text(buf)
  return table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end

---Types keys as if the user did (mappings apply), and runs them now.
function t.keys(keys)
  vim.api.nvim_feedkeys(vim.api.nvim_replace_termcodes(keys, true, false, true), 'mtx', false)
end

---Moves the cursor of a window and fires `CursorMoved` there, as the main loop would once the test
---gave control back (a test runs inside one callback, so Neovim never gets to it on its own).
---@param win integer
---@param row integer
function t.move(win, row)
  vim.api.nvim_win_set_cursor(win, { row, 0 })
  vim.api.nvim_win_call(win, function()
    vim.api.nvim_exec_autocmds('CursorMoved', { buffer = vim.api.nvim_win_get_buf(win) })
  end)
end

---The buffers shown in floating windows.
function t.floats()
  local out = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(win).relative ~= '' then
      table.insert(out, vim.api.nvim_win_get_buf(win))
    end
  end
  return out
end

---Replaces `vim.ui.select` / `vim.ui.input` / `vim.ui.open` / `vim.notify` with recorders.
---`answers.select(items, opts)` returns the item to choose; `answers.input` the text to answer.
function t.stub_ui(answers)
  local seen = { selects = {}, inputs = {}, opened = {}, notes = {} }
  vim.ui.select = function(items, opts, on_choice)
    table.insert(seen.selects, { items = items, opts = opts })
    local choice = answers.select and answers.select(items, opts)
    local index = nil
    for i, item in ipairs(items) do
      index = item == choice and i or index
    end
    vim.schedule(function()
      on_choice(choice, index)
    end)
  end
  vim.ui.input = function(opts, on_confirm)
    table.insert(seen.inputs, opts)
    vim.schedule(function()
      on_confirm(answers.input)
    end)
  end
  vim.ui.open = function(path)
    table.insert(seen.opened, path)
    return {}, nil
  end
  vim.notify = function(message, level)
    table.insert(seen.notes, { message = message, level = level })
  end
  return seen
end

local function stop_clients()
  local clients = vim.lsp.get_clients({ name = 'recall' })
  for _, client in ipairs(clients) do
    client:stop()
  end
  vim.wait(10000, function()
    return #vim.lsp.get_clients({ name = 'recall' }) == 0
  end, 20)
end

local function lsp_log_tail()
  local path = vim.lsp.get_log_path()
  if vim.fn.filereadable(path) == 0 then
    return '(empty)'
  end
  local lines = vim.fn.readfile(path)
  return table.concat(vim.list_slice(lines, math.max(1, #lines - 30)), '\n')
end

vim.api.nvim_create_autocmd('VimEnter', {
  once = true,
  callback = function()
    -- Scheduled: autocommands do not nest, so an :edit right inside VimEnter would fire no FileType.
    vim.schedule(function()
      local ok, err = xpcall(function()
        local run = assert(dofile(case), case .. ' must return a function')
        run(t)
        local messages = vim.api.nvim_exec2('messages', { output = true }).output
        t.expect(not messages:find('Error', 1, true), 'errors were shown:\n%s', messages)
      end, debug.traceback)
      -- Whatever happens from here on, Neovim must exit: a headless nvim left running hangs the test.
      pcall(function()
        if ok then
          t.log('PASS %s', vim.fs.basename(case))
        else
          t.log('FAIL %s\n%s\n-- lsp.log (tail) --\n%s', vim.fs.basename(case), err, lsp_log_tail())
        end
        stop_clients()
      end)
      vim.cmd((ok and 'cquit 0' or 'cquit 1'))
    end)
  end,
})
