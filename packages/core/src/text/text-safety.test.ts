import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, md } from '../slack/mrkdwn.js';
import { checkSlackLimits } from '../slack/slack-limits.js';
import { containsPhone, llmLineAsMrkdwn, llmLinesAsMrkdwn, maskContactDetails, MAX_LLM_LINE_CHARS } from './llm-text.js';
import { maskSecrets, maskSecretsDeep } from './mask-secrets.js';
import { oneLine, stripControls, terminalSafeDeep } from './terminal-text.js';

describe('maskSecrets', () => {
  const none = {};
  it.each([
    ['postgres://u:s3cr3t@127.0.0.1:1/x', 'postgres://u:***@127.0.0.1:1/x'],
    ['postgres://u:s3cr3t@127.0.0.1:1/x?password=s3cr3t&sslpassword=s3cr3t', 'postgres://u:***@127.0.0.1:1/x?password=***&sslpassword=***'],
    [
      'cannot open (postgresql://ecm@example.com/dw?sslmode=require&pass=hunter22)',
      'cannot open (postgresql://ecm@example.com/dw?sslmode=require&pass=***)',
    ],
    ['PGPASSWORD=s3cr3t psql -h db', 'PGPASSWORD=*** psql -h db'],
    ["host=db user=ecm password='s3 cr3t' dbname=dw", 'host=db user=ecm password=*** dbname=dw'],
    ['{"user":"ecm","password":"s3cr3t"}', '{"user":"ecm","password":"***"}'],
    ['redis://:s3cr3t@cache:6379', 'redis://:***@cache:6379'],
  ])('%s', (input, masked) => {
    expect(maskSecrets(input, none)).toBe(masked);
  });

  it('leaves text without secrets alone, including a URL with only a user', () => {
    const text = 'postgres://ecm@127.0.0.1/dw: connection refused; the password field is required';
    expect(maskSecrets(text, none)).toBe(text);
  });

  it("masks the environment's own passwords wherever they appear verbatim", () => {
    const env = { ECM_STATE_URL: 'postgres://u:pa%40ss-word@h/x', SLACK_BOT_TOKEN: 'xoxb-1234567890' };
    expect(maskSecrets('auth failed for pa@ss-word with xoxb-1234567890', env)).toBe('auth failed for *** with ***');
  });

  it('deep: strings everywhere and values under secret-named keys', () => {
    expect(maskSecretsDeep({ url: 'postgres://u:s3cr3t@h/x', nested: [{ api_token: 'abc' }], n: 1 }, none)).toEqual({
      url: 'postgres://u:***@h/x',
      nested: [{ api_token: '***' }],
      n: 1,
    });
  });
});

describe('stripControls', () => {
  it('removes CSI, OSC (BEL and ST), hyperlinks, C1 and bidi overrides; keeps newlines and tabs', () => {
    const hostile = 'a\u001b[2Jb\u001b]0;title\u0007c\u001b]8;;http://x\u001b\\d\u001b]8;;\u0007e\u009b31mf\u202eg\u0000h\r\ti\nj\u001bc';
    const out = stripControls(hostile);
    expect(out).toBe('abcdefgh\ti\nj');
    expect(oneLine(hostile)).toBe('abcdefgh i j');
  });

  it('deep: every string of a view model', () => {
    expect(terminalSafeDeep({ a: ['x\u001b[1my'], b: { c: 'p\nq' }, d: 3 })).toEqual({ a: ['xy'], b: { c: 'p q' }, d: 3 });
  });
});

describe('LLM lines for Slack', () => {
  it('escapes mentions, broadcasts, channel links and disguised links; neutralises bare broadcasts', () => {
    expect(llmLineAsMrkdwn('<@U123> <!channel> <!here> <!everyone> <!subteam^S1|ops> <#C99> <https://evil|click> & @channel @here')).toBe(
      '&lt;@U123&gt; &lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;!subteam^S1|ops&gt; &lt;#C99&gt; &lt;https://evil|click&gt; &amp; ＠channel ＠here',
    );
  });

  it('drops lines with an e-mail or a phone number, keeps figures, dates and order ids', () => {
    const lines = [
      'Mail ava@example.com',
      'Call +971 50 123 4567',
      'Call 050 123 4567',
      '1,234 orders worth AED 5,678,901.25 since 2026-02-17 09:30, e.g. ORD-00012345',
    ];
    const safe = llmLinesAsMrkdwn(lines);
    expect(safe.dropped).toBe(3);
    expect(safe.lines).toEqual([lines[3]]);
    expect(containsPhone('(+44) 20 7946 0958')).toBe(true);
    expect(maskContactDetails('a@example.com or +971 50 123 4567, 12 orders')).toBe('[e-mail] or [phone], 12 orders');
  });

  it('a very long line is cut, never fatal; the result passes the Slack checks', () => {
    const long = `<!channel> ${'x'.repeat(5000)}`;
    const line = llmLineAsMrkdwn(long)!;
    expect(line.length).toBeLessThanOrEqual(MAX_LLM_LINE_CHARS);
    expect(line).toMatch(/^&lt;!channel&gt; x+…$/);
    expect(llmLineAsMrkdwn('&'.repeat(1000))).toBe(`${'&amp;'.repeat(99)}…`);
    const reply = {
      text: 'Analyst insights',
      blocks: [
        {
          type: 'section' as const,
          text: { type: 'mrkdwn' as const, text: `*Analyst insights*\n${Array(5).fill(`• ${line}`).join('\n')}` },
        },
      ],
    };
    expect(
      checkSlackLimits({
        title: 't',
        kind: 'report',
        text: 'Backlog',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Backlog' } }],
        thread: [reply],
      } as never),
    ).toEqual([]);
  });

  it('control characters in an answer are removed', () => {
    expect(llmLineAsMrkdwn('ok\u001b]0;x\u0007 done')).toBe('ok done');
  });
});

describe('data posted to Slack', () => {
  it('md and escapeMrkdwn drop control characters from interpolated data', () => {
    expect(escapeMrkdwn('ORD-1\u001b[2J <x>')).toBe('ORD-1 &lt;x&gt;');
    const note = 'refund\u001b]8;;http://x\u0007 sent';
    expect(md`note: ${note}`).toBe('note: refund sent');
  });
});
