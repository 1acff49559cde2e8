import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRequestHandler } from '../../../../src-main/app/app-protocol.js';
import { HEADER_CSP } from '../../../../src-common/content-security-policy.js';
import { silentLogger } from '../../../../src-main/log/logger.js';

let base: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'periscope-protocol-'));
  const root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Periscope</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(base, 'secret.txt'), 'do not serve');
  handler = createAppRequestHandler(root, silentLogger);
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('createAppRequestHandler', () => {
  it('serves index.html with the CSP and nosniff headers', async () => {
    const response = await handler(new Request('app://periscope/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Periscope</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(HEADER_CSP);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets by path with their type', async () => {
    const response = await handler(new Request('app://periscope/assets/app.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('answers 404 for missing files and for paths outside the renderer', async () => {
    expect((await handler(new Request('app://periscope/nope.js'))).status).toBe(404);
    expect((await handler(new Request('app://periscope/assets'))).status).toBe(404);
    const escape = await handler(new Request('app://periscope/..%2fsecret.txt'));
    expect(escape.status).toBe(404);
    expect(await escape.text()).toBe('');
  });

  it('answers 405 to methods other than GET and HEAD', async () => {
    const response = await handler(
      new Request('app://periscope/index.html', { method: 'POST', body: 'x' }),
    );
    expect(response.status).toBe(405);
  });
});
