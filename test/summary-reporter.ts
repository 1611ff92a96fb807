import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, "N passed, N failed, N skipped", that any CI can read
 * (vitest's own summary is coloured and spread over several lines), after the reasons tests were
 * skipped for (a system program that is not installed), once each.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    const reasons = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const result = test.result();
        if (result.state === 'passed') counts.passed++;
        else if (result.state === 'failed') counts.failed++;
        else {
          counts.skipped++;
          const note = result.state === 'skipped' ? result.note : undefined;
          if (note !== undefined) reasons.set(note, (reasons.get(note) ?? 0) + 1);
        }
      }
      // A file that failed to load, or a hook (beforeAll, afterAll) that threw, leaves tests that
      // passed or never ran: each failed file or suite with errors of its own counts as a failure,
      // so the line never reads 0 failed while vitest says FAIL.
      const own = [module, ...module.children.allSuites()].filter((s) => s.errors().length > 0).length;
      if (own > 0) counts.failed += own;
      else if (module.state() === 'failed' && module.children.size === 0) counts.failed++;
    }
    for (const [reason, tests] of reasons)
      process.stdout.write(`\nskipped ${tests} test${tests === 1 ? '' : 's'}: ${reason}`);
    process.stdout.write(
      `\nvitest: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`,
    );
  }
}
