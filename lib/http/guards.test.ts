import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BODY_LIMIT_BYTES, readJsonBody } from './body';
import { addressList, checkHost, checkJsonContentType, checkSameOrigin, clientAddress } from './guards';

const req = (headers: Record<string, string>, init: RequestInit = {}) => new Request('http://127.0.0.1:3000/api/x', { method: 'POST', headers, ...init });
const hosts = ['localhost', '127.0.0.1', '[::1]'];

describe('request guards', () => {
  beforeAll(() => void (process.env.PHASEBOARD_SERVER = 'start.mjs'));
  afterAll(() => void delete process.env.PHASEBOARD_SERVER);

  it('serves only allowed Host names, whatever the port (DNS rebinding)', () => {
    expect(() => checkHost(req({ host: '127.0.0.1:3000' }), hosts)).not.toThrow();
    expect(() => checkHost(req({ host: '[::1]:3000' }), hosts)).not.toThrow();
    expect(() => checkHost(req({ host: 'LOCALHOST' }), hosts)).not.toThrow();
    expect(() => checkHost(req({ host: 'evil.example:3000' }), hosts)).toThrow(
      expect.objectContaining({ code: 'misdirected', message: expect.stringMatching(/host "evil.example" is not served here/) }),
    );
  });

  it('refuses changes from other sites: a foreign Origin, Sec-Fetch-Site cross-site or same-site, Origin null', () => {
    const ok = { host: '127.0.0.1:3000' };
    expect(() => checkSameOrigin(req({ ...ok, origin: 'http://127.0.0.1:3000', 'sec-fetch-site': 'same-origin' }), [])).not.toThrow();
    expect(() => checkSameOrigin(req(ok), [])).not.toThrow(); // not a browser: curl, scripts
    expect(() => checkSameOrigin(req({ ...ok, origin: 'http://evil.example' }), [])).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => checkSameOrigin(req({ ...ok, origin: 'null' }), [])).toThrow(expect.objectContaining({ code: 'forbidden' }));
    expect(() => checkSameOrigin(req({ ...ok, 'sec-fetch-site': 'cross-site' }), [])).toThrow(/Sec-Fetch-Site: cross-site/);
    expect(() => checkSameOrigin(req({ ...ok, 'sec-fetch-site': 'same-site' }), [])).toThrow(/Sec-Fetch-Site: same-site/);
    // Behind a proxy that rewrites Host, the public URL's origin is ours too.
    expect(() => checkSameOrigin(req({ ...ok, origin: 'https://pb.example.com' }), ['https://pb.example.com'])).not.toThrow();
  });

  it('takes JSON only', () => {
    expect(() => checkJsonContentType(req({ 'content-type': 'application/json; charset=utf-8' }))).not.toThrow();
    expect(() => checkJsonContentType(req({ 'content-type': 'text/plain' }))).toThrow(expect.objectContaining({ code: 'unsupported_media_type' }));
    expect(() => checkJsonContentType(req({}))).toThrow(/Content-Type must be application\/json/);
  });

  it('believes the peer header only under its own server, which writes it', () => {
    const saved = process.env.PHASEBOARD_SERVER;
    delete process.env.PHASEBOARD_SERVER;
    expect(clientAddress(req({ 'x-phaseboard-peer': '10.1.1.1' }), addressList(['10.0.0.0/8']))).toBeNull();
    process.env.PHASEBOARD_SERVER = saved;
  });

  it('trusts X-Forwarded-For only from trusted proxies', () => {
    const trusted = addressList(['10.0.0.0/8']);
    expect(clientAddress(req({ 'x-phaseboard-peer': '192.0.2.7', 'x-forwarded-for': '1.2.3.4' }), trusted)).toBe('192.0.2.7');
    expect(clientAddress(req({ 'x-phaseboard-peer': '10.1.1.1', 'x-forwarded-for': '1.2.3.4, 198.51.100.9, 10.2.2.2' }), trusted)).toBe('198.51.100.9');
    expect(clientAddress(req({ 'x-phaseboard-peer': '::ffff:192.0.2.7' }), null)).toBe('192.0.2.7');
    expect(clientAddress(req({}), trusted)).toBeNull();
  });
});

describe('request bodies', () => {
  it('refuses a declared length over 64 KiB before reading, and cuts off a stream that grows past it', async () => {
    await expect(readJsonBody(req({ 'content-length': String(100 * 1024 * 1024) }, { body: '{}' }))).rejects.toMatchObject({ code: 'payload_too_large' });
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(c) {
        pulled += 16 * 1024;
        c.enqueue(new Uint8Array(16 * 1024).fill(32));
      },
    });
    await expect(readJsonBody(req({}, { body: endless, duplex: 'half' } as RequestInit))).rejects.toMatchObject({ code: 'payload_too_large' });
    expect(pulled).toBeLessThan(BODY_LIMIT_BYTES * 2);
  });

  it('names bad JSON and bad UTF-8, and reads an empty body as {}', async () => {
    await expect(readJsonBody(req({}, { body: '{"a":' }))).rejects.toMatchObject({ code: 'invalid_input', message: 'request body is not valid JSON' });
    await expect(readJsonBody(req({}, { body: new Uint8Array([0x7b, 0xff, 0x7d]) }))).rejects.toMatchObject({ message: 'request body is not valid UTF-8' });
    expect(await readJsonBody(req({}, { body: '' }))).toEqual({});
    expect(await readJsonBody(req({}, { body: '{"a":1}' }))).toEqual({ a: 1 });
    await expect(readJsonBody(req({}, { body: '['.repeat(5000) + ']'.repeat(5000) }))).rejects.toMatchObject({
      message: 'request body nests deeper than 32 levels',
    });
    expect(await readJsonBody(req({}, { body: JSON.stringify({ note: '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[' }) }))).toMatchObject({
      note: expect.any(String),
    });
  });
});
