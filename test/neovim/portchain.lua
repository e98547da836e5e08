-- Drives portchain's language server from a real Neovim 0.7 set up with the README's snippet, for
-- test/neovim/neovim.test.ts:
--
--   nvim --headless --clean -u NONE -c 'luafile test/neovim/portchain.lua'
--
-- PORTCHAIN_NVIM_CONFIG names a JSON file (test/support/editorSession.ts writes it): { root, output,
-- timeoutMs, snippet, open = [paths], requests = [{ name, method, file, line, character }] } (paths
-- relative to root, positions zero-based as LSP counts them). It runs `snippet` (the README's Lua
-- block, verbatim) as an init.lua would, turns filetype detection on, and edits each file as a
-- user typing :edit would: the snippet's FileType autocommand starts or reuses the
-- server. Then it waits for the server's diagnostics, sends each request from the buffer of its
-- file, and writes what Neovim holds as JSON to `output`: the messages shown, the portchain clients
-- and the server processes Neovim started, the diagnostics per file, each request's result. Then
-- it stops the clients and quits.

local config = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('PORTCHAIN_NVIM_CONFIG')), '\n'))
local out = {
  nvim = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch),
  messages = {}, clients = {}, diagnostics = {}, results = {},
}

local function write_output()
  vim.fn.writefile({ vim.fn.json_encode(out) }, config.output)
end

-- What the user would see in the message area, kept for the report.
vim.notify = function(message, level)
  table.insert(out.messages, { message = message, level = level or vim.log.levels.INFO })
end

local function portchain_clients()
  local found = {}
  for _, client in pairs(vim.lsp.get_active_clients()) do
    if client.name == 'portchain' then table.insert(found, client) end
  end
  return found
end

local function run()
  dofile(config.snippet)
  vim.cmd('filetype on')

  local buffers = {}
  for _, path in ipairs(config.open) do
    vim.cmd('edit ' .. vim.fn.fnameescape(config.root .. '/' .. path))
    buffers[path] = vim.api.nvim_get_current_buf()
  end

  -- A client counts as active once the server has answered initialize; a message says it will not.
  vim.wait(config.timeoutMs, function() return #portchain_clients() > 0 or #out.messages > 0 end, 20)
  local clients = portchain_clients()
  for _, client in ipairs(clients) do
    local attached = {}
    for path, bufnr in pairs(buffers) do
      if vim.lsp.buf_is_attached(bufnr, client.id) then table.insert(attached, path) end
    end
    table.sort(attached)
    table.insert(out.clients, { root = client.config.root_dir, attached = attached })
  end
  -- The processes Neovim started, the language servers among them.
  out.children = #vim.api.nvim_get_proc_children(vim.fn.getpid())
  if #clients == 0 then return end

  -- The server publishes once it has read the workspace; a file with a broken link gets its squiggle.
  local function any_diagnostics()
    for _, bufnr in pairs(buffers) do
      if #vim.diagnostic.get(bufnr) > 0 then return true end
    end
    return false
  end
  vim.wait(config.timeoutMs, any_diagnostics, 20)
  -- Later publishes for the other open files come in the same burst; give them a moment.
  vim.wait(300, function() return false end, 20)
  for path, bufnr in pairs(buffers) do
    local shown = {}
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      local lsp = diagnostic.user_data and diagnostic.user_data.lsp or {}
      table.insert(shown, {
        lnum = diagnostic.lnum, col = diagnostic.col, end_col = diagnostic.end_col,
        severity = diagnostic.severity, source = diagnostic.source,
        code = diagnostic.code or lsp.code, message = diagnostic.message,
      })
    end
    out.diagnostics[path] = shown
  end

  local client = clients[1]
  for _, request in ipairs(config.requests) do
    local bufnr = buffers[request.file]
    assert(bufnr, request.file .. ' is not open')
    local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = { line = request.line, character = request.character } }
    local response, err = client.request_sync(request.method, params, config.timeoutMs, bufnr)
    if not response then
      out.results[request.name] = { error = tostring(err) }
    elseif response.err then
      out.results[request.name] = { error = vim.inspect(response.err) }
    else
      out.results[request.name] = { result = response.result }
    end
  end

  for _, each in ipairs(clients) do vim.lsp.stop_client(each.id) end
  out.stopped = vim.wait(config.timeoutMs, function() return #portchain_clients() == 0 end, 20)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then out.error = tostring(err) end
write_output()
vim.cmd(ok and 'qall!' or 'cquit! 1')
