-- `:checkhealth recall`, before any client runs (it asks `recall-ls doctor --json`) and with the
-- client attached and ready (it asks the server, `recall.status`): OK lines, no ERROR.
return function(t)
  ---Runs `:checkhealth recall` and returns the report's lines (the health buffer is then closed).
  local function checkhealth()
    vim.cmd('checkhealth recall')
    local buf = vim.api.nvim_get_current_buf()
    t.expect(vim.bo[buf].filetype == 'checkhealth', 'filetype %s', vim.bo[buf].filetype)
    local text = t.text(buf)
    if #vim.api.nvim_list_tabpages() > 1 then
      vim.cmd('tabclose')
    end
    vim.api.nvim_buf_delete(buf, { force = true })
    t.log('checkhealth:\n%s', text)
    t.expect(not text:find('ERROR', 1, true), 'checkhealth reported an error')
    t.expect(text:find('recall-ls 0.1.0', 1, true) or text:find('version: recall%-ls'), 'no server version')
    return text
  end

  local offline = checkhealth()
  t.expect(offline:find('recall-ls doctor', 1, true), 'the doctor was not asked')
  t.expect(offline:find('model all-MiniLM-L6-v2', 1, true), 'no model line')

  local buf = t.edit('notes/reading.txt')
  t.expect(vim.bo[buf].filetype == 'text', 'filetype %s', vim.bo[buf].filetype)
  t.ready(buf)
  local live = checkhealth()
  t.expect(live:find('OK ready: %d+ fragments'), 'not ready')
  t.expect(live:find('source ' .. t.workspace .. '/archive: twitter', 1, true), 'no archive source')
  t.expect(live:find('source ' .. t.workspace .. '/notes: notes', 1, true), 'no notes source')
  t.expect(live:find('model all-MiniLM-L6-v2 (loaded)', 1, true), 'model not loaded')
end
