import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Skill } from '@ecm/agent';
import { loadSkills } from '@ecm/agent/skills';

/** How Claude Code names a tool of the ecm-gateway server. */
export const CLAUDE_TOOL_PREFIX = 'mcp__ecm-gateway__';

/**
 * Tool-name families beyond the ones the server lists today, so a mention of a planned tool
 * (`ticket_resolve`, `my_queue`, `proposals_list`) is checked before the tool exists.
 */
const PLANNED_FAMILIES = ['ticket', 'tickets', 'my', 'proposal', 'proposals'];

export interface TextSource {
  /** Path relative to the repository root. */
  readonly file: string;
  readonly text: string;
}

export interface ToolMention {
  readonly file: string;
  readonly tool: string;
}

/**
 * The tool names a text mentions: every `mcp__ecm-gateway__name` (but not a `/mcp__…` prompt command), and every snake_case word whose
 * first part is a tool family (`tickets_list`, `runbook_get`). Other snake_case words (stuck
 * reasons, columns, role keys) belong to no tool family and are not tool mentions.
 */
export function toolMentions(source: TextSource, toolNames: readonly string[]): ToolMention[] {
  const families = new Set([...toolNames.map((t) => t.split('_')[0]!), ...PLANNED_FAMILIES]);
  const found = new Set<string>();
  // `/mcp__ecm-gateway__name` is a prompt offered as a slash command, not a tool.
  const text = source.text.replace(/\/mcp__ecm-gateway__[A-Za-z0-9_-]+/g, ' ');
  for (const m of text.matchAll(/mcp__ecm-gateway__([A-Za-z0-9_-]+)/g)) found.add(m[1]!);
  const prose = text.replace(/mcp__ecm-gateway__[A-Za-z0-9_-]+/g, ' ');
  for (const m of prose.matchAll(/(?<![\w-])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?![\w-])/g)) {
    if (families.has(m[1]!.split('_')[0]!)) found.add(m[1]!);
  }
  return [...found].map((tool) => ({ file: source.file, tool }));
}

/** Frontmatter `allowed-tools` of a Claude Code command file, as listed. */
export function commandAllowedTools(text: string): string[] {
  const fm = /^---\n([\s\S]*?)\n---/.exec(text)?.[1] ?? '';
  const line = /^allowed-tools:\s*(.*)$/m.exec(fm)?.[1] ?? '';
  return line.split(/[\s,]+/).filter(Boolean);
}

/** Everything a person's MCP client reads that names tools: the skills, the slash commands and CLAUDE.md. */
export interface ClientTexts {
  readonly skills: readonly Skill[];
  readonly commands: readonly { readonly name: string; readonly file: string; readonly text: string }[];
  readonly claudeMd: TextSource;
  /** The skills, the commands and CLAUDE.md. */
  readonly sources: readonly TextSource[];
}

export function clientTexts(repoRoot: string): ClientTexts {
  const sharedSkills = path.join(repoRoot, 'shared', 'skills');
  const skills = loadSkills(sharedSkills);
  const commandsDir = path.join(repoRoot, '.claude', 'commands');
  const commands = existsSync(commandsDir)
    ? readdirSync(commandsDir)
        .filter((f) => f.endsWith('.md'))
        .sort()
        .map((f) => ({
          name: f.replace(/\.md$/, ''),
          file: `.claude/commands/${f}`,
          text: readFileSync(path.join(commandsDir, f), 'utf8'),
        }))
    : [];
  const claudeMd: TextSource = { file: 'CLAUDE.md', text: readFileSync(path.join(repoRoot, 'CLAUDE.md'), 'utf8') };
  const skillSources: TextSource[] = skills.map((s) => ({ file: path.relative(repoRoot, s.file), text: readFileSync(s.file, 'utf8') }));
  return { skills, commands, claudeMd, sources: [...skillSources, ...commands.map(({ file, text }) => ({ file, text })), claudeMd] };
}
