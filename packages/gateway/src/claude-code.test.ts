import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAUDE_TOOL_PREFIX, clientTexts, commandAllowedTools, toolMentions } from './__fixtures__/client-texts.js';
import {
  gatewayBin,
  gatewayEnv,
  inspectorCall,
  repoRoot,
  run,
  startHttpGatewayProcess,
  type HttpGatewayProcess,
} from './__fixtures__/gateway-process.js';

/** Where Claude Code looks when started in a package folder, as an ops agent or developer would. */
const SUBDIR = path.join(repoRoot, 'packages', 'field');
const texts = clientTexts(repoRoot);
const mcpJson = JSON.parse(readFileSync(path.join(repoRoot, '.mcp.json'), 'utf8')) as {
  mcpServers: Record<string, { command: string; args: string[] }>;
};

let home: string;
/** The server's tools as a client sees them (tools/list of the real binary, started as .mcp.json says). */
let tools: { name: string; annotations?: { readOnlyHint?: boolean } }[] = [];
let stdio: Client;

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'ecm-claude-code-'));
  // dist/ is today's: the global setup (vitest.global-setup.ts) compiles stale packages before any test.
  const server = mcpJson.mcpServers['ecm-gateway']!;
  stdio = new Client({ name: 'ecm-test', version: '0.0.0' });
  await stdio.connect(
    new StdioClientTransport({ command: server.command, args: server.args, cwd: SUBDIR, env: gatewayEnv(home), stderr: 'pipe' }),
  );
  tools = (await stdio.listTools()).tools;
}, 180_000);
afterAll(async () => {
  await stdio?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('.mcp.json', () => {
  it('outside the repository the command says where to start instead of failing obscurely', () => {
    const server = mcpJson.mcpServers['ecm-gateway']!;
    const outside = mkdtempSync(path.join(os.tmpdir(), 'ecm-not-a-repo-'));
    try {
      const result = spawnSync(server.command, server.args, { cwd: outside, env: gatewayEnv(home), encoding: 'utf8', timeout: 30_000 });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/is not in .* or a folder above it: start the MCP client inside the ECM repository/);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('the skills where Claude Code finds them, from one source', () => {
  const linksDir = path.join(repoRoot, '.claude', 'skills');

  it('links every skill of shared/skills into .claude/skills, relatively, and nothing else', () => {
    expect(texts.skills.length).toBeGreaterThanOrEqual(9);
    expect(readdirSync(linksDir).sort()).toEqual(texts.skills.map((s) => s.name).sort());
    for (const skill of texts.skills) {
      const link = path.join(linksDir, skill.name);
      expect(lstatSync(link).isSymbolicLink(), `${link} must be a symlink, not a copy`).toBe(true);
      expect(readlinkSync(link)).toBe(`../../shared/skills/${skill.name}`);
      expect(realpathSync(path.join(link, 'SKILL.md'))).toBe(realpathSync(skill.file));
    }
  });

  it('git records the links as links (mode 120000), so a clone gets them', () => {
    const git = spawnSync('git', ['ls-files', '-s', '.claude/skills'], { cwd: repoRoot, encoding: 'utf8' });
    if (git.status !== 0) return expect.soft(git.stderr, 'not a git checkout: nothing to check').toBeDefined();
    const rows = git.stdout.trim().split('\n').filter(Boolean);
    expect(rows).toHaveLength(texts.skills.length);
    expect(rows.every((r) => r.startsWith('120000 '))).toBe(true);
  });
});

describe('tool names in the skills, the slash commands and CLAUDE.md', () => {
  const names = () => tools.map((t) => t.name);

  it('the server lists its tools (the comparison below is against these)', () => {
    expect(names()).toContain('tickets_update');
    expect(names().length).toBeGreaterThanOrEqual(11);
  });

  it('every tool a skill allows is a tool the server lists', () => {
    const missing = texts.skills.flatMap((s) => s.allowedTools.filter((t) => !names().includes(t)).map((t) => `${s.name}: ${t}`));
    expect(missing).toEqual([]);
  });

  it('every tool named in the texts is a tool the server lists', () => {
    const mentions = texts.sources.flatMap((s) => toolMentions(s, names()));
    expect(mentions.length).toBeGreaterThan(30);
    expect(new Set(mentions.map((m) => m.file)).size).toBe(texts.sources.length);
    expect(mentions.filter((m) => !names().includes(m.tool)).map((m) => `${m.file}: ${m.tool}`)).toEqual([]);
  });

  it('every gateway prompt offered as a slash command (/mcp__ecm-gateway__name) is a prompt the server lists', async () => {
    const prompts = (await stdio.listPrompts()).prompts.map((p) => p.name);
    const offered = texts.sources.flatMap((s) =>
      [...s.text.matchAll(/\/mcp__ecm-gateway__([A-Za-z0-9_-]+)/g)].map((m) => `${s.file}: ${m[1]!}`),
    );
    expect(offered.length).toBeGreaterThan(0);
    expect(offered.filter((o) => !prompts.includes(o.split(': ')[1]!))).toEqual([]);
  });

  it("the server's own instructions name only its tools", () => {
    const instructions = stdio.getInstructions() ?? '';
    const mentions = toolMentions({ file: 'initialize.instructions', text: instructions }, names());
    expect(mentions.length).toBeGreaterThan(2);
    expect(mentions.filter((m) => !names().includes(m.tool))).toEqual([]);
  });

  it('the check catches a tool that does not exist (yet), in prose or in Claude Code form', () => {
    const text =
      'Call `ticket_resolve` after `tickets_list`; then my_queue, proposals_list and mcp__ecm-gateway__order_lookup. refund_pending and payout_partner are no tools.';
    const unknown = toolMentions({ file: 'x.md', text }, names())
      .filter((m) => !names().includes(m.tool))
      .map((m) => m.tool)
      .sort();
    expect(unknown).toEqual(['my_queue', 'order_lookup', 'proposals_list', 'ticket_resolve']);
  });

  it("CLAUDE.md's Tools section lists exactly the server's tools", () => {
    const section = /^## Tools[^\n]*\n([\s\S]*?)(?=^## |$(?![\s\S]))/m.exec(texts.claudeMd.text)?.[1] ?? '';
    const listed = [...section.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1]!).sort();
    expect(listed).toEqual([...names()].sort());
  });

  it('slash commands pre-approve only read-only gateway tools: ticket changes always ask the person', () => {
    expect(texts.commands.length).toBeGreaterThanOrEqual(3);
    for (const command of texts.commands) {
      const allowed = commandAllowedTools(command.text);
      expect(allowed.length, command.file).toBeGreaterThan(0);
      for (const entry of allowed) {
        expect(entry.startsWith(CLAUDE_TOOL_PREFIX), `${command.file}: ${entry}`).toBe(true);
        const tool = tools.find((t) => t.name === entry.slice(CLAUDE_TOOL_PREFIX.length));
        expect(tool, `${command.file}: ${entry}`).toBeDefined();
        expect(tool!.annotations?.readOnlyHint, `${command.file}: ${entry}`).toBe(true);
      }
    }
  });
});

describe('skill routing and slash commands', () => {
  const skillNames = () => texts.skills.map((s) => s.name);

  it('CLAUDE.md offers /my-tickets, /order, /resolve and /escalate, each a command file or a skill', () => {
    // /mcp__ecm-gateway__… are the gateway's prompts, checked against prompts/list above.
    const offered = [...texts.claudeMd.text.matchAll(/`\/([a-z][a-z0-9_-]*)/g)].map((m) => m[1]!).filter((c) => !c.startsWith('mcp__'));
    expect(offered).toEqual(expect.arrayContaining(['my-tickets', 'order', 'resolve', 'escalate']));
    const available = new Set([...texts.commands.map((c) => c.name), ...skillNames()]);
    expect(offered.filter((c) => !available.has(c))).toEqual([]);
  });

  it('a command never shadows a skill of the same name (Claude Code would run the skill)', () => {
    expect(texts.commands.map((c) => c.name).filter((c) => skillNames().includes(c))).toEqual([]);
  });

  it('each command runs an existing skill and passes the arguments', () => {
    for (const command of texts.commands) {
      const named = [...command.text.matchAll(/Run the `([a-z0-9-]+)` skill/g)].map((m) => m[1]!);
      expect(named, command.file).toHaveLength(1);
      expect(skillNames(), command.file).toContain(named[0]);
      expect(command.text, command.file).toContain('$ARGUMENTS');
    }
  });

  it('CLAUDE.md routes to every field skill, and names only skills that exist', () => {
    const field = texts.skills.filter((s) => s.role === 'field').map((s) => s.name);
    expect(field.length).toBeGreaterThanOrEqual(4);
    const named = new Set([...texts.claudeMd.text.matchAll(/`([a-z0-9]+(?:-[a-z0-9]+)+)`/g)].map((m) => m[1]!));
    for (const f of field) expect(named.has(f), f).toBe(true);
    const knownNonSkills = new Set(['ecm-gateway', 'ecm-manager', 'ecm-field']);
    expect([...named].filter((n) => !skillNames().includes(n) && !knownNonSkills.has(n))).toEqual([]);
  });
});

describe('prompts and resources through the SDK client (stdio, started from a subdirectory)', () => {
  it('lists one prompt per skill and reads one with an order id', async () => {
    const { prompts } = await stdio.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(texts.skills.map((s) => s.name).sort());
    const got = await stdio.getPrompt({
      name: 'escalate-ticket',
      arguments: { order_id: 'ORD-TEST-0001', reason: 'Lulu not credited after 50 h' },
    });
    const text = (got.messages[0]!.content as { text: string }).text;
    expect(text).toContain('- order_id: "ORD-TEST-0001"');
    expect(text).toContain('# Escalate ticket');
  });

  it('lists and reads the runbooks and the catalogue', async () => {
    const { resources } = await stdio.listResources();
    expect(resources.length).toBeGreaterThanOrEqual(22);
    const { contents } = await stdio.readResource({ uri: 'ecm://runbooks/refund_pending' });
    expect((contents[0] as { text: string }).text).toMatch(/^# /);
  });
});

const inspector = (args: readonly string[]) => inspectorCall(home, args);

describe('prompts and resources through the MCP Inspector CLI', () => {
  const TOKEN = 'inspector-token-0123456789abcdef';
  let gw: HttpGatewayProcess;
  beforeAll(async () => {
    gw = await startHttpGatewayProcess([], gatewayEnv(home, { ECM_GATEWAY_TOKEN: `dana.ops@example.com:${TOKEN}` }));
  }, 60_000);
  afterAll(async () => {
    await gw?.stop();
  });

  for (const [transport, target] of [
    ['stdio', () => [process.execPath, gatewayBin]],
    ['HTTP', () => [gw.url, '--transport', 'http', '--header', `Authorization: Bearer ${TOKEN}`]],
  ] as const) {
    // Each call is a client process of its own: independent calls run side by side.
    it(`prompts/list and prompts/get over ${transport}`, async () => {
      const [list, got] = (await Promise.all([
        inspector([...target(), '--method', 'prompts/list']),
        inspector([...target(), '--method', 'prompts/get', '--prompt-name', 'order-details', '--prompt-args', 'order_id=ORD-TEST-0002']),
      ])) as [
        { prompts: { name: string; arguments?: { name: string; required?: boolean }[] }[] },
        { messages: { role: string; content: { type: string; text: string } }[] },
      ];
      expect(list.prompts.map((p) => p.name).sort()).toEqual(texts.skills.map((s) => s.name).sort());
      expect(list.prompts.find((p) => p.name === 'order-details')?.arguments).toEqual([
        expect.objectContaining({ name: 'order_id', required: true }),
      ]);
      expect(got.messages[0]!.role).toBe('user');
      expect(got.messages[0]!.content.text).toContain('- order_id: "ORD-TEST-0002"');
      expect(got.messages[0]!.content.text).toContain('# Order details');
    });

    it(`resources/list, resources/templates/list and resources/read over ${transport}`, async () => {
      const [list, templates, catalogue, runbook] = (await Promise.all([
        inspector([...target(), '--method', 'resources/list']),
        inspector([...target(), '--method', 'resources/templates/list']),
        inspector([...target(), '--method', 'resources/read', '--uri', 'ecm://stuck-reasons']),
        inspector([...target(), '--method', 'resources/read', '--uri', 'ecm://runbooks/refund_pending']),
      ])) as [
        { resources: { uri: string }[] },
        { resourceTemplates: { uriTemplate: string }[] },
        { contents: { text: string; mimeType: string }[] },
        { contents: { text: string }[] },
      ];
      const uris = list.resources.map((r) => r.uri);
      expect(uris).toContain('ecm://stuck-reasons');
      expect(uris).toContain('ecm://runbooks/refund_pending');
      expect(templates.resourceTemplates.map((t) => t.uriTemplate)).toEqual(['ecm://runbooks/{name}']);
      expect(catalogue.contents[0]!.mimeType).toBe('application/json');
      const reasons = (JSON.parse(catalogue.contents[0]!.text) as { reasons: { name: string }[] }).reasons;
      expect(reasons.map((r) => r.name)).toContain('refund_pending');
      expect(runbook.contents[0]!.text).toMatch(/^# /);
    });
  }

  it('without the token the HTTP gateway serves no prompt', async () => {
    await expect(inspector([gw.url, '--transport', 'http', '--method', 'prompts/list'])).rejects.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Claude Code itself. It needs no API key and no network for this: `claude mcp list` health-checks
// the servers, and a print-mode run reports what it loaded in its first (init) message before it
// asks a model anything; its model requests go to a local server that records them.

const CLAUDE_CODE_VERSION = '2.1.328';
const claudeCache = path.join(repoRoot, 'node_modules', '.cache', `claude-code-${CLAUDE_CODE_VERSION}`);
const cachedClaude = path.join(claudeCache, 'node_modules', '.bin', 'claude');

function findClaude(): { bin: string | null; install: boolean; reason: string } {
  const explicit = process.env.ECM_CLAUDE_BIN;
  if (explicit)
    return existsSync(explicit)
      ? { bin: explicit, install: false, reason: `ECM_CLAUDE_BIN=${explicit}` }
      : { bin: null, install: false, reason: `ECM_CLAUDE_BIN=${explicit} does not exist` };
  if (existsSync(cachedClaude)) return { bin: cachedClaude, install: false, reason: `cached ${CLAUDE_CODE_VERSION}` };
  const onPath = spawnSync('claude', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (onPath.status === 0 && /Claude Code/.test(onPath.stdout))
    return { bin: 'claude', install: false, reason: `claude on PATH (${onPath.stdout.trim()})` };
  if (process.env.CI || process.env.ECM_TEST_CLAUDE_CODE === 'install')
    return { bin: cachedClaude, install: true, reason: `installing @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}` };
  return {
    bin: null,
    install: false,
    reason: `skipped: Claude Code is not installed. Set ECM_CLAUDE_BIN, put claude on PATH, or set ECM_TEST_CLAUDE_CODE=install (fetches @anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}: about 170 MB download, 360 MB on disk; CI does this)`,
  };
}

/** npm install into node_modules/.cache (a temporary folder renamed into place, so a half install is never used). */
async function installClaude(): Promise<void> {
  if (existsSync(cachedClaude)) return;
  const tmp = `${claudeCache}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(path.join(tmp, 'package.json'), '{"name":"claude-code-for-tests","private":true}\n');
  await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`],
    { cwd: tmp, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
  );
  try {
    renameSync(tmp, claudeCache);
  } catch {
    rmSync(tmp, { recursive: true, force: true }); // another run installed it meanwhile
  }
}

const claude = findClaude();
if (!claude.bin) console.warn(`Claude Code tests ${claude.reason}`);

describe.skipIf(!claude.bin)(`Claude Code (${claude.reason})`, () => {
  let claudeHome: string;
  let api: Server;
  let apiUrl: string;
  const requests: string[] = [];

  beforeAll(async () => {
    if (claude.install) await installClaude();
    const version = spawnSync(claude.bin!, ['--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(version.stdout, version.stderr).toMatch(/Claude Code/);
    claudeHome = mkdtempSync(path.join(os.tmpdir(), 'ecm-claude-home-'));
    // What the person's one-time "use this project's MCP servers?" approval stores.
    mkdirSync(path.join(claudeHome, '.claude'));
    writeFileSync(path.join(claudeHome, '.claude', 'settings.json'), JSON.stringify({ enabledMcpjsonServers: ['ecm-gateway'] }));
    // The model API: a local server that records each request and answers with an error.
    api = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        requests.push(body);
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message: 'test server: no model here' } }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  }, 400_000);
  afterAll(async () => {
    await new Promise<void>((resolve) => (api ? api.close(() => resolve()) : resolve()));
    if (claudeHome) rmSync(claudeHome, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  const claudeEnv = () => ({
    ...gatewayEnv(claudeHome),
    ANTHROPIC_API_KEY: 'test-key-not-real',
    ANTHROPIC_BASE_URL: apiUrl,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    DISABLE_AUTOUPDATER: '1',
    // A busy machine may start the gateway slowly; the default would report it as still pending.
    MCP_TIMEOUT: '60000',
  });

  it('`claude mcp list` in packages/field shows ecm-gateway connected', async () => {
    const { stdout } = await run(claude.bin!, ['mcp', 'list'], { cwd: SUBDIR, env: claudeEnv(), timeout: 120_000 });
    expect(stdout).toMatch(/^ecm-gateway: .*✔ Connected$/m);
  }, 150_000);

  it('a session started in packages/field loads CLAUDE.md, the skills, the commands, the gateway tools and its prompts', async () => {
    // The SDK's stream-json protocol: user messages and control requests in, one JSON line per event out.
    const child: ChildProcess = spawn(
      claude.bin!,
      ['-p', '--input-format', 'stream-json', '--output-format', 'stream-json', '--verbose', '--max-turns', '1'],
      {
        cwd: SUBDIR,
        env: claudeEnv(),
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    const events: Record<string, unknown>[] = [];
    let partial = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) events.push(JSON.parse(line) as Record<string, unknown>);
    });
    const send = (message: unknown) => child.stdin!.write(`${JSON.stringify(message)}\n`);
    const say = (content: string) => send({ type: 'user', message: { role: 'user', content } });
    const waitFor = async <T>(what: string, find: () => T | undefined, ms = 90_000): Promise<T> => {
      const deadline = Date.now() + ms;
      for (;;) {
        const found = find();
        if (found !== undefined) return found;
        if (Date.now() > deadline || child.exitCode !== null)
          throw new Error(
            `Claude Code: no ${what}; events: ${events.map((e) => `${String(e.type)}/${String(e.subtype ?? '')}`).join(' ')}`,
          );
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const results = () => events.filter((e) => e.type === 'result').length;
    type Init = { skills: string[]; slash_commands: string[] };
    type Status = { name: string; status: string; tools?: { name: string }[] };

    try {
      say('/order ORD-TEST-0003');
      const init = (await waitFor('init message', () => events.find((e) => e.subtype === 'init'))) as unknown as Init;
      const orderRequest = await waitFor('model request for /order', () =>
        requests.find((r) => r.includes('Run the `order-details` skill for this order: ORD-TEST-0003')),
      );
      await waitFor('end of the first turn', () => (results() >= 1 ? true : undefined));

      // Print mode connects MCP servers in the background: ask for their status until the gateway is up.
      let n = 0;
      const gateway = await waitFor('connected ecm-gateway', () => {
        const answers = events
          .filter((e) => e.type === 'control_response')
          .map((e) => (e.response as { response?: { mcpServers?: Status[] } }).response?.mcpServers ?? []);
        const connected = answers.flat().find((s) => s.name === 'ecm-gateway' && s.status === 'connected');
        if (!connected) send({ type: 'control_request', request_id: `status-${++n}`, request: { subtype: 'mcp_status' } });
        return connected;
      });

      say('/mcp__ecm-gateway__order-details ORD-TEST-0004');
      const promptRequest = await waitFor('model request for the gateway prompt', () =>
        requests.find((r) => r.includes('Follow the ECM skill') && r.includes('ORD-TEST-0004')),
      );

      const skills = texts.skills.map((s) => s.name);
      expect(init.skills).toEqual(expect.arrayContaining(skills));
      expect(init.slash_commands).toEqual(expect.arrayContaining(['my-tickets', 'order', 'resolve', 'escalate']));
      expect(orderRequest).toContain('# ECM field agent');
      expect((gateway.tools ?? []).map((t) => t.name).sort()).toEqual(tools.map((t) => t.name).sort());
      expect(promptRequest).toContain('# Order details');
    } finally {
      child.stdin!.end();
      const exited = child.exitCode !== null ? Promise.resolve() : once(child, 'exit').then(() => undefined);
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(force);
    }
  }, 240_000);
});
