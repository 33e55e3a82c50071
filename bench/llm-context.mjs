#!/usr/bin/env node
// Bytes and estimated tokens sent to the model per phase, and the cost of one daily run.
//
//   npx tsc -b packages/agent
//   node bench/llm-context.mjs facts.json [--tools tools.json] [--model claude-haiku-4-5] [--output-tokens 300] [--json]
//
// facts.json: { "backlog": {...}, "triage": {...}, "patterns": {...} } (a phase's facts as the manager
// passes them to generateInsights), or { "phases": [{ "phase", "skill", "facts" }] }.
// tools.json: the gateway's tools/list answer ({ "tools": [...] } or a bare list); without it only
// load_skill is measured and the skill's other tools are named as not measured.
// Programmatic use: `import { measure } from './bench/llm-context.mjs'`.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.join(root, 'packages/agent/dist/index.js');
// The measurement is not part of the agent library's API: it is read from its own module in dist.
const MEASURE = path.join(root, 'packages/agent/dist/bench/llm-context.js');
/** The skill that writes each phase's insights; override per phase with the { phases: [...] } form. */
export const PHASE_SKILLS = { backlog: 'ecm-daily-flow', triage: 'triage-and-assign', patterns: 'pattern-intelligence' };

async function agent() {
  for (const file of [DIST, MEASURE])
    if (!existsSync(file)) throw new Error(`${file} not found: build it first with \`npx tsc -b packages/agent\``);
  const [library, { measureLlmContext }] = await Promise.all([import(pathToFileURL(DIST).href), import(pathToFileURL(MEASURE).href)]);
  return { ...library, measureLlmContext };
}

function phasesOf(doc) {
  if (Array.isArray(doc?.phases)) return doc.phases;
  return Object.entries(doc ?? {}).map(([phase, facts]) => ({ phase, skill: PHASE_SKILLS[phase] ?? phase, facts }));
}

/** Measures `factsDoc` (either JSON form above) with the project's skills, guardrails and prices. */
export async function measure(factsDoc, { tools, model, outputTokens, sharedDir } = {}) {
  const a = await agent();
  const shared = sharedDir ?? path.join(root, 'shared');
  const skills = a.loadSkills(path.join(shared, a.SKILLS_DIR));
  const phases = phasesOf(factsDoc);
  const missing = phases.filter((p) => !skills.some((s) => s.name === p.skill)).map((p) => `${p.phase} → ${p.skill}`);
  if (missing.length)
    throw new Error(`no skill for phase(s) ${missing.join(', ')}; use the { "phases": [{ "phase", "skill", "facts" }] } form`);
  return a.measureLlmContext({
    phases,
    skills,
    guardrails: a.loadGuardrails(shared),
    llm: a.loadLlmConfig(shared),
    tools: Array.isArray(tools) ? tools : (tools?.tools ?? []),
    ...(model ? { model } : {}),
    ...(outputTokens ? { outputTokensPerPhase: outputTokens } : {}),
  });
}

function print(report) {
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const rows = report.phases.map((p) => [
    p.phase,
    p.skill,
    kb(p.bytes.system),
    kb(p.bytes.tools),
    kb(p.bytes.input),
    kb(p.bytes.total),
    String(p.estimatedInputTokens),
    p.cacheable ? 'yes' : 'no',
    `$${p.estimatedCostUsd.toFixed(4)}`,
  ]);
  const head = ['phase', 'skill', 'system', 'tools', 'facts msg', 'total', '~tokens in', 'cacheable', 'cost'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(
    `Model ${report.model}, ${report.outputTokensPerPhase} output tokens per phase, one turn per phase (~4 characters per token)\n`,
  );
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  const d = report.dailyRun;
  console.log(`\nDaily run: ${kb(d.bytes)}, ~${d.estimatedInputTokens} input tokens, estimated $${d.estimatedCostUsd.toFixed(4)}`);
  for (const p of report.phases)
    if (p.toolsNotMeasured.length) console.log(`  ${p.phase}: tools not measured (pass --tools): ${p.toolsNotMeasured.join(', ')}`);
}

async function main(argv) {
  const args = [...argv];
  const flag = (name) => {
    const i = args.indexOf(name);
    if (i < 0) return undefined;
    const [, value] = args.splice(i, 2);
    return value;
  };
  const json = args.includes('--json') && (args.splice(args.indexOf('--json'), 1), true);
  const toolsFile = flag('--tools');
  const model = flag('--model');
  const outputTokens = flag('--output-tokens');
  const [factsFile] = args;
  if (!factsFile) return measureSeeded();
  const report = await measure(JSON.parse(readFileSync(factsFile, 'utf8')), {
    tools: toolsFile ? JSON.parse(readFileSync(toolsFile, 'utf8')) : undefined,
    model,
    outputTokens: outputTokens ? Number(outputTokens) : undefined,
  });
  if (json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  return 0;
}

/**
 * Without a facts file (as `pnpm bench` runs it): the facts of a real dry run of `ecm-manager daily`
 * on the demo warehouse and on one 10× larger, with the gateway's real tool list. One JSON line each,
 * plus the growth between them (target: under 10 %, because facts are aggregates, never all orders).
 */
async function measureSeeded() {
  const { managerEnv, runManager, SHARED } = await import('./manager-run.mjs');
  const { AS_OF, prepareWarehouse } = await import('./seeded-warehouse.mjs');
  const { promptFacts } = await import(pathToFileURL(path.join(root, 'packages/manager/dist/index.js')).href);
  const tools = await gatewayTools();
  const pg = process.env.ECM_BENCH_PG_URL;
  const targets = pg
    ? [
        { warehouse: 'pglite', orders: 150_000 },
        { warehouse: 'postgres', orders: 1_500_000, url: pg },
      ]
    : [
        { warehouse: 'pglite', orders: 15_000 },
        { warehouse: 'pglite', orders: 150_000 },
      ];
  const lines = [];
  for (const target of targets) {
    const location = await prepareWarehouse({ ...target, seed: 42, days: 30 }, SHARED);
    const { env, cleanup } = await managerEnv(location, target.orders);
    try {
      const { result } = await runManager(env, ['daily', '--dry-run', '--json', '--as-of', AS_OF.toISOString()]);
      const facts = Object.fromEntries(result.phases.map((p) => [p.phase, promptFacts(p.facts)]));
      const report = await measure(facts, { tools });
      const line = {
        bench: 'llm_context',
        warehouse: target.warehouse,
        orders: target.orders,
        model: report.model,
        phases: Object.fromEntries(
          report.phases.map((p) => [
            p.phase,
            {
              bytes: p.bytes.total,
              facts_bytes: p.bytes.input,
              est_input_tokens: p.estimatedInputTokens,
              est_cost_usd: Number(p.estimatedCostUsd.toFixed(5)),
            },
          ]),
        ),
        daily_bytes: report.dailyRun.bytes,
        daily_est_cost_usd: Number(report.dailyRun.estimatedCostUsd.toFixed(5)),
        target_cost_usd: 0.02,
      };
      lines.push(line);
      console.log(JSON.stringify(line));
    } finally {
      cleanup();
    }
  }
  const [small, large] = lines;
  const growth = (large.daily_bytes - small.daily_bytes) / small.daily_bytes;
  console.log(
    JSON.stringify({
      bench: 'llm_context_growth',
      from_orders: small.orders,
      to_orders: large.orders,
      bytes_growth: Number(growth.toFixed(4)),
      target: 0.1,
      meets_target: growth < 0.1,
    }),
  );
  return 0;
}

/** The tools the in-process gateway lists, as the model sees them. */
async function gatewayTools() {
  const core = await import(pathToFileURL(path.join(root, 'packages/core/dist/domain.js')).href);
  const { connectInProcess } = await import(pathToFileURL(path.join(root, 'packages/gateway/dist/index.js')).href);
  const config = core.loadConfig(path.join(root, 'shared'));
  const gateway = await connectInProcess({
    config,
    warehouse: async () => {
      throw new Error('not needed to list tools');
    },
  });
  try {
    return (await gateway.client.listTools()).tools;
  } finally {
    await gateway.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : String(err));
      process.exit(1);
    },
  );
}
