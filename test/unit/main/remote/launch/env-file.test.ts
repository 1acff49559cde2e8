import { describe, expect, it } from 'vitest';
import { mergeUnderEnv, parseEnvFile } from '../../../../../src-main/remote/launch/env-file.js';

describe('parseEnvFile', () => {
  it('reads NAME=value lines, skipping blank lines and comments', () => {
    const text = '# settings\n\nDEBUG=1\nexport  NAME = web 1 \r\nEMPTY=\n';
    expect(parseEnvFile(text)).toEqual({
      vars: [
        { name: 'DEBUG', value: '1' },
        { name: 'NAME', value: 'web 1' },
        { name: 'EMPTY', value: '' },
      ],
      badLines: [],
    });
  });

  it('takes single quotes literally, and reads \\n, \\" and \\\\ in double quotes', () => {
    const text = `A='x \${B} # not a comment'\nB="line1\\nline2 \\"q\\" \\\\"  # comment\nC=v # comment`;
    expect(parseEnvFile(text).vars).toEqual([
      { name: 'A', value: 'x ${B} # not a comment' },
      { name: 'B', value: 'line1\nline2 "q" \\' },
      { name: 'C', value: 'v' },
    ]);
  });

  it('substitutes ${NAME} from earlier lines, then from the known variables, else empty', () => {
    const text = 'HOST=db\nURL=postgres://${HOST}/${DB}?u=${USER_X}\nQ="${HOST}:1"';
    expect(parseEnvFile(text, [{ name: 'DB', value: 'app' }]).vars).toEqual([
      { name: 'HOST', value: 'db' },
      { name: 'URL', value: 'postgres://db/app?u=' },
      { name: 'Q', value: 'db:1' },
    ]);
  });

  it('reports the numbers of lines it cannot read, never their text', () => {
    const text = 'OK=1\nnot a line\n1BAD=2\nOPEN="never closed\nX="a" trailing\nLAST=ok';
    expect(parseEnvFile(text)).toEqual({
      vars: [
        { name: 'OK', value: '1' },
        { name: 'LAST', value: 'ok' },
      ],
      badLines: [2, 3, 4, 5],
    });
  });

  it('keeps the last value of a name set twice', () => {
    expect(parseEnvFile('A=1\nB=2\nA=3').vars).toEqual([
      { name: 'A', value: '3' },
      { name: 'B', value: '2' },
    ]);
  });
});

describe('mergeUnderEnv', () => {
  it("puts the file's variables under the profile's env", () => {
    expect(
      mergeUnderEnv(
        [
          { name: 'A', value: 'file' },
          { name: 'B', value: 'file' },
        ],
        [{ name: 'A', value: 'env' }],
      ),
    ).toEqual([
      { name: 'B', value: 'file' },
      { name: 'A', value: 'env' },
    ]);
  });
});
