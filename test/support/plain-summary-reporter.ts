import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends every vitest run with one plain line, `tests: N passed, N failed, N skipped`.
 * Why: CI reads a run's closing lines to learn whether tests ran, and it knows vitest's
 * colourful summary no better than any other text; Schemathesis (the contract run) even
 * closes with a pytest-shaped line. A plain count, alone on its line, is read the same
 * everywhere.
 */
export default class PlainSummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const testModule of testModules) {
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
    }
    process.stdout.write(
      `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
