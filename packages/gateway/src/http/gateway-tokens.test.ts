import { describe, expect, it } from 'vitest';
import { GatewayTokens, TokenConfigError } from './gateway-tokens.js';

describe('ECM_GATEWAY_TOKEN', () => {
  it('is off when unset or blank', () => {
    expect(GatewayTokens.parse(undefined)).toBeNull();
    expect(GatewayTokens.parse('  , ')).toBeNull();
  });

  it('accepts plain tokens and tokens with an agent subject, separated by commas or spaces', () => {
    const tokens = GatewayTokens.parse(
      'Alice.Agent@example.com:alice-0123456789abcdef, reader-0123456789abcdef\nbob@example.com:bob:with:colons-0123456789',
    )!;
    expect(tokens.size).toBe(3);
    expect(tokens.verify('alice-0123456789abcdef')).toEqual({ subject: 'alice.agent@example.com' });
    expect(tokens.verify('reader-0123456789abcdef')).toEqual({ subject: null });
    expect(tokens.verify('bob:with:colons-0123456789')).toEqual({ subject: 'bob@example.com' });
    expect(tokens.verify('alice-0123456789abcde')).toBeUndefined();
    expect(tokens.verify('')).toBeUndefined();
  });

  it('refuses a short token', () => {
    expect(() => GatewayTokens.parse('agent@example.com:short')).toThrow(TokenConfigError);
    expect(() => GatewayTokens.parse('long-enough-0123456789,tiny')).toThrow(/entry 2 is shorter than 16 characters/);
  });
});
