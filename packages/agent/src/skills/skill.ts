import { z } from 'zod';
import { ROLES, type Role } from '../config/llm-config.js';

/** Agent Skills names: lower-case letters, digits and single hyphens, at most 64 characters. */
export const skillNameSchema = z
  .string()
  .max(64, 'expected at most 64 characters')
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'expected lower-case letters, digits and single hyphens, such as ecm-diagnose');

const toolName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a tool name such as runbook_get');
/** The Agent Skills format keeps metadata values as strings; native YAML numbers and lists are accepted too. */
const numberLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'expected a number')
    .transform(Number),
]);

export const skillFrontmatterSchema = z
  .object({
    name: skillNameSchema,
    description: z
      .string()
      .trim()
      .min(1, 'expected a description of what the skill does and when to use it')
      .max(1024, 'expected at most 1,024 characters'),
    license: z.string().optional(),
    compatibility: z.string().max(500).optional(),
    metadata: z
      .object({
        role: z.enum(ROLES, { message: `expected one of ${ROLES.join(', ')}` }),
        /** The domain the skill belongs to; the domain's domain.yaml must list it (shared/domains/<domain>/). */
        domain: z
          .string()
          .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, 'expected a domain name such as ecm')
          .optional(),
        model: z.string().min(1).optional(),
        'allowed-tools': z
          .union([z.array(toolName), z.string().transform((s) => s.split(/[\s,]+/).filter(Boolean))])
          .pipe(z.array(toolName))
          .default([]),
        'max-turns': numberLike.pipe(z.number().int('expected a whole number of turns').min(1).max(50)),
        'max-cost-usd': numberLike.pipe(z.number().positive('expected a cost cap in US dollars above 0').max(50)),
      })
      .strict(),
  })
  .strict();

/** A skill: instructions for the model (never a tool), with the limits it runs under. */
export interface Skill {
  readonly name: string;
  readonly description: string;
  readonly role: Role;
  /** The domain its frontmatter names, if any. */
  readonly domain?: string | undefined;
  readonly model?: string | undefined;
  readonly allowedTools: readonly string[];
  readonly maxTurns: number;
  readonly maxCostUsd: number;
  /** The Markdown after the frontmatter. */
  readonly body: string;
  /** The SKILL.md it was read from. */
  readonly file: string;
}
