import { expect, it } from 'vitest';

export interface RequiredTool {
  /** The program, as the messages name it (promtool, sqlfluff, …). */
  readonly tool: string;
  /** The Debian package that installs it. */
  readonly debianPackage: string;
  /** What the skipped suite would have checked, e.g. "the alert rules". */
  readonly checks: string;
  /** The test file, for the warning line. */
  readonly file: string;
}

/**
 * Where an external program a suite needs is missing: in CI one failing test (CI must install it),
 * elsewhere a warning and one skipped test, so a developer without it still runs everything else.
 */
export function toolMissingTests(t: RequiredTool): void {
  if (process.env.CI) {
    it(`needs ${t.tool} in CI (apt-get install ${t.debianPackage})`, () => {
      expect.fail(`${t.tool} is not installed; CI must install it (Debian package ${t.debianPackage}) to check ${t.checks}`);
    });
  } else {
    console.warn(
      `${t.file}: checks of ${t.checks} skipped — ${t.tool} is not installed (apt-get install ${t.debianPackage}); CI requires it`,
    );
    it.skip(`skipped: ${t.tool} is not installed here (apt-get install ${t.debianPackage}); CI requires it`, () => undefined);
  }
}
