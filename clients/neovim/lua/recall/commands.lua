---@mod recall.commands `:Recall {subcommand}`
---
--- One user command with subcommands (completed with <Tab>):
---   panel    open or close the side panel
---   search   search past writing by meaning: `:Recall search [words]`
---   insert   insert a related fragment (the panel's line, or one picked from the list)
---   hide     hide a related fragment for good (the panel's line, or one picked)
---   unhide   show a hidden fragment again (picked from the hidden ones, or all of them)
---   filter   narrow every list: `:Recall filter kinds=note,tweet since=2020 until=2021-06`, `clear`
---   reindex  re-read every source
---   status   what the server is doing, what is indexed

local M = {}

---The item under the cursor when the cursor is in the panel.
---@return recall.Item?
local function panel_item()
  local panel = package.loaded['recall.panel']
  return vim.bo.filetype == 'recall' and panel and panel.item_under_cursor() or nil
end

---Shows the panel's list anew, if the panel was ever opened (after hiding or showing a fragment again).
local function refresh_panel()
  local panel = package.loaded['recall.panel']
  if panel then
    panel.refresh(true)
  end
end

---`:Recall unhide`: pick one of the hidden fragments (or all of them) to show again.
---@param hidden table[] `recall.hidden`'s result
local function pick_unhidden(hidden)
  local lsp = require('recall.lsp')
  if not hidden or #hidden == 0 then
    return vim.notify('Recall: nothing is hidden', vim.log.levels.INFO)
  end
  vim.ui.select(vim.list_extend({ { all = true } }, hidden), {
    prompt = 'Recall: show again',
    kind = 'recall.unhide',
    format_item = function(choice)
      if choice.all then
        return ('all hidden fragments (%d)'):format(#hidden)
      end
      local what = choice.snippet or ('%s (no longer in the index)'):format(choice.id)
      return ('%s · hidden %s'):format(what, (choice.hiddenAt or ''):sub(1, 10))
    end,
  }, function(choice)
    if choice then
      lsp.run(lsp.commands.unhide, { choice.all and { all = true } or choice.id }, function(result)
        vim.notify(('Recall: %d shown again'):format(result and result.unhidden or 0), vim.log.levels.INFO)
        refresh_panel()
      end)
    end
  end)
end

---@type table<string, fun(args: string[])>
M.subcommands = {
  panel = function()
    require('recall.panel').toggle()
  end,
  search = function(args)
    require('recall.search').run(table.concat(args, ' '))
  end,
  insert = function()
    local item = panel_item()
    if item then
      return require('recall.items').insert(item, { win = require('recall.panel').source_window() })
    end
    require('recall.search').pick_related('Recall: insert', function(chosen, win)
      require('recall.items').insert(chosen, { win = win })
    end)
  end,
  hide = function()
    local item = panel_item()
    if item then
      return require('recall.items').hide(item, refresh_panel)
    end
    require('recall.search').pick_related('Recall: hide for good', function(chosen)
      require('recall.items').hide(chosen, refresh_panel)
    end)
  end,
  unhide = function()
    local lsp = require('recall.lsp')
    lsp.run(lsp.commands.hidden, {}, pick_unhidden)
  end,
  filter = function(args)
    require('recall.filter').run(args)
  end,
  reindex = function()
    local lsp = require('recall.lsp')
    lsp.run(lsp.commands.reindex, {}, function()
      vim.notify('Recall: re-reading every source', vim.log.levels.INFO)
    end)
  end,
  status = function()
    require('recall.status').show()
  end,
}

---Runs `:Recall {subcommand} [args]`.
---@param fargs string[]
function M.run(fargs)
  local name = fargs[1]
  local subcommand = name and M.subcommands[name]
  if not subcommand then
    local problem = name and ('unknown subcommand %q'):format(name) or 'a subcommand is needed'
    vim.notify(('Recall: %s; use one of: %s'):format(problem, table.concat(M.names(), ', ')), vim.log.levels.ERROR)
    return
  end
  subcommand(vim.list_slice(fargs, 2))
end

---The subcommand names, sorted.
---@return string[]
function M.names()
  local names = vim.tbl_keys(M.subcommands)
  table.sort(names)
  return names
end

---Completers of a subcommand's arguments.
---@type table<string, fun(arglead: string): string[]>
M.argument_completers = {
  filter = function(arglead)
    return require('recall.filter').complete(arglead)
  end,
}

---Completes the subcommand, then the arguments of those that have a completer.
---@param arglead string
---@param cmdline string
---@return string[]
function M.complete(arglead, cmdline, _)
  if cmdline:match('^%s*%S+%s+%S*$') == nil then
    local completer = M.argument_completers[cmdline:match('^%s*%S+%s+(%S+)%s') or '']
    return completer and completer(arglead) or {}
  end
  return vim.tbl_filter(function(name)
    return vim.startswith(name, arglead)
  end, M.names())
end

return M
