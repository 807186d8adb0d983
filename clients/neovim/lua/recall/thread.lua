---@mod recall.thread A self-thread expanded in place under its item in the panel
---
--- `<Tab>` or `za` on an item of a thread (`thread · 3 of 7`) asks the server for the whole thread
--- (`recall.thread`) and the panel lists its posts in order under the item, the item's own post
--- marked (`RecallThreadHit`); the same key on the item or one of its posts folds it again. An
--- expansion stays while its thread is in the list, across refreshes.

local items = require('recall.items')
local lsp = require('recall.lsp')

local M = {}

---@class recall.ThreadPosts
---@field id string? the thread's id; nil when the item is in no thread
---@field length integer its posts in the index
---@field posts recall.Item[] in order, hidden posts left out
---@field gaps integer places where a post is missing (deleted, or not in the archive)
---@field hidden integer posts left out as hidden

---Expanded threads by thread id.
---@type table<string, recall.ThreadPosts>
local expanded = {}

---The thread an item belongs to, when it has more than one post.
---@param item recall.Item
---@return string?
function M.of(item)
  local place = item.thread
  if type(place) == 'table' and type(place.id) == 'string' and (place.length or 0) > 1 then
    return place.id
  end
  return nil
end

---The item's thread, or nil after telling the user that it is in none.
---@param item recall.Item
---@return string?
local function required(item)
  local id = M.of(item)
  if not id then
    vim.notify('Recall: this item is not part of a thread', vim.log.levels.INFO)
  end
  return id
end

---Inserts the item's whole thread at the cursor of the writing window `win` (`recall.insert`'s
---`thread` format: each post a paragraph, then the link to its first post).
---@param item recall.Item
---@param win integer?
function M.insert(item, win)
  if required(item) then
    items.insert(item, { win = win, format = 'thread' })
  end
end

---Expands the item's thread, or folds it when it is expanded; `on_done` redraws.
---@param item recall.Item
---@param on_done fun()
function M.toggle(item, on_done)
  local id = required(item)
  if not id then
    return
  elseif expanded[id] then
    expanded[id] = nil
    on_done()
  else
    lsp.run(lsp.commands.thread, { { id = item.id } }, function(result)
      expanded[id] = result
      on_done()
    end)
  end
end

---Forgets the expansions whose thread is no longer in the list.
---@param list recall.Item[]
function M.keep(list)
  local listed = {}
  for _, item in ipairs(list) do
    local id = M.of(item)
    if id then
      listed[id] = true
    end
  end
  for id in pairs(expanded) do
    if not listed[id] then
      expanded[id] = nil
    end
  end
end

---Whether the item's thread is expanded.
---@param item recall.Item
---@return boolean
function M.is_expanded(item)
  local id = M.of(item)
  return id ~= nil and expanded[id] ~= nil
end

---The panel lines of an item's expanded thread: `{text, post, hit}` each (`post` nil for the note
---on missing and hidden posts), `hit` true on the item's own post. Empty when not expanded.
---@param item recall.Item
---@return {text: string, post: recall.Item?, hit: boolean}[]
function M.lines(item)
  local id = M.of(item)
  local whole = id and expanded[id]
  if not whole then
    return {}
  end
  local lines = {}
  for _, post in ipairs(whole.posts or {}) do
    local hit = post.id == item.id
    local position = type(post.thread) == 'table' and post.thread.position or 0
    local text = (post.text or post.snippet or ''):gsub('%s+', ' ')
    table.insert(lines, {
      text = ('  %s %d/%d · %s · %s'):format(hit and '▶' or '│', position, whole.length, post.date or '', text),
      post = post,
      hit = hit,
    })
  end
  local notes = {}
  if (whole.gaps or 0) > 0 then
    table.insert(notes, ('%d missing (deleted or not in the archive)'):format(whole.gaps))
  end
  if (whole.hidden or 0) > 0 then
    table.insert(notes, ('%d hidden'):format(whole.hidden))
  end
  if #notes > 0 then
    table.insert(lines, { text = '  └ ' .. table.concat(notes, ' · '), hit = false })
  end
  return lines
end

return M
