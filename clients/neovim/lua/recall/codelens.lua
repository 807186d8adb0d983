---@mod recall.codelens Code lenses: `N related · "snippet…"` above each paragraph
---
--- Neovim 0.11 draws lenses that it is asked to fetch (`vim.lsp.codelens.refresh`), and does not
--- answer the server's `workspace/codeLens/refresh`; this module fetches them on attach, on
--- `BufEnter` and `InsertLeave`, and whenever the server asks (Recall asks after edits and indexing).
--- Where Neovim keeps lenses fresh itself (`vim.lsp.codelens.enable`, 0.12), it lets Neovim do it.

local M = {}

---Fetches and draws the lenses of a buffer.
---@param bufnr integer
function M.refresh(bufnr)
  if vim.api.nvim_buf_is_loaded(bufnr) then
    vim.lsp.codelens.refresh({ bufnr = bufnr })
  end
end

---Keeps the lenses of a buffer fresh.
---@param bufnr integer
---@param group integer the buffer's autocommand group
function M.attach(bufnr, group)
  ---@diagnostic disable-next-line: undefined-field
  local enable = vim.lsp.codelens.enable
  if type(enable) == 'function' then
    enable(true, { bufnr = bufnr })
    return
  end
  M.refresh(bufnr)
  vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave' }, {
    group = group,
    buffer = bufnr,
    desc = 'Recall: refresh code lenses',
    callback = function(args)
      M.refresh(args.buf)
    end,
  })
end

---`workspace/codeLens/refresh` from the server: refetch the lenses of the visible buffers it serves.
---(Hidden ones are fetched on `BufEnter`.) Not while typing: `InsertLeave` catches up.
---@param client_id integer
function M.on_refresh_request(client_id)
  if vim.api.nvim_get_mode().mode:sub(1, 1) == 'i' then
    return
  end
  local visible = {}
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    visible[vim.api.nvim_win_get_buf(win)] = true
  end
  local client = vim.lsp.get_client_by_id(client_id)
  for bufnr in pairs(client and client.attached_buffers or {}) do
    if visible[bufnr] then
      M.refresh(bufnr)
    end
  end
end

return M
