import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ComityError, createContext, fetchBytes } from '@comity/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url === '/ok') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('hello');
    } else if (url.startsWith('/hop/')) {
      const n = Number(url.slice(5));
      res.writeHead(302, { location: n <= 1 ? '/ok' : `/hop/${n - 1}` });
      res.end();
    } else if (url === '/away') {
      res.writeHead(302, { location: 'http://example.com/ok' });
      res.end();
    } else if (url === '/big') {
      res.writeHead(200);
      res.end(Buffer.alloc(4096, 1));
    } else {
      res.writeHead(500);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ctx = createContext({ fetch: globalThis.fetch });
const code = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    if (e instanceof ComityError) return e.code;
    throw e;
  }
  throw new Error('expected a ComityError');
};

describe('fetchBytes on loopback HTTP', () => {
  it('reads a body; refuses http without loopback permission, error statuses and oversized bodies', async () => {
    expect(new TextDecoder().decode(await fetchBytes(ctx, `${base}/ok`, { allowLoopbackHttp: true }))).toBe('hello');
    expect(await code(fetchBytes(ctx, `${base}/ok`))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
    expect(await code(fetchBytes(ctx, `${base}/nope`, { allowLoopbackHttp: true }))).toBe('ERR_FETCH_STATUS');
    expect(await code(fetchBytes(ctx, `${base}/big`, { allowLoopbackHttp: true, maxBytes: 1000 }))).toBe('ERR_FETCH_TOO_LARGE');
    expect(await code(fetchBytes(createContext(), `${base}/ok`, { allowLoopbackHttp: true }))).toBe('ERR_FETCH_UNAVAILABLE');
  });
  it('follows redirects only when asked, within the limit, and checks every hop', async () => {
    expect(await code(fetchBytes(ctx, `${base}/hop/1`, { allowLoopbackHttp: true }))).toBe('ERR_FETCH_FAILED');
    expect(new TextDecoder().decode(await fetchBytes(ctx, `${base}/hop/2`, { allowLoopbackHttp: true, maxRedirects: 3 }))).toBe('hello');
    expect(await code(fetchBytes(ctx, `${base}/hop/5`, { allowLoopbackHttp: true, maxRedirects: 3 }))).toBe('ERR_FETCH_TOO_MANY_REDIRECTS');
    // A hop to plain http off the loopback is refused before any request goes there.
    expect(await code(fetchBytes(ctx, `${base}/away`, { allowLoopbackHttp: true, maxRedirects: 3 }))).toBe('ERR_FETCH_URL_NOT_ALLOWED');
  });
});

describe('outbound URL policy (one policy for every fetch)', () => {
  // A fetch that records what it was asked for and redirects to `to`: nothing may reach it for a refused URL.
  const recording = (to?: string) => {
    const asked: string[] = [];
    const fetch = async (url: string | URL | Request): Promise<Response> => {
      asked.push(String(url));
      return to === undefined ? new Response('ok') : new Response(null, { status: 302, headers: { location: to } });
    };
    return { asked, ctx: createContext({ fetch: fetch as typeof globalThis.fetch }) };
  };
  const reasonOf = async (p: Promise<unknown>): Promise<unknown> => {
    try {
      await p;
    } catch (e) {
      if (e instanceof ComityError) return `${e.code}/${String(e.details?.reason)}`;
      throw e;
    }
    throw new Error('expected a ComityError');
  };

  it.each([
    'https://10.0.0.8/list',
    'https://169.254.169.254/latest/meta-data',
    'https://192.168.1.1/',
    'https://[fd00::1]/',
    'https://[::ffff:10.0.0.1]/',
    'https://[64:ff9b::a00:1]/',
    'https://[2002:a00:1::]/',
    'https://0.0.0.0/',
    'https://127.0.0.1/',
    'https://localhost/',
    'https://status.localhost/',
    'https://[::1]/',
  ])('refuses %s before any request, over https too', async (url) => {
    const { asked, ctx } = recording();
    expect(await reasonOf(fetchBytes(ctx, url))).toBe('ERR_FETCH_URL_NOT_ALLOWED/internal-address');
    expect(asked).toEqual([]);
  });

  it('allows loopback only when asked, public hosts always', async () => {
    const { asked, ctx } = recording();
    expect(new TextDecoder().decode(await fetchBytes(ctx, 'https://127.0.0.1/', { allowLoopbackHttp: true }))).toBe('ok');
    expect(new TextDecoder().decode(await fetchBytes(ctx, 'https://status.example.de/list'))).toBe('ok');
    // Loopback permission is not a licence for the private ranges.
    expect(await reasonOf(fetchBytes(ctx, 'https://10.0.0.8/', { allowLoopbackHttp: true }))).toBe('ERR_FETCH_URL_NOT_ALLOWED/internal-address');
    expect(asked).toEqual(['https://127.0.0.1/', 'https://status.example.de/list']);
  });

  it('checks a redirect hop to an internal address like the first URL', async () => {
    const { asked, ctx } = recording('https://169.254.169.254/latest/meta-data');
    expect(await reasonOf(fetchBytes(ctx, 'https://status.example.de/list', { maxRedirects: 3 }))).toBe('ERR_FETCH_URL_NOT_ALLOWED/internal-address');
    expect(asked).toEqual(['https://status.example.de/list']);
  });
});
