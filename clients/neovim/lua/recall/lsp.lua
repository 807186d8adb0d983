---@mod recall.lsp The language client: its configuration, Recall's own messages, and requests
---
--- `lsp/recall.lua` is the configuration (`vim.lsp.enable('recall')` on 0.11+); this module gives it
--- its handlers and capabilities, starts the client itself on 0.10, and wraps the few requests the
--- rest of the plugin makes so they work on 0.10 (`client.request`) and 0.11+ (`client:request`).

local M = {}

---The client name (`vim.lsp.enable('recall')`, `vim.lsp.get_clients({ name = 'recall' })`).
M.name = 'recall'

---Recall's own methods, named once (the server's `recall_ls/lsp/wire.py`, docs/protocol.md).
M.methods = { related = 'recall/related', status = 'recall/status' }

---The server's commands (`workspace/executeCommand`).
M.commands = {
  reindex = 'recall.reindex',
  status = 'recall.status',
  search = 'recall.search',
  hide = 'recall.hide',
  unhide = 'recall.unhide',
  hidden = 'recall.hidden',
  insert = 'recall.insert',
  show_related = 'recall.showRelated',
}

---The kinds of writing the `kinds` setting names (the server's `KIND_MEANINGS`), for `:Recall filter`.
M.kinds = { 'tweet', 'reply', 'thread', 'mastodon', 'note', 'like' }

local has_011 = vim.fn.has('nvim-0.11') == 1
-- 0.12 refreshes code lenses itself when the server asks; older versions need the handler below.
local builtin_lens_refresh = vim.fn.has('nvim-0.12') == 1

---@class recall.Status
---@field state 'starting'|'loading-model'|'indexing'|'ready'|'error'
---@field message string
---@field percent number?
---@field revision integer
---@field pending integer
---@field tiers recall.Tiers? how far each search tier is (servers with the keyword tier)

---@class recall.Tiers
---@field keywords {ready: boolean, fragments: integer} complete once a source is read
---@field meaning {ready: boolean, embedded: integer, total: integer} complete once all is embedded

---@class recall.Related
---@field uri string
---@field range lsp.Range?
---@field items recall.Item[]
---@field idle {mode: 'onThisDay'|'random', label: string}? present when the items are forgotten gems for a blank line
---@field filters recall.Filters? what the settings `kinds`, `since`, `until` narrow the list to

---@class recall.Filters
---@field kinds string[]? the kinds kept; nil when all but likes are
---@field since string?
---@field until string?
---@field label string what the panel header shows (the server's words, as in VS Code)

-- -- configuration ---------------------------------------------------------------------------------

---Client capabilities beyond Neovim's own.
---@return lsp.ClientCapabilities
function M.capabilities()
  if builtin_lens_refresh then
    return {}
  end
  return { workspace = { codeLens = { refreshSupport = true } } }
end

---Handlers for what the server sends beyond the standard: the live list, its status, lens refreshes.
---Each requires the module that acts on it only when it is loaded already (the panel) or when needed.
---@return table<string, lsp.Handler>
function M.handlers()
  local handlers = {
    ---@param result recall.Related
    [M.methods.related] = function(_, result, ctx)
      local panel = package.loaded['recall.panel']
      if panel and result then
        panel.on_pushed(result, ctx.client_id)
      end
    end,
    ---@param result recall.Status
    [M.methods.status] = function(_, result, ctx)
      if result then
        require('recall.status').update(ctx.client_id, result)
      end
    end,
  }
  if not builtin_lens_refresh then
    handlers['workspace/codeLens/refresh'] = function(_, _, ctx)
      require('recall.codelens').on_refresh_request(ctx.client_id)
      return vim.NIL
    end
  end
  return handlers
end

---The resolved configuration: what `lsp/recall.lua` returns for the options in force.
---@return vim.lsp.Config
function M.config()
  local file = vim.api.nvim_get_runtime_file('lsp/recall.lua', false)[1]
  assert(file, 'recall: lsp/recall.lua is not on the runtimepath')
  return dofile(file)
end

-- -- starting -------------------------------------------------------------------------------------

---Starts (or reuses) the client for a buffer: the 0.10 path, where `vim.lsp.enable` does not exist.
---@param bufnr integer
---@return integer? client_id
function M.start(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local config = M.config()
  config.name = M.name
  local path = vim.api.nvim_buf_get_name(bufnr)
  config.root_dir = vim.fs.root(bufnr, config.root_markers) or (path ~= '' and vim.fs.dirname(path)) or vim.uv.cwd()
  config.root_markers = nil
  return vim.lsp.start(config, { bufnr = bufnr })
end

---Starts the client for every buffer of the configured filetypes, now and from now on (0.10).
function M.autostart()
  local options = require('recall.config').get()
  local group = vim.api.nvim_create_augroup('recall.autostart', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = options.filetypes,
    desc = 'Start the Recall language client',
    callback = function(args)
      M.start(args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(options.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr)
    end
  end
end

-- -- talking to the server ------------------------------------------------------------------------

---The Recall client of a buffer, or else any running Recall client.
---@param bufnr? integer
---@return vim.lsp.Client?
function M.client(bufnr)
  if bufnr then
    local attached = vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1]
    if attached then
      return attached
    end
  end
  return vim.lsp.get_clients({ name = M.name })[1]
end

---Whether a Recall client is attached to a buffer.
---@param bufnr integer
---@return boolean
function M.attached(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = M.name })[1] ~= nil
end

---Sends a request; the handler gets `(err, result)`.
---@param client vim.lsp.Client
---@param method string
---@param params table?
---@param handler fun(err: lsp.ResponseError?, result: any)
---@param bufnr? integer
function M.request(client, method, params, handler, bufnr)
  if has_011 then
    client:request(method, params, handler, bufnr)
  else
    ---@diagnostic disable-next-line: param-type-mismatch
    client.request(method, params, handler, bufnr)
  end
end

---Runs one of Recall's commands on the server (`recall.search`, `recall.hide`, ...).
---@param client vim.lsp.Client
---@param command string
---@param arguments any[]?
---@param handler fun(err: lsp.ResponseError?, result: any)
---@param bufnr? integer
function M.execute(client, command, arguments, handler, bufnr)
  M.request(client, 'workspace/executeCommand', { command = command, arguments = arguments }, handler, bufnr)
end

---Runs one of Recall's commands for the current buffer's client, telling the user when there is no
---client or the command fails; `on_result` gets the result of a command that succeeded.
---@param command string
---@param arguments any[]?
---@param on_result fun(result: any)
function M.run(command, arguments, on_result)
  local client = M.require_client()
  if not client then
    return
  end
  M.execute(client, command, arguments or {}, function(err, result)
    if err then
      return M.report(command, err)
    end
    on_result(result)
  end)
end

---Asks for the items related to the paragraph under a window's cursor (`recall/related`).
---@param client vim.lsp.Client
---@param win integer
---@param handler fun(err: lsp.ResponseError?, result: {range: lsp.Range?, items: recall.Item[]}?)
function M.related(client, win, handler)
  local params = vim.lsp.util.make_position_params(win, client.offset_encoding)
  M.request(client, M.methods.related, params, handler, vim.api.nvim_win_get_buf(win))
end

---Runs a command and waits for its result (for `:checkhealth`).
---@param client vim.lsp.Client
---@param command string
---@param timeout_ms integer
---@return any? result
---@return string? error
function M.execute_sync(client, command, timeout_ms)
  local params = { command = command, arguments = {} }
  local reply, err
  if has_011 then
    reply, err = client:request_sync('workspace/executeCommand', params, timeout_ms)
  else
    ---@diagnostic disable-next-line: param-type-mismatch
    reply, err = client.request_sync('workspace/executeCommand', params, timeout_ms)
  end
  if not reply then
    return nil, err or 'no reply'
  end
  if reply.err then
    return nil, reply.err.message
  end
  return reply.result
end

---Tells the user about a failed request, prefixed the same way everywhere.
---@param what string
---@param err lsp.ResponseError|string
function M.report(what, err)
  local message = type(err) == 'table' and err.message or tostring(err)
  vim.notify(('Recall: %s failed: %s'):format(what, message), vim.log.levels.ERROR)
end

---The client of the current buffer, or a warning saying how to get one.
---@param bufnr? integer
---@return vim.lsp.Client?
function M.require_client(bufnr)
  local client = M.client(bufnr or vim.api.nvim_get_current_buf())
  if not client then
    vim.notify(
      'Recall: the language server is not running; open a Markdown or text file'
        .. (has_011 and " after vim.lsp.enable('recall')" or " after require('recall').setup()"),
      vim.log.levels.WARN
    )
  end
  return client
end

return M
