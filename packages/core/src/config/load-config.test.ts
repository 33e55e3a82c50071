import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { compileClassifier } from '../triage/classify-order.js';
import { ruleFacts } from '../triage/order-facts.js';
import { AS_OF, orderFacts } from '../triage/__fixtures__/order-facts.js';
import { ConfigError } from './config-error.js';
import { CLASSIFICATION_FILE, SETTINGS_FILE, STUCK_REASONS_FILE, defaultSharedDir, loadConfig } from './load-config.js';
import { SharedCopy } from './__fixtures__/shared-copy.js';
import { thrownBy } from '../__fixtures__/thrown-by.js';

const copies: SharedCopy[] = [];
function sharedCopy(): SharedCopy {
  const copy = new SharedCopy();
  copies.push(copy);
  return copy;
}
afterEach(() => {
  for (const copy of copies.splice(0)) copy.remove();
});

/** The one ConfigError loading `dir` throws. */
const configError = (dir: string): ConfigError => thrownBy(ConfigError, () => loadConfig(dir));

/** Asserts the error names the file, the key path and what was expected, in its message too. */
function expectConfigError(error: ConfigError, file: string, keyPath: string, expected: RegExp): void {
  expect(error.file).toBe(file);
  expect(error.keyPath).toBe(keyPath);
  expect(error.expected).toMatch(expected);
  expect(error.message).toBe(`${file}: ${keyPath || '(top level)'}: ${error.expected}`);
}

describe('loadConfig', () => {
  it('loads the project configuration: 21 reasons, 6 disqualifications, a rule set per candidate currency', () => {
    const config = loadConfig(defaultSharedDir());
    expect(config.reasons.size).toBe(21);
    expect(config.disqualification).toHaveLength(6);
    expect(Object.keys(config.classification.currencies).sort()).toEqual(['AED', 'EUR', 'GBP']);
    expect(config.reasons.get('refund_pending')).toMatchObject({ team: 'Ops', sla_hours: 2, severity: 1, customer_impact: true });
  });

  it('loads an untouched copy the same way', () => {
    const copy = sharedCopy();
    const { sharedDir, ...fromCopy } = loadConfig(copy.dir);
    const { sharedDir: original, ...fromProject } = loadConfig(defaultSharedDir());
    expect(sharedDir).toBe(copy.dir);
    expect(original).not.toBe(copy.dir);
    expect(fromCopy).toEqual(fromProject);
  });

  it('follows ECM_SHARED_DIR', () => {
    expect(defaultSharedDir({ ECM_SHARED_DIR: '/srv/ecm/shared' })).toBe('/srv/ecm/shared');
  });

  it('makes a new stuck reason a YAML edit, not a code change', () => {
    const copy = sharedCopy();
    copy.edit(
      STUCK_REASONS_FILE,
      /\nreasons:\n/,
      `\nreasons:
  stuck_at_new_partner:
    team: VDA_ops
    sla_hours: 6
    severity: 0.55
    monitor_only: false
    customer_impact: false
    summary: The new payout partner has not confirmed the payout.
    action: "Check the new partner's dashboard ({partner}, {amount} {currency})"
    escalation: vda_partner_desk
    runbook: runbooks/stuck_at_vda_partner.md
`,
    );
    copy.edit(
      CLASSIFICATION_FILE,
      '    partner:\n',
      '    partner:\n      - reason: stuck_at_new_partner\n        when: { ftv: true, live: true, partner: NEWPAY_V1, payout: { not: COMPLETED } }\n',
    );
    const config = loadConfig(copy.dir);
    const facts = ruleFacts(
      config.settings,
      orderFacts({ currency: 'GBP', ftv_id: 'FTV-1', falcon: 'PROCESSING', payout: 'PROCESSING', partner: 'NEWPAY_V1', attempts: 1 }),
      AS_OF,
    );
    expect(compileClassifier(config).classify(facts)).toBe('stuck_at_new_partner');
    expect(compileClassifier(loadConfig(defaultSharedDir())).classify(facts)).toBe('stuck_at_vda_partner');
  });
});

describe('configuration errors: one ConfigError naming the file, the key path and the expectation', () => {
  it('an unknown key', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, '  window_days: 30', '  window_hours: 720\n  window_days: 30');
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'candidates.window_hours', /unknown key/);
  });

  it('a misspelt required key', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'window_days: 30', 'window_dayz: 30');
    // The required key is reported missing first: the fix is the same.
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'candidates.window_days', /missing \(expected number\)/);
  });

  it('an unknown key in a stuck reason', () => {
    const copy = sharedCopy();
    copy.edit(STUCK_REASONS_FILE, '    sla_hours: 4\n', '    sla_hours: 4\n    sla_minutes: 240\n');
    expectConfigError(configError(copy.dir), copy.file(STUCK_REASONS_FILE), 'reasons.brn_issue.sla_minutes', /unknown key/);
  });

  it('a value of the wrong type', () => {
    const copy = sharedCopy();
    copy.edit(STUCK_REASONS_FILE, 'sla_hours: 1\n', 'sla_hours: one\n');
    expectConfigError(
      configError(copy.dir),
      copy.file(STUCK_REASONS_FILE),
      'reasons.status_sync_issue.sla_hours',
      /expected number, received string/,
    );
  });

  it('a number out of range', () => {
    const copy = sharedCopy();
    copy.edit(STUCK_REASONS_FILE, 'severity: 0.90', 'severity: 9.0');
    expectConfigError(
      configError(copy.dir),
      copy.file(STUCK_REASONS_FILE),
      'reasons.falcon_failed_order_completed_issue.severity',
      /<=\s*1/,
    );
  });

  it('a list of the wrong type', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'currencies: [AED, GBP, EUR]', 'currencies: AED');
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'candidates.currencies', /expected array/);
  });

  it('a team that does not exist', () => {
    const copy = sharedCopy();
    copy.edit(STUCK_REASONS_FILE, 'team: VDA_ops', 'team: VDA_Ops');
    expectConfigError(configError(copy.dir), copy.file(STUCK_REASONS_FILE), 'reasons.stuck_at_vda_partner.team', /Ops.*KYC_ops.*VDA_ops/);
  });

  it('a runbook path that does not exist', () => {
    const copy = sharedCopy();
    copy.edit(STUCK_REASONS_FILE, 'runbook: runbooks/brn_issue.md', 'runbook: runbooks/brn-issue.md');
    expectConfigError(
      configError(copy.dir),
      copy.file(STUCK_REASONS_FILE),
      'reasons.brn_issue.runbook',
      /runbooks\/brn-issue\.md" does not exist/,
    );
  });

  it('a runbook that was deleted', () => {
    const copy = sharedCopy();
    rmSync(copy.file('runbooks/stuck_due_trm.md'));
    expectConfigError(configError(copy.dir), copy.file(STUCK_REASONS_FILE), 'reasons.stuck_due_trm.runbook', /does not exist/);
  });

  it('a reason used in a rule but missing from the catalogue', () => {
    const copy = sharedCopy();
    // Drop stuck_at_lean_recon from the catalogue; AED rule 2 still produces it.
    copy.edit(STUCK_REASONS_FILE, /\n {2}stuck_at_lean_recon:\n(?: {4}.*\n)+/, '\n');
    expect(copy.read(STUCK_REASONS_FILE)).not.toContain('stuck_at_lean_recon');
    expectConfigError(
      configError(copy.dir),
      copy.file(CLASSIFICATION_FILE),
      'classification.currencies.AED[1].reason',
      /"stuck_at_lean_recon" is not in the catalogue \(stuck-reasons\.yaml\)/,
    );
  });

  it('a misspelt reason in a shared rule group', () => {
    const copy = sharedCopy();
    copy.edit(CLASSIFICATION_FILE, '- reason: stuck_at_vda_partner', '- reason: stuck_at_vda_partners');
    expectConfigError(
      configError(copy.dir),
      copy.file(CLASSIFICATION_FILE),
      'classification.groups.partner[2].reason',
      /not in the catalogue/,
    );
  });

  it('an include of a group that is not defined', () => {
    const copy = sharedCopy();
    copy.edit(CLASSIFICATION_FILE, '- include: partner', '- include: partners');
    expectConfigError(
      configError(copy.dir),
      copy.file(CLASSIFICATION_FILE),
      'classification.currencies.AED[11].include',
      /group "partners" is not defined/,
    );
  });

  it('a rule on a fact that does not exist', () => {
    const copy = sharedCopy();
    copy.edit(CLASSIFICATION_FILE, 'when: { status: COMPLETED, falcon: FAILED }', 'when: { status: COMPLETED, falcon_status: FAILED }');
    expectConfigError(
      configError(copy.dir),
      copy.file(CLASSIFICATION_FILE),
      'classification.all_currencies[0].when.falcon_status',
      /unknown fact "falcon_status"; expected one of currency, status/,
    );
  });

  it('bad YAML', () => {
    const copy = sharedCopy();
    copy.edit(CLASSIFICATION_FILE, 'when: { status: COMPLETED, falcon: FAILED }', 'when: { status: COMPLETED, falcon: FAILED');
    const error = configError(copy.dir);
    expectConfigError(error, copy.file(CLASSIFICATION_FILE), '', /^not valid YAML: .+\(\d+:\d+\)$/);
  });

  it('a missing file', () => {
    const copy = sharedCopy();
    rmSync(copy.file(SETTINGS_FILE));
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), '', /file not found.*ECM_SHARED_DIR/);
  });

  it('an unknown placeholder in an action', () => {
    const copy = sharedCopy();
    copy.edit(STUCK_REASONS_FILE, 'push it to Lulu ({amount} {currency})', 'push it to Lulu ({amount_inr} {currency})');
    expectConfigError(
      configError(copy.dir),
      copy.file(STUCK_REASONS_FILE),
      'reasons.brn_issue.action',
      /unknown placeholder \{amount_inr\}; expected one of \{amount\} \{currency\}/,
    );
  });

  it('a bad time zone in the schedule', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'cron: "0 14 * * *", time_zone: Asia/Dubai', 'cron: "0 14 * * *", time_zone: Asia/Dubay');
    expectConfigError(
      configError(copy.dir),
      copy.file(SETTINGS_FILE),
      'schedule[1].time_zone',
      /expected an IANA time zone such as Asia\/Kolkata/,
    );
  });

  it('a cron expression without five fields', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'cron: "0 7 * * *"', 'cron: "0 7 * *"');
    expectConfigError(
      configError(copy.dir),
      copy.file(SETTINGS_FILE),
      'schedule[0].cron',
      /expected 5 fields .* got 4; expected five fields such as "0 7 \* \* \*"/,
    );
  });

  it('a cron expression with five fields that cron cannot run', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'cron: "0 20 * * *"', 'cron: "0 25 * * *"');
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'schedule[2].cron', /hour 25 is outside 0-23/);
  });

  it('an empty condition on a rule (`when: {}` would take every order)', () => {
    const copy = sharedCopy();
    copy.edit(CLASSIFICATION_FILE, 'when: { acquirer: LEANTECH, lulu: PAYMENT_PENDING }', 'when: {}');
    expectConfigError(
      configError(copy.dir),
      copy.file(CLASSIFICATION_FILE),
      'classification.currencies.AED[1].when',
      /empty condition: `when: \{\}` matches every order; expected at least one fact/,
    );
  });

  it('an empty condition on a score band', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, '- { value: 1.0, when: { hours: { gt: 72 } } }', '- { value: 1.0, when: {} }');
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'scoring.factors.age.bands[0].when', /empty condition/);
  });

  it('a score weight outside 0..1', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'severity: 0.25, rfi', 'severity: 25, rfi');
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'scoring.weights.severity', /expected a weight between 0 and 1/);
  });

  it('score weights that do not sum to 1', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'severity: 0.25, rfi', 'severity: 0.35, rfi');
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'scoring.weights', /weights sum to 1\.1; expected them to sum to 1/);
  });

  it('an escalation role the matrix does not list', () => {
    const copy = sharedCopy();
    copy.edit(
      STUCK_REASONS_FILE,
      'escalation: finops\n    runbook: runbooks/brn_issue.md',
      'escalation: finance_team\n    runbook: runbooks/brn_issue.md',
    );
    const error = configError(copy.dir);
    expectConfigError(
      error,
      copy.file(STUCK_REASONS_FILE),
      'reasons.brn_issue.escalation',
      /unknown role "finance_team"; expected a role key of .*ESCALATION\.md \(techops_oncall, backend_oncall, finops/,
    );
  });

  it('a disqualification on a reason that does not exist', () => {
    const copy = sharedCopy();
    const text = copy.read(CLASSIFICATION_FILE);
    const index = text.indexOf('stuck_reason: uncategorized');
    expect(index).toBeGreaterThan(0);
    copy.edit(CLASSIFICATION_FILE, 'stuck_reason: uncategorized', 'stuck_reason: uncategorised');
    const error = configError(copy.dir);
    expect(error.file).toBe(copy.file(CLASSIFICATION_FILE));
    expect(error.keyPath).toMatch(/^disqualification\[\d\]\.when\.stuck_reason$/);
    expect(error.expected).toBe('"uncategorised" is not in the catalogue (stuck-reasons.yaml)');
  });

  it('a candidate currency without an FX rate', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, '  EUR: 4.2\n', '');
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'fx_to_aed.EUR', /needs a rate to AED/);
  });

  it('a candidate currency without classification rules', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, 'currencies: [AED, GBP, EUR]', 'currencies: [AED, GBP, EUR, USD]');
    copy.edit(SETTINGS_FILE, '  EUR: 4.2\n', '  EUR: 4.2\n  USD: 3.67\n');
    expectConfigError(
      configError(copy.dir),
      copy.file(CLASSIFICATION_FILE),
      'classification.currencies.USD',
      /USD is a candidate currency .* but has no rules/,
    );
  });

  it('a code that could break the SQL it is put into', () => {
    const copy = sharedCopy();
    copy.edit(SETTINGS_FILE, '    - MANUAL_REVIEW\n', "    - \"MANUAL_REVIEW') OR ('1'='1\"\n");
    expectConfigError(configError(copy.dir), copy.file(SETTINGS_FILE), 'candidates.sub_states[4]', /upper-case code/);
  });
});
