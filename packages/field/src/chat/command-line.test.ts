import { describe, expect, it } from 'vitest';
import { chatCommand, splitWords } from './command-line.js';
import { chooseSkill } from './choose-skill.js';

describe('chat lines', () => {
  it('splits words like a shell, quotes kept together', () => {
    expect(splitWords(`resolve ORD-1 --notes "refund ref R-1, it's done" --x 'a b'`)).toEqual([
      'resolve',
      'ORD-1',
      '--notes',
      "refund ref R-1, it's done",
      '--x',
      'a b',
    ]);
    expect(() => splitWords('resolve "open')).toThrow(/unclosed/);
  });

  it('runs only the field commands, with or without a slash', () => {
    expect(chatCommand('/my-tickets --json')).toEqual(['my-tickets', '--json']);
    expect(chatCommand('order ORD-1')).toEqual(['order', 'ORD-1']);
    expect(chatCommand('what is on my plate?')).toBeNull();
    expect(chatCommand('rm -rf /')).toBeNull();
  });

  it('picks the field skill a question needs', () => {
    const all = new Set(['my-tickets', 'order-details', 'resolve-ticket', 'escalate-ticket']);
    expect(chooseSkill("what's on my plate?", all)).toEqual({ skill: 'my-tickets', orderId: null });
    expect(chooseSkill('why is ORD-00012345 stuck?', all)).toEqual({ skill: 'order-details', orderId: 'ORD-00012345' });
    expect(chooseSkill('how do I resolve ORD-00012345', all).skill).toBe('resolve-ticket');
    expect(chooseSkill('should I escalate ORD-00012345?', all).skill).toBe('escalate-ticket');
  });
});
