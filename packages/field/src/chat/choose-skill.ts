/** A field skill and why it was chosen for a question. */
export interface SkillChoice {
  readonly skill: string;
  readonly orderId: string | null;
}

const ORDER_ID = /\b([A-Z]{2,}[-_][A-Za-z0-9][A-Za-z0-9_.:-]*)\b/;

/**
 * Picks the field skill that answers a question: an order id means the order (or resolving /
 * escalating it when the question says so); anything else is about the agent's own queue.
 * Each skill can load another with load_skill when the question turns out to need it.
 */
export function chooseSkill(question: string, available: ReadonlySet<string>): SkillChoice {
  const orderId = ORDER_ID.exec(question)?.[1] ?? null;
  const wants = (skill: string) => available.has(skill);
  if (orderId && /\bresol(ve|ved|ution)\b|\bclose\b/i.test(question) && wants('resolve-ticket'))
    return { skill: 'resolve-ticket', orderId };
  if (orderId && /\bescalat/i.test(question) && wants('escalate-ticket')) return { skill: 'escalate-ticket', orderId };
  if (orderId && wants('order-details')) return { skill: 'order-details', orderId };
  return { skill: wants('my-tickets') ? 'my-tickets' : ([...available][0] ?? 'my-tickets'), orderId };
}
