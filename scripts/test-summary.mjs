// Adds up the reports of vitest (JSON), Playwright (JSON) and pytest (JUnit XML) into one line:
// "periscope: N passed, N failed, N skipped, N flaky". A flaky test is one that failed and then
// passed on Playwright's retry: it counts as passed, and is named above the line, because a test
// that passes only on retry is a bug to fix, not noise.
import { existsSync, readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const flaky = [];
const [vitestFile, playwrightFile, pytestFile] = process.argv.slice(2);

if (vitestFile && existsSync(vitestFile)) {
  const report = JSON.parse(readFileSync(vitestFile, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that failed to load has no failed tests but is a failure all the same.
  if (report.numFailedTestSuites && !report.numFailedTests) failed += report.numFailedTestSuites;
  // vitest retries nothing here (no `retry` option), but say so if a test did pass on a retry.
  for (const file of report.testResults ?? [])
    for (const test of file.assertionResults ?? [])
      if (test.status === 'passed' && (test.retryCount ?? 0) > 0) flaky.push(test.fullName);
} else {
  failed += 1;
  console.error('no vitest report found');
}

/** Every test of a Playwright JSON report, with the file and title path that name it. */
function* playwrightTests(suite, titles = []) {
  const here = suite.title ? [...titles, suite.title] : titles;
  for (const spec of suite.specs ?? [])
    for (const test of spec.tests ?? []) yield { name: [...here, spec.title].join(' › '), test };
  for (const child of suite.suites ?? []) yield* playwrightTests(child, here);
}

if (playwrightFile && existsSync(playwrightFile)) {
  const report = JSON.parse(readFileSync(playwrightFile, 'utf8'));
  const stats = report.stats ?? {};
  passed += (stats.expected ?? 0) + (stats.flaky ?? 0);
  failed += stats.unexpected ?? 0;
  skipped += stats.skipped ?? 0;
  if ((stats.errors?.length ?? 0) > 0) failed += stats.errors.length;
  for (const suite of report.suites ?? [])
    for (const { name, test } of playwrightTests(suite))
      if (test.status === 'flaky') flaky.push(name);
} else {
  failed += 1;
  console.error('no Playwright report found');
}

if (pytestFile && existsSync(pytestFile)) {
  const xml = readFileSync(pytestFile, 'utf8');
  const suite = /<testsuite\b[^>]*>/.exec(xml)?.[0] ?? '';
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  const bad = count('failures') + count('errors');
  passed += count('tests') - bad - count('skipped');
  failed += bad;
  skipped += count('skipped');
} else {
  failed += 1;
  console.error('no pytest report found');
}

for (const name of flaky) console.log(`flaky (passed only on retry): ${name}`);
console.log(
  `periscope: ${passed} passed, ${failed} failed, ${skipped} skipped, ${flaky.length} flaky`,
);
process.exit(failed > 0 ? 1 : 0);
