import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
export const gatewayBin = fileURLToPath(new URL('../../bin/ecm-gateway.js', import.meta.url));
const packageDir = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The MCP Inspector's CLI client. `mcp-inspector --cli …` (cli/build/cli.js) only starts this file as
 * a second Node process with the same arguments; starting it directly saves that process per call.
 */
export const inspectorCli = `${packageDir}node_modules/@modelcontextprotocol/inspector/cli/build/index.js`;
export const conformanceCli = `${packageDir}node_modules/@modelcontextprotocol/conformance/dist/index.js`;

export const run = promisify(execFile);

/** Compiles the gateway (and core) so the tests run the binary people run. Incremental: quick when up to date. */
export async function buildGateway(): Promise<void> {
  await run(process.execPath, [`${repoRoot}node_modules/typescript/bin/tsc`, '-b', 'packages/gateway'], { cwd: repoRoot });
}

/** Only what the gateway needs, so a developer's own ECM_* settings never leak into a test. */
export function gatewayEnv(ecmHome: string, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: ecmHome, ECM_HOME: ecmHome, ...extra };
}

/**
 * One call through the MCP Inspector's CLI (installed with the gateway's dev dependencies; no network).
 * It prints the JSON result and exits 0 even when a tool returned isError: read the JSON.
 */
export async function inspectorCall(ecmHome: string, args: readonly string[]): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [inspectorCli, ...args], {
    env: gatewayEnv(ecmHome),
    timeout: 60_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

export interface HttpGatewayProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly base: string;
  readonly stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `ecm-gateway --http --port 0` and waits for its "listening" log line, which names the URL. */
export async function startHttpGatewayProcess(args: readonly string[], env: Record<string, string>): Promise<HttpGatewayProcess> {
  const child = spawn(process.execPath, [gatewayBin, '--http', '--port', '0', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the gateway did not start listening: ${err}`)), 30_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      for (const line of err.split('\n')) {
        try {
          const entry = JSON.parse(line) as { msg?: string; url?: string };
          if (entry.msg === 'listening' && entry.url) {
            clearTimeout(timer);
            resolve(entry.url);
          }
        } catch {
          // not a complete JSON line yet
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the gateway exited with ${code}: ${err}`));
    });
  });
  return {
    child,
    url,
    base: url.replace(/\/mcp$/, ''),
    stderr: () => err,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
