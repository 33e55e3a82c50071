/** What a schema refusal carries (zod's error, without loading zod). */
export interface SchemaRefusal {
  readonly issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[];
}

/**
 * A schema's first refusal in one line, "path.to.key: message". `whole` names the value itself when
 * the problem has no path; null leaves the message alone.
 */
export function firstIssue(error: SchemaRefusal, whole: string | null = '(top level)'): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const at = issue.path.map(String).join('.') || whole;
  return at === null ? issue.message : `${at}: ${issue.message}`;
}
