---@mod recall.attach What happens when the Recall client attaches to a buffer
---
--- Called from the `LspAttach` autocommand in `plugin/recall.lua`, whichever way the client was
--- started (`vim.lsp.enable`, `setup()` on 0.10, or a hand-written `vim.lsp.start`): code lenses,
--- built-in completion, the code lens command, and the autocommands that keep the panel current.

local M = {}

---The code lens command: show the lens's items in the panel instead of sending them back.
---@param command lsp.Command
local function show_related(command)
  local payload = command.arguments and command.arguments[1]
  if type(payload) == 'table' then
    require('recall.panel').show(payload)
  end
end

-- Neovim 0.11's built-in completion was made for code, and Recall completes prose:
-- * it inserts only the first word of a plain-text edit (`newText:match('^(%S*)')`), so `convert`
--   makes the inserted word the whole text (its first line: a completion word is one line);
-- * when an accepted text has several lines (`insertFormat = "quote"`), the rest is put in on
--   `CompleteDone`;
-- * it keeps each item in `v:completed_item`, and a fractional number coming back from there is a
--   `{[vim.type_idx]=…, [vim.val_idx]=…}` table that `completionItem/resolve` cannot encode ("Cannot
--   serialise boolean: table key must be a number or string"). Items carry their score in `data`:
--   `convert` turns such numbers into strings (the server reads both).

---@param item lsp.CompletionItem
---@return table complete-items fields that replace Neovim's
local function convert(item)
  if type(item.data) == 'table' then
    for key, value in pairs(item.data) do
      if type(value) == 'number' and value % 1 ~= 0 then
        item.data[key] = tostring(value)
      end
    end
  end
  local text = item.textEdit and item.textEdit.newText or item.insertText
  if type(text) == 'string' and item.insertTextFormat ~= 2 then
    return { word = text:match('^[^\n]*') }
  end
  return {}
end

---`CompleteDone`: an accepted multi-line text was inserted up to its first line; add the rest.
---@param client_id integer
local function complete_multiline(client_id)
  if (vim.v.event.reason or 'accept') ~= 'accept' then
    return
  end
  local done = vim.v.completed_item
  local lsp_data = type(done) == 'table' and vim.tbl_get(done, 'user_data', 'nvim', 'lsp') or nil
  if type(lsp_data) ~= 'table' or lsp_data.client_id ~= client_id then
    return
  end
  local item = lsp_data.completion_item or {}
  local text = item.textEdit and item.textEdit.newText or item.insertText
  if type(text) ~= 'string' or not text:find('\n') then
    return
  end
  local row, col = unpack(vim.api.nvim_win_get_cursor(0))
  local start = col - #done.word
  if start < 0 or vim.api.nvim_get_current_line():sub(start + 1, col) ~= done.word then
    return
  end
  local lines = vim.split(text, '\n', { plain = true })
  vim.api.nvim_buf_set_text(0, row - 1, start, row - 1, col, lines)
  vim.api.nvim_win_set_cursor(0, { row + #lines - 1, #lines[#lines] })
end

---Built-in completion (0.11+). Recall's server has no trigger characters (it completes prose), so
---autotrigger uses the configured ones.
---@param client vim.lsp.Client
---@param bufnr integer
---@param options recall.CompletionOptions
---@param group integer
local function enable_completion(client, bufnr, options, group)
  if not options.enable or not vim.lsp.completion then
    return
  end
  local provider = client.server_capabilities.completionProvider
  if options.autotrigger and type(provider) == 'table' and not provider.triggerCharacters then
    provider.triggerCharacters = options.trigger_characters
  end
  vim.lsp.completion.enable(true, client.id, bufnr, { autotrigger = options.autotrigger, convert = convert })
  vim.api.nvim_create_autocmd('CompleteDone', {
    group = group,
    buffer = bufnr,
    desc = 'Recall: insert the rest of a multi-line completion',
    callback = function()
      complete_multiline(client.id)
    end,
  })
end

---@param client vim.lsp.Client
---@param bufnr integer
function M.attach(client, bufnr)
  local options = require('recall.config').get()
  local show = require('recall.lsp').commands.show_related
  vim.lsp.commands[show] = vim.lsp.commands[show] or show_related

  local group = vim.api.nvim_create_augroup(('recall.buffer.%d'):format(bufnr), { clear = true })
  if options.codelens then
    require('recall.codelens').attach(bufnr, group)
  end
  enable_completion(client, bufnr, options.completion, group)

  vim.api.nvim_create_autocmd({ 'CursorHold', 'CursorMoved', 'TextChanged', 'TextChangedI', 'BufEnter' }, {
    group = group,
    buffer = bufnr,
    desc = 'Recall: keep the panel on the paragraph under the cursor',
    callback = function(args)
      local panel = package.loaded['recall.panel']
      if panel then
        panel.on_buffer_event(args.buf)
      end
    end,
  })
  vim.api.nvim_create_autocmd('LspDetach', {
    group = group,
    buffer = bufnr,
    callback = function(args)
      if args.data.client_id == client.id then
        vim.api.nvim_del_augroup_by_id(group)
        return true
      end
    end,
  })
end

return M
