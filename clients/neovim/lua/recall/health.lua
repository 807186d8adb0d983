---@mod recall.health `:checkhealth recall`
---
--- Checks Neovim, the server executable and its version, then what the index holds: from the
--- running server (`recall.status`) when a client is attached, else from `recall-ls doctor --json`.

local M = {}

local health = vim.health

---The command that runs the server's CLI: `cmd` up to (not including) `serve`.
---@param cmd string[]
---@return string[]
local function cli_of(cmd)
  local cli = {}
  for _, part in ipairs(cmd) do
    if part == 'serve' then
      break
    end
    table.insert(cli, part)
  end
  return #cli > 0 and cli or { cmd[1] }
end

---@param argv string[]
---@param timeout_ms integer
---@return vim.SystemCompleted
local function run(argv, timeout_ms)
  local ok, result = pcall(function()
    return vim.system(argv, { text = true }):wait(timeout_ms)
  end)
  if not ok then
    return { code = -1, signal = 0, stdout = '', stderr = tostring(result) }
  end
  return result
end

local function check_neovim()
  health.start('Neovim')
  local v = vim.version()
  local version = ('%d.%d.%d'):format(v.major, v.minor, v.patch)
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. version)
  elseif vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. version .. " (start Recall with require('recall').setup(); 0.11 adds built-in completion)")
  else
    health.error('Neovim ' .. version .. ' is too old', { 'Recall needs Neovim 0.10 or newer' })
  end
  if vim.fn.has('nvim-0.11') == 1 then
    if vim.lsp.is_enabled('recall') then
      health.ok("the client is enabled (vim.lsp.enable('recall'))")
    else
      health.warn('the client is not enabled', { "add vim.lsp.enable('recall') to your config" })
    end
  end
  local has_parser = pcall(vim.treesitter.language.add, 'markdown')
  if has_parser then
    health.ok('markdown tree-sitter parser found (hover renders Markdown)')
  else
    health.warn('no markdown tree-sitter parser: hover shows raw Markdown', { ':TSInstall markdown markdown_inline' })
  end
end

---@param cmd string[]|fun(...): any
---@return string[]? cli the server's command line, when it is an executable found on PATH
local function check_executable(cmd)
  health.start('recall-ls (the language server)')
  if type(cmd) ~= 'table' then
    health.info('the server is started by a function (custom cmd): not checked')
    return nil
  end
  local cli = cli_of(cmd)
  if vim.fn.executable(cli[1]) == 0 then
    health.error(('`%s` is not executable or not on PATH'):format(cli[1]), {
      'install the server as the Recall README says (Install): make dist, then pip install dist/recall_ls-*.whl in a virtual environment',
      "then point the client at it: vim.g.recall = { cmd = { '/path/to/recall-ls', 'serve' } }",
    })
    return nil
  end
  health.ok(('`%s` found: %s'):format(cli[1], vim.fn.exepath(cli[1])))
  local result = run(vim.list_extend(vim.deepcopy(cli), { '--version' }), 15000)
  if result.code == 0 then
    health.ok('version: ' .. vim.trim(result.stdout ~= '' and result.stdout or result.stderr or ''))
  else
    health.error(('`%s --version` failed: %s'):format(table.concat(cli, ' '), vim.trim(result.stderr or '')))
  end
  return cli
end

---@param sources table[] the running server's (`indexedAt`) or `recall-ls doctor --json`'s (`indexed_at`)
local function report_sources(sources)
  if not sources or #sources == 0 then
    health.warn(
      'no sources indexed',
      { "set settings.sources, e.g. vim.g.recall = { settings = { sources = { '~/notes' } } }" }
    )
    return
  end
  for _, source in ipairs(sources) do
    health.ok(
      ('source %s: %s, %d fragments%s'):format(
        source.path,
        source.kind or '?',
        source.fragments or 0,
        (source.indexedAt or source.indexed_at) and (', indexed ' .. tostring(source.indexedAt or source.indexed_at))
          or ''
      )
    )
  end
end

---@param client vim.lsp.Client
local function check_running(client)
  health.start('Recall: the running server')
  local lsp = require('recall.lsp')
  local status, err = lsp.execute_sync(client, lsp.commands.status, 10000)
  if not status then
    health.error(lsp.commands.status .. ' failed: ' .. tostring(err))
    return
  end
  local recall_status = require('recall.status')
  local words = recall_status.describe(recall_status.brief(status))
  if status.state == 'ready' then
    health.ok(('%s: %d fragments, %d searchable'):format(words, status.fragments or 0, status.searchable or 0))
  elseif status.state == 'error' then
    health.error(words)
  else
    health.info(words)
  end
  for _, line in ipairs(recall_status.tier_lines(status.tiers)) do
    health.info(line)
  end
  if type(status.model) == 'table' then
    health.ok(('model %s (%s)'):format(status.model.name, status.model.loaded and 'loaded' or 'not loaded yet'))
  end
  if status.indexDir then
    health.info('index: ' .. status.indexDir)
  end
  report_sources(status.sources)
end

---@param cli string[]
---@param settings table
local function check_offline(cli, settings)
  health.start('Recall: the index (recall-ls doctor)')
  health.info('no Recall client is running: asking `recall-ls doctor`')
  local argv = vim.list_extend(vim.deepcopy(cli), { 'doctor', '--json' })
  if settings.indexDir then
    vim.list_extend(argv, { '--index-dir', vim.fs.normalize(settings.indexDir) })
  end
  if settings.model then
    vim.list_extend(argv, { '--model', settings.model })
  end
  local result = run(argv, 60000)
  local ok, report = pcall(vim.json.decode, result.stdout or '', { luanil = { object = true, array = true } })
  if not ok or type(report) ~= 'table' then
    health.error('`recall-ls doctor --json` failed: ' .. vim.trim(result.stderr or ''))
    return
  end
  for _, problem in ipairs(report.problems or {}) do
    health.error(problem)
  end
  local model = report.model or {}
  if model.weights then
    health.ok(('model %s (%s)'):format(model.name, model.location))
  end
  local index = report.index or {}
  if index.exists == false then
    health.warn(
      'no index yet at ' .. tostring(index.path),
      { 'it is built when the client starts with sources configured' }
    )
  elseif index.fragments then
    health.ok(
      ('index %s: %d fragments, %s embedded'):format(index.path, index.fragments, tostring(index.embedded or '?'))
    )
    report_sources(index.sources)
  end
end

---The configuration in force: the running client's, else `vim.lsp.config.recall` (0.11+), else the
---options.
---@param client vim.lsp.Client?
---@return string[]|function cmd
---@return table settings
local function configuration(client)
  local config = client and client.config
  if not config and vim.fn.has('nvim-0.11') == 1 then
    config = vim.lsp.config[require('recall.lsp').name]
  end
  if config and config.cmd then
    return config.cmd, vim.tbl_get(config, 'settings', 'recall') or {}
  end
  local options = require('recall.config').get()
  return options.cmd, options.settings
end

function M.check()
  check_neovim()
  local client = require('recall.lsp').client(vim.api.nvim_get_current_buf())
  local cmd, settings = configuration(client)
  local cli = check_executable(cmd)
  if client then
    check_running(client)
  elseif cli then
    check_offline(cli, settings)
  end
end

return M
