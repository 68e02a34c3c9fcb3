import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from '../../src/main/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../src/main/security/csp.js';

let base: string;
let root: string;
let handler: (request: Request) => Promise<Response>;

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'parley-protocol-'));
  root = join(base, 'renderer');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>Parley</title>');
  await writeFile(join(root, 'assets', 'app.js'), 'export {};');
  await writeFile(join(base, 'secret.txt'), 'private key');
  await symlink(join(base, 'secret.txt'), join(root, 'assets', 'escape.txt'));
  handler = createAppProtocolHandler(root);
});

afterAll(() => rm(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves the app files with the CSP and security headers', async () => {
    const index = await get('app://parley/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await index.text()).toContain('<title>Parley</title>');
    const script = await get('app://parley/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('never serves a file outside the app root', async () => {
    for (const url of [
      'app://parley/../secret.txt',
      'app://parley/%2e%2e/secret.txt',
      'app://parley/assets/..%2f..%2fsecret.txt',
      'app://parley/%2e%2e%2fsecret.txt',
      'app://parley/..%5csecret.txt',
      'app://parley/assets/escape.txt',
      'app://parley/index.html%00.js',
      'app://parley/%E0%A4%A',
      'app://parley/assets',
      'app://other/index.html',
      'app://parley:8080/index.html',
      `app://parley/${encodeURIComponent(join(base, 'secret.txt'))}`,
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('private key');
    }
  });

  it('answers only GET and HEAD', async () => {
    expect((await get('app://parley/index.html', 'POST')).status).toBe(405);
    const head = await get('app://parley/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('registers app:// as a secure standard scheme and nothing broader', () => {
    expect(APP_SCHEME_PRIVILEGES).toStrictEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    });
  });
});
