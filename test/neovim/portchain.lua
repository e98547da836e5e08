-- Drives portchain's language server from a real Neovim (0.7: vim.lsp.start_client and
-- buf_attach_client, as an init.lua of that version would), for test/neovim/neovim.test.ts:
--
--   nvim --headless --clean -u NONE -c 'luafile test/neovim/portchain.lua'
--
-- PORTCHAIN_NVIM_CONFIG names a JSON file (test/support/editorSession.ts writes it): { node, server, root, output, timeoutMs,
-- open = [paths], requests = [{ name, method, file, line, character }] } (paths relative to root,
-- positions zero-based as LSP counts them). It starts `node server --stdio` on root, opens the files
-- as YAML buffers, waits for the server's diagnostics, sends each request from the buffer of its
-- file, and writes what Neovim holds as JSON to `output`: the diagnostics per file as
-- vim.diagnostic.get returns them, and each request's result. Then it stops the server and quits.

local config = vim.fn.json_decode(table.concat(vim.fn.readfile(os.getenv('PORTCHAIN_NVIM_CONFIG')), '\n'))
local out = { nvim = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch), diagnostics = {}, results = {} }

local function write_output()
  vim.fn.writefile({ vim.fn.json_encode(out) }, config.output)
end

local function run()
  local initialized = false
  local client_id = vim.lsp.start_client({
    name = 'portchain',
    cmd = { config.node, config.server, '--stdio' },
    root_dir = config.root,
    workspace_folders = { { uri = vim.uri_from_fname(config.root), name = 'fixture' } },
    on_init = function() initialized = true end,
  })
  assert(client_id, 'vim.lsp.start_client did not start the server')
  assert(vim.wait(config.timeoutMs, function() return initialized end, 20), 'the server did not answer initialize')
  local client = vim.lsp.get_client_by_id(client_id)

  local buffers = {}
  for _, path in ipairs(config.open) do
    vim.cmd('edit ' .. vim.fn.fnameescape(config.root .. '/' .. path))
    local bufnr = vim.api.nvim_get_current_buf()
    -- -u NONE reads no filetype plugins; the server takes the languageId of didOpen from this.
    vim.bo[bufnr].filetype = 'yaml'
    vim.lsp.buf_attach_client(bufnr, client_id)
    buffers[path] = bufnr
  end

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

  vim.lsp.stop_client(client_id)
  out.stopped = vim.wait(config.timeoutMs, function() return vim.lsp.get_client_by_id(client_id) == nil end, 20)
end

local ok, err = xpcall(run, debug.traceback)
if not ok then out.error = tostring(err) end
write_output()
vim.cmd(ok and 'qall!' or 'cquit! 1')
