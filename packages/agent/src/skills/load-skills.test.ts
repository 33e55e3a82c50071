import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BROKEN_SKILLS_DIR, FIXTURE_SKILLS_DIR, GUARDRAILS, SHARED_DIR } from '../__fixtures__/test-runtime.js';
import { describeSkills, inspectSkills, loadGuardrails, loadSkills, SkillLoadError } from './load-skills.js';
import { buildSystemPrompt } from './system-prompt.js';

describe('loadSkills', () => {
  it('loads a folder of skills with their metadata, accepting lists, space-separated tools and string numbers', () => {
    const skills = loadSkills(FIXTURE_SKILLS_DIR);
    expect(skills.map((s) => s.name)).toEqual(['ecm-diagnose', 'ecm-resolve', 'test-insights', 'test-reader']);
    const insights = skills.find((s) => s.name === 'test-insights')!;
    expect(insights).toMatchObject({
      role: 'manager',
      model: 'claude-haiku-4-5',
      allowedTools: ['runbook_get'],
      maxTurns: 3,
      maxCostUsd: 0.5,
    });
    expect(insights.body).toMatch(/^# Test insights/);
    expect(describeSkills(skills)).toContain('test-reader (manager, 6 tools, 4 turns, $1)');
  });

  it('names every broken SKILL.md with its problem and still reports the good ones', () => {
    const { skills, problems } = inspectSkills(BROKEN_SKILLS_DIR);
    expect(skills.map((s) => s.name)).toEqual(['still-good']);
    expect(skills[0]!.allowedTools).toEqual(['runbook_get', 'tickets_list']);
    const byFolder = Object.fromEntries(problems.map((p) => [path.basename(path.dirname(p.file)), p.message]));
    expect(Object.keys(byFolder).sort()).toEqual([
      'bad-role',
      'bad-yaml',
      'empty-body',
      'missing-skill-md',
      'name-mismatch',
      'no-frontmatter',
      'typo-key',
      'zero-turns',
    ]);
    expect(byFolder['no-frontmatter']).toMatch(/no-frontmatter\/SKILL\.md: .*expected YAML frontmatter/);
    expect(byFolder['bad-yaml']).toMatch(/bad-yaml\/SKILL\.md: .*not valid YAML/);
    expect(byFolder['name-mismatch']).toMatch(/name: "some-other-name" must match its folder name "name-mismatch"/);
    expect(byFolder['bad-role']).toMatch(/metadata\.role: expected one of manager, specialist, field/);
    expect(byFolder['typo-key']).toMatch(/metadata\.max_tokens: unknown key/);
    expect(byFolder['zero-turns']).toMatch(/metadata\.max-turns: /);
    expect(byFolder['empty-body']).toMatch(/expected the skill instructions/);
    expect(byFolder['missing-skill-md']).toMatch(/missing-skill-md\/SKILL\.md: .*missing: every folder/);
  });

  it('refuses to load a folder with a broken skill', () => {
    expect(() => loadSkills(BROKEN_SKILLS_DIR)).toThrow(SkillLoadError);
    expect(() => loadSkills(BROKEN_SKILLS_DIR)).toThrow(/8 skill file\(s\) could not be loaded:\n.*bad-role/);
  });

  it("loads the project's own skills and guardrails", () => {
    const skills = loadSkills(path.join(SHARED_DIR, 'skills'));
    expect(skills.length).toBeGreaterThan(0);
    for (const s of skills) expect(s.description.length).toBeGreaterThan(20);
    expect(loadGuardrails(SHARED_DIR)).toMatch(/read-only/);
  });
});

describe('buildSystemPrompt', () => {
  it('puts guardrails first, lists skills by name only, says skills are not tools, and caches the stable prefix', () => {
    const skills = loadSkills(FIXTURE_SKILLS_DIR);
    const running = skills.find((s) => s.name === 'test-reader')!;
    const system = buildSystemPrompt(GUARDRAILS, skills, running);
    expect(system).toHaveLength(2);
    expect(system[0]!.text.startsWith(GUARDRAILS)).toBe(true);
    expect(system[0]!.text).toContain('- ecm-diagnose: Diagnoses one critical cluster');
    expect(system[0]!.text).toContain('Skills are instructions written for you, not tools');
    // Other skills' bodies are disclosed only through load_skill.
    expect(system[0]!.text).not.toContain('# Test diagnose');
    expect(system[1]!.text).toContain('# Test reader');
    expect(system[1]!.cache_control).toEqual({ type: 'ephemeral' });
    expect(system[0]!.cache_control).toBeUndefined();
  });
});
