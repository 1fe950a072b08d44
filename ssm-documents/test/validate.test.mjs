// Run with: npm test (node --test test/)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultFiles, validateFile } from '../validate.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURES = path.join(ROOT, 'test-fixtures');
const VALIDATOR = path.join(ROOT, 'validate.mjs');

const fixtures = readdirSync(FIXTURES).filter((name) => name.endsWith('.yaml')).sort();

function expectations(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('# expect: '))
    .map((line) => line.slice('# expect: '.length).trim());
}

test('the shipped runbooks are valid', () => {
  const files = defaultFiles(ROOT).map((file) => path.basename(file));
  assert.deepEqual(files, ['disable-unused-access-keys.yaml', 'restore-access-keys.yaml']);
  for (const file of defaultFiles(ROOT)) {
    assert.deepEqual(validateFile(file), [], `${path.basename(file)} should validate`);
  }
});

test('there are broken fixtures to prove the validator fails', () => {
  assert.ok(fixtures.length >= 4, `expected broken fixtures in ${FIXTURES}`);
});

for (const name of fixtures) {
  test(`fixture ${name} is rejected with the expected messages`, () => {
    const file = path.join(FIXTURES, name);
    const expected = expectations(file);
    assert.ok(expected.length, `${name} declares no "# expect:" lines`);
    const errors = validateFile(file);
    assert.ok(errors.length, `${name} should not validate`);
    for (const message of expected) {
      assert.ok(
        errors.some((error) => error.includes(message)),
        `${name}: no error contains ${JSON.stringify(message)}; got:\n  ${errors.join('\n  ')}`,
      );
    }
  });
}

test('the CLI exits 0 on the runbooks and 1 with messages on a broken file', () => {
  const ok = spawnSync(process.execPath, [VALIDATOR], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /disable-unused-access-keys\.yaml: OK/);
  assert.match(ok.stdout, /restore-access-keys\.yaml: OK/);

  const broken = path.join(FIXTURES, 'broken-references.yaml');
  const bad = spawnSync(process.execPath, [VALIDATOR, path.join(ROOT, 'restore-access-keys.yaml'), broken], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /restore-access-keys\.yaml: OK/);
  assert.match(bad.stderr, /broken-references\.yaml: INVALID/);
  assert.match(bad.stderr, /is not a declared parameter/);
});
