import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { splitWords } from '@ecm/core/text';

/**
 * Replays a Dockerfile outside a container: no base image can be pulled where CI runs, so each stage
 * is a folder standing for the image's filesystem, COPY copies into it (honouring the .dockerignore),
 * and RUN runs with the host's Node in WORKDIR. The host stands in for the base image, which is why
 * a RUN that names an absolute path is refused: it would touch the host instead of the stage.
 */

export type Instruction =
  | { readonly op: 'FROM'; readonly image: string; readonly as?: string }
  | { readonly op: 'ENV'; readonly vars: readonly (readonly [string, string])[] }
  | { readonly op: 'WORKDIR'; readonly dir: string }
  | { readonly op: 'COPY'; readonly from?: string; readonly chown?: string; readonly sources: readonly string[]; readonly dest: string }
  | { readonly op: 'RUN'; readonly command: string }
  | { readonly op: 'USER'; readonly user: string }
  | { readonly op: 'VOLUME'; readonly paths: readonly string[] }
  | { readonly op: 'ENTRYPOINT' | 'CMD'; readonly argv: readonly string[] };

function jsonArray(text: string, op: string): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed) || !parsed.every((p) => typeof p === 'string'))
    throw new Error(`${op} must be a JSON array of strings: ${text}`);
  return parsed;
}

/** Parses the instructions this project's Dockerfile uses; anything else is refused, never skipped. */
export function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw) && !pending) continue;
    if (/^\s*#/.test(raw)) continue; // a comment inside a continued RUN
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full) logical.push(full);
  }
  if (pending.trim()) throw new Error('the Dockerfile ends inside a continued line');
  return logical.map((line): Instruction => {
    const [, keyword, rest = ''] = /^(\w+)\s*(.*)$/s.exec(line) ?? [];
    const op = keyword?.toUpperCase();
    switch (op) {
      case 'FROM': {
        const [image, as, name] = splitWords(rest);
        if (!image || (as && (as.toUpperCase() !== 'AS' || !name))) throw new Error(`bad FROM: ${line}`);
        return name ? { op, image, as: name } : { op, image };
      }
      case 'ENV': {
        const parts = splitWords(rest);
        if (parts.length === 2 && !parts[0]!.includes('=')) return { op, vars: [[parts[0]!, parts[1]!]] };
        return {
          op,
          vars: parts.map((p) => {
            const eq = p.indexOf('=');
            if (eq < 1) throw new Error(`bad ENV: ${line}`);
            return [p.slice(0, eq), p.slice(eq + 1)] as const;
          }),
        };
      }
      case 'WORKDIR':
        return { op, dir: rest.trim() };
      case 'COPY': {
        const parts = splitWords(rest);
        let from: string | undefined;
        let chown: string | undefined;
        while (parts[0]?.startsWith('--')) {
          const flag = parts.shift()!;
          const [name, value] = flag.slice(2).split('=');
          if (name === 'from') from = value;
          else if (name === 'chown') chown = value;
          else throw new Error(`COPY flag ${flag} is not replayed`);
        }
        if (parts.length < 2) throw new Error(`bad COPY: ${line}`);
        const dest = parts.pop()!;
        return { op, ...(from ? { from } : {}), ...(chown ? { chown } : {}), sources: parts, dest };
      }
      case 'RUN':
        if (rest.startsWith('[')) throw new Error('RUN in exec form is not replayed');
        return { op, command: rest };
      case 'USER':
        return { op, user: rest.trim() };
      case 'VOLUME':
        return { op, paths: rest.startsWith('[') ? jsonArray(rest, op) : splitWords(rest) };
      case 'ENTRYPOINT':
      case 'CMD':
        return { op, argv: jsonArray(rest, op) };
      default:
        throw new Error(`instruction not replayed: ${line}`);
    }
  });
}

/** A .dockerignore as a matcher (Docker's rules: last matching pattern wins, `!` re-includes, `**` spans folders). */
export function dockerignore(text: string): (relPath: string) => boolean {
  const rules = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const negate = l.startsWith('!');
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
      let re = '';
      for (let i = 0; i < pattern.length; i++) {
        const ch = pattern[i]!;
        if (ch === '*' && pattern[i + 1] === '*') {
          i++;
          if (pattern[i + 1] === '/') {
            i++;
            re += '(?:.*/)?';
          } else re += '.*';
        } else if (ch === '*') re += '[^/]*';
        else if (ch === '?') re += '[^/]';
        else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      }
      return { negate, re: new RegExp(`^${re}$`) };
    });
  const matches = (p: string) => {
    let excluded = false;
    for (const r of rules) if (r.re.test(p)) excluded = !r.negate;
    return excluded;
  };
  // A path is left out when it, or a folder it is in, is left out.
  return (relPath) => {
    const parts = relPath.split('/');
    for (let i = 1; i <= parts.length; i++) if (matches(parts.slice(0, i).join('/'))) return true;
    return false;
  };
}

export interface ReplayedImage {
  /** The final stage's folder: the image's `/`. */
  readonly root: string;
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | null;
  readonly volumes: readonly string[];
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  /** Every RUN and its wall time, for the test's report. */
  readonly runs: readonly { readonly command: string; readonly ms: number }[];
}

export interface ReplayOptions {
  readonly dockerfile: string;
  /** The build context (the repository root). */
  readonly context: string;
  /** Folder that receives one sub-folder per stage. */
  readonly into: string;
  /** The base image's environment (the host's PATH, HOME for npm's cache). */
  readonly baseEnv: Readonly<Record<string, string>>;
}

const expand = (value: string, env: Readonly<Record<string, string>>) =>
  value.replace(/\$(?:\{(\w+)\}|(\w+))/g, (_, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? '');

/** Copies a context path into a stage, leaving out what the .dockerignore excludes. */
function copyFromContext(context: string, rel: string, target: string, ignored: (p: string) => boolean): void {
  const source = path.join(context, rel);
  if (!existsSync(source)) throw new Error(`COPY ${rel}: not in the build context`);
  if (lstatSync(source).isDirectory()) {
    mkdirSync(target, { recursive: true });
    for (const entry of readdirSync(source)) {
      const childRel = path.posix.join(rel, entry);
      if (!ignored(childRel)) copyFromContext(context, childRel, path.join(target, entry), ignored);
    }
    return;
  }
  mkdirSync(path.dirname(target), { recursive: true });
  // As `cp -a` would (mode, timestamps, a symlink as a link), without a process per file.
  cpSync(source, target, { preserveTimestamps: true, verbatimSymlinks: true });
}

/** Runs the Dockerfile's stages in order. A failing RUN throws with its output. */
export function replayDockerfile(options: ReplayOptions): ReplayedImage {
  const text = readFileSync(options.dockerfile, 'utf8');
  const ignoreFile = `${options.dockerfile}.dockerignore`;
  const ignored = dockerignore(
    existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : readFileSync(path.join(options.context, '.dockerignore'), 'utf8'),
  );
  const stages = new Map<string, string>();
  const runs: { command: string; ms: number }[] = [];
  let stage: {
    root: string;
    workdir: string;
    env: Record<string, string>;
    user: string | null;
    volumes: string[];
    entrypoint: string[];
    cmd: string[];
  } | null = null;
  let index = 0;
  const inStage = (p: string) => path.join(stage!.root, path.posix.resolve(stage!.workdir, p));

  for (const ins of parseDockerfile(text)) {
    if (ins.op === 'FROM') {
      const root = path.join(options.into, `stage-${index++}`);
      mkdirSync(root, { recursive: true });
      stage = { root, workdir: '/', env: { ...options.baseEnv }, user: null, volumes: [], entrypoint: [], cmd: [] };
      if (ins.as) stages.set(ins.as, root);
      continue;
    }
    if (!stage) throw new Error(`${ins.op} before FROM`);
    switch (ins.op) {
      case 'ENV':
        for (const [k, v] of ins.vars) stage.env[k] = expand(v, stage.env);
        break;
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, expand(ins.dir, stage.env));
        mkdirSync(path.join(stage.root, stage.workdir), { recursive: true });
        break;
      case 'COPY': {
        const dest = inStage(ins.dest);
        const intoFolder = ins.dest.endsWith('/') || ins.sources.length > 1;
        for (const src of ins.sources) {
          if (ins.from) {
            const fromRoot = stages.get(ins.from);
            if (!fromRoot) throw new Error(`COPY --from=${ins.from}: no such stage`);
            const source = path.join(fromRoot, src);
            mkdirSync(path.dirname(dest), { recursive: true });
            // Docker copies a folder's contents; `cp -a src/. dest` does the same and keeps pnpm's relative symlinks.
            if (lstatSync(source).isDirectory()) {
              mkdirSync(dest, { recursive: true });
              execFileSync('cp', ['-a', `${source}/.`, dest]);
            } else execFileSync('cp', ['-a', source, intoFolder ? path.join(dest, path.basename(src)) : dest]);
          } else {
            const rel = path.posix.normalize(src).replace(/\/$/, '');
            const isDir = lstatSync(path.join(options.context, rel)).isDirectory();
            copyFromContext(options.context, rel, isDir ? dest : intoFolder ? path.join(dest, path.basename(rel)) : dest, ignored);
          }
        }
        break;
      }
      case 'RUN': {
        if (/(^|[\s=;&|>'"(])\/(?!dev\/null)/.test(ins.command))
          throw new Error(`RUN names an absolute path, which cannot be replayed outside a container: ${ins.command}`);
        const started = Date.now();
        const result = spawnSync('/bin/sh', ['-c', ins.command], {
          cwd: path.join(stage.root, stage.workdir),
          env: stage.env,
          encoding: 'utf8',
          maxBuffer: 64 * 1024 * 1024,
        });
        runs.push({ command: ins.command, ms: Date.now() - started });
        if (result.status !== 0)
          throw new Error(
            `RUN ${ins.command}\nexited ${result.status ?? result.signal}:\n${result.stdout.slice(-4000)}\n${result.stderr.slice(-4000)}`,
          );
        break;
      }
      case 'USER':
        stage.user = ins.user;
        break;
      case 'VOLUME':
        stage.volumes.push(...ins.paths);
        break;
      case 'ENTRYPOINT':
        stage.entrypoint = [...ins.argv];
        stage.cmd = []; // Docker resets CMD when ENTRYPOINT is set
        break;
      case 'CMD':
        stage.cmd = [...ins.argv];
        break;
    }
  }
  if (!stage) throw new Error('no FROM in the Dockerfile');
  const env = Object.fromEntries(
    Object.entries(stage.env).filter(([k]) => !(k in options.baseEnv) || stage!.env[k] !== options.baseEnv[k]),
  );
  return {
    root: stage.root,
    workdir: stage.workdir,
    env,
    user: stage.user,
    volumes: stage.volumes,
    entrypoint: stage.entrypoint,
    cmd: stage.cmd,
    runs,
  };
}

/**
 * The environment a container of the image would have, with every absolute path that exists inside
 * the image (in PATH-like lists too) moved into the replayed folder.
 */
export function containerEnv(
  image: ReplayedImage,
  baseEnv: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = { ...baseEnv };
  for (const [k, v] of Object.entries(image.env)) {
    env[k] = v
      .split(':')
      .map((part) => (part.startsWith('/') && existsSync(path.join(image.root, part)) ? path.join(image.root, part) : part))
      .join(':');
  }
  return { ...env, ...overrides };
}

/** Finds a command on a PATH (as the container's exec would). */
export function which(command: string, env: Readonly<Record<string, string>>): string {
  for (const dir of (env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error(`${command}: not on PATH ${env.PATH}`);
}
