---@mod recall.matched Where an item's matched words are in a text, for highlighting
---
--- The server lists in `item.matched` the fragment's own words that matched the query's words
--- (empty for a match by meaning only). A word is found in any letter case (every keyword tokenizer
--- folds case, so a capitalised repeat matched too) but with its own accents, and only as a whole
--- word, never inside a longer one, except in scripts written without spaces (Vim's `charclass()`
--- puts CJK in classes of their own, so a word inside a run of them stands as a word).

local M = {}

---@param char string one character, or `''` at the text's edge
---@return boolean
local function is_word(char)
  return char ~= '' and vim.fn.charclass(char) == 2
end

---The character ending just before byte `pos` (0-based), or `''` at the start.
---@param text string
---@param pos integer
---@return string
local function char_before(text, pos)
  if pos <= 0 then
    return ''
  end
  return text:sub(pos + vim.str_utf_start(text, pos), pos)
end

---The character starting at byte `pos` (0-based), or `''` at the end.
---@param text string
---@param pos integer
---@return string
local function char_at(text, pos)
  if pos >= #text then
    return ''
  end
  return text:sub(pos + 1, pos + 1 + vim.str_utf_end(text, pos + 1))
end

---@param before string
---@param after string
---@return boolean
local function boundary(before, after)
  return not (is_word(before) and is_word(after))
end

---Where the matched words are in `text`: sorted, disjoint `{start, end}` byte ranges (0-based, end
---exclusive, as extmarks take them). Words that overlap or touch make one range.
---@param text string
---@param matched string[]? the item's `matched`
---@return {[1]: integer, [2]: integer}[]
function M.ranges(text, matched)
  local found = {}
  local seen = {}
  for _, word in ipairs(type(matched) == 'table' and matched or {}) do
    if type(word) == 'string' and word:find('%S') and not seen[word] then
      seen[word] = true
      -- \V: nothing but the backslash is special; \c: any case.
      local regex = vim.regex('\\V\\c' .. (word:gsub('\\', '\\\\')))
      local from = 0
      while from < #text do
        local s, e = regex:match_str(text:sub(from + 1))
        if not s then
          break
        end
        local start, stop = from + s, from + e
        if
          stop > start
          and boundary(char_before(text, start), char_at(text, start))
          and boundary(char_before(text, stop), char_at(text, stop))
        then
          table.insert(found, { start, stop })
        end
        from = start + 1 + vim.str_utf_end(text, start + 1) -- overlapping occurrences too
      end
    end
  end
  table.sort(found, function(a, b)
    return a[1] < b[1] or (a[1] == b[1] and a[2] > b[2])
  end)
  local merged = {}
  for _, range in ipairs(found) do
    local last = merged[#merged]
    if last and range[1] <= last[2] then
      last[2] = math.max(last[2], range[2])
    else
      table.insert(merged, { range[1], range[2] })
    end
  end
  return merged
end

return M
