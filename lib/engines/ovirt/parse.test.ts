import fs from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it, vi } from 'vitest';
import { sendRequest } from '@/lib/http/json-request';
import { logger } from '@/lib/log/logger';
import { createOvirtAdapter } from './adapter';
import { OvirtClient } from './client';
import { transferSnapshot } from './normalize';
import { OvirtDisk, OvirtEventList, OvirtImageTransfer, OvirtImageTransferList, parsePayload } from './parse';

vi.mock('@/lib/http/json-request', () => ({ sendRequest: vi.fn() }));

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');

/**
 * oVirt XML → the JSON oVirt sends for the same resource. Faithful because the engine renders both
 * from one API model (ovirt-engine-api-model 003-CommonConcepts.adoc, "JSON representation"): the
 * root element is dropped, the id/href attributes and the child elements become keys, the items of
 * a collection (<image_transfers><image_transfer>, <storage_domains><storage_domain>) and links
 * become an array under the singular name, values stay strings. (Dates differ — epoch ms in
 * JSON — but no image transfer fixture has one.)
 */
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  isArray: (name, jpath) => name === 'link' || String(jpath).split('.').slice(-2)[0] === `${name}s`,
});
function ovirtJson(text: string): Record<string, unknown> {
  const root: unknown = Object.values(xml.parse(text) as Record<string, unknown>)[0];
  return root === '' ? {} : (root as Record<string, unknown>);
}

const engineError = (field: string) => expect.objectContaining({ code: 'engine_payload', message: expect.stringContaining(`: ${field}: `) });

describe('oVirt image transfer payloads from the API model docs (fixtures/SOURCE.txt)', () => {
  it('reads the transfer the engine answers (doc-10) and shows it as running', () => {
    const body = ovirtJson(fixture('imagetransfer-doc-10.xml'));
    expect(body.transfer_url).toBe('https://daemon_fqdn:54322/images/41c732d4-2210-4e7b-9e5c-4e2805baadbb');
    const t = parsePayload(OvirtImageTransfer, body, 'image transfer');
    // proxy_url/transfer_url carry the image ticket (whoever has them can read or write the disk): not kept, not shown.
    expect(t).toEqual({ id: '123', direction: 'upload', phase: 'transferring' });
    expect(transferSnapshot(t)).toMatchObject({
      nativeId: '123',
      kind: 'image_transfer',
      // the docs elide the disk link ("..."): nothing names the disk
      subject: { type: 'disk', id: 'unknown', name: 'unknown' },
      nativePhase: 'transferring',
      state: 'running',
      progress: null,
      details: { direction: 'upload', diskId: 'unknown', diskStatus: null, host: null, inactivityTimeout: null },
      startedAt: null,
    });
  });

  it('reads the other documented answer of doc-10 (download, initializing) as pending', () => {
    const body = { ...ovirtJson(fixture('imagetransfer-doc-10.xml')), direction: 'download', phase: 'initializing' };
    const s = transferSnapshot(parsePayload(OvirtImageTransfer, body, 'image transfer'));
    expect([s.state, s.nativePhase, s.details.direction]).toEqual(['pending', 'initializing', 'download']);
  });

  it('names the disk from the link of doc-09, then from the disk of doc-07 once fetched', () => {
    const request = ovirtJson(fixture('imagetransfer-doc-09.xml'));
    expect(request).toEqual({ disk: { id: '456' }, direction: 'upload' });
    // doc-10 is the docs' "Will respond:" to doc-09: the disk link doc-09 names is part of what "..." elides.
    const t = parsePayload(OvirtImageTransfer, { ...ovirtJson(fixture('imagetransfer-doc-10.xml')), disk: request.disk }, 'image transfer');
    expect(t.disk).toEqual({ id: '456' });
    const linked = transferSnapshot(t);
    expect(linked.subject).toEqual({ type: 'disk', id: '456', name: '456' });
    expect([linked.details.diskId, linked.details.diskStatus]).toEqual(['456', null]);

    // doc-07 is the POST /disks body: the engine answers with the same disk plus the id it assigned.
    const created = ovirtJson(fixture('imagetransfer-doc-07.xml'));
    expect(created.storage_domains).toEqual({ storage_domain: [{ id: '123' }] });
    const disk = parsePayload(OvirtDisk, { ...created, id: '456' }, 'disk');
    expect(disk).toEqual({ id: '456', alias: 'mydisk', initial_size: 1073741824, provisioned_size: 1073741824, format: 'raw' });
    expect(transferSnapshot(t, disk).subject).toEqual({ type: 'disk', id: '456', name: 'mydisk' });
  });

  it('reads a collection of transfers, and an empty one', () => {
    const list = parsePayload(
      OvirtImageTransferList,
      ovirtJson(`<image_transfers>${fixture('imagetransfer-doc-10.xml')}</image_transfers>`),
      'image transfer list',
    );
    expect(list.image_transfer?.map((t) => [t.id, t.phase])).toEqual([['123', 'transferring']]);
    expect(parsePayload(OvirtImageTransferList, ovirtJson('<image_transfers/>'), 'image transfer list')).toEqual({});
  });

  it('refuses request bodies as engine answers: no id, naming the field', () => {
    expect(() => parsePayload(OvirtImageTransfer, ovirtJson(fixture('imagetransfer-doc-09.xml')), 'image transfer')).toThrow(
      expect.objectContaining({ code: 'engine_payload', message: expect.stringMatching(/^unexpected image transfer from oVirt: id: /) }),
    );
    expect(() => parsePayload(OvirtDisk, ovirtJson(fixture('imagetransfer-doc-07.xml')), 'disk')).toThrow(engineError('id'));
  });

  it('refuses a transfer whose transferred is not a number, naming the field', () => {
    const body = { ...ovirtJson(fixture('imagetransfer-doc-10.xml')), transferred: 'lots' };
    expect(() => parsePayload(OvirtImageTransfer, body, 'image transfer')).toThrow(engineError('transferred'));
  });

  it('finalizes with the action body of doc-14', async () => {
    const send = vi.mocked(sendRequest);
    send.mockResolvedValueOnce({ status: 200, headers: {}, text: JSON.stringify({ access_token: 'tok' }) });
    send.mockResolvedValueOnce({ status: 200, headers: {}, text: '' });
    const client = new OvirtClient({ url: 'https://engine.example/ovirt-engine', username: 'u', password: 'p', timeoutMs: 1000, log: logger });
    await client.imageTransferAction('123', 'finalize', 'corr-1');
    const sent = send.mock.calls[1]?.[0];
    expect(sent?.url.pathname).toBe('/ovirt-engine/api/imagetransfers/123/finalize');
    expect(JSON.parse(sent?.body ?? 'null')).toEqual(ovirtJson(fixture('imagetransfer-doc-14.xml')));
  });
});

describe('oVirt audit-log events (fixtures/events-doc-05.xml)', () => {
  it('reads the list newest first, with each event id, code, severity and time', () => {
    const list = parsePayload(OvirtEventList, ovirtJson(fixture('events-doc-05.xml')), 'event list');
    expect(list.event?.map((e) => [e.id, e.code, e.severity, e.time])).toEqual([
      [2, 31, 'normal', '2016-09-14T12:14:34.541+02:00'],
      [1, 30, 'normal', '2016-09-14T11:54:35.229+02:00'],
    ]);
    // JSON has the time in epoch ms
    expect(parsePayload(OvirtEventList, { event: [{ id: '7', code: '1031', time: 1473847234541 }] }, 'event list').event?.[0]).toEqual({
      id: 7,
      code: 1031,
      time: 1473847234541,
    });
    expect(parsePayload(OvirtEventList, ovirtJson('<events/>'), 'event list')).toEqual({});
    expect(() => parsePayload(OvirtEventList, { event: [{ id: 'abc' }] }, 'event list')).toThrow(engineError('event.0.id'));
  });

  it('checks for changes by the events after the last one seen: a login is none, a transfer event or a full page is one', async () => {
    const send = vi.mocked(sendRequest);
    send.mockClear();
    const answer = (body: unknown) => send.mockResolvedValueOnce({ status: 200, headers: {}, text: JSON.stringify(body) });
    answer({ access_token: 'tok' });
    answer(ovirtJson(fixture('events-doc-05.xml')));
    answer({});
    answer({ event: [{ id: '3', code: '30', description: 'User admin@internal-authz connecting from 127.0.0.1 logged in.' }] });
    answer({
      event: [
        { id: '5', code: '1031' },
        { id: '4', code: '30' },
      ],
    });
    answer({ event: Array.from({ length: 100 }, (_, i) => ({ id: String(105 - i), code: '30' })) });
    const adapter = createOvirtAdapter({ url: 'https://engine.example/ovirt-engine', username: 'u', password: 'p', log: logger });
    const first = await adapter.changedSince!(null);
    // no cursor yet: whatever happened before is unknown, so it counts as a change
    expect(first).toEqual({ changed: true, cursor: '2' });
    expect(await adapter.changedSince!('2')).toEqual({ changed: false, cursor: '2' });
    expect(await adapter.changedSince!('2')).toEqual({ changed: false, cursor: '3' });
    expect(await adapter.changedSince!('3')).toEqual({ changed: true, cursor: '5' });
    expect(await adapter.changedSince!('5')).toEqual({ changed: true, cursor: '105' });
    const paths = send.mock.calls.slice(1).map(([r]) => `${r.method} ${r.url.pathname}${r.url.search}`);
    expect(paths).toEqual([
      'GET /ovirt-engine/api/events?max=1',
      'GET /ovirt-engine/api/events?from=2&max=100',
      'GET /ovirt-engine/api/events?from=2&max=100',
      'GET /ovirt-engine/api/events?from=3&max=100',
      'GET /ovirt-engine/api/events?from=5&max=100',
    ]);
  });
});
