import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, guardedLookup, isPublicAddress } from './url-guard.ts';
import { backoffMs } from './dispatcher.ts';

const production = { allowPrivate: false, requireHttps: true };

describe('webhook URL guard (server-side request forgery)', () => {
  it('tells public addresses from loopback, private, link-local, CGNAT, multicast, unspecified and reserved ones', () => {
    const blocked = ['127.0.0.1', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1'];
    const allowed = ['8.8.8.8', '1.1.1.1', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'];
    expect(blocked.filter(isPublicAddress)).toEqual([]);
    expect(allowed.filter((a) => !isPublicAddress(a))).toEqual([]);
  });

  it('in production refuses http, credentials, and hosts that are or resolve to non-public addresses', async () => {
    const urls = ['http://8.8.8.8/hook', 'https://user:secret@8.8.8.8/hook', 'https://127.0.0.1/hook', 'https://[::1]/hook', 'https://[::ffff:169.254.169.254]/hook', 'https://169.254.169.254/latest/meta-data', 'https://10.0.0.5/hook', 'https://localhost/hook', 'ftp://8.8.8.8/'];
    const verdicts = await Promise.all(urls.map((u) => checkWebhookUrl(u, production)));
    expect(urls.filter((_, i) => verdicts[i]!.ok)).toEqual([]);
    expect((await checkWebhookUrl('https://8.8.8.8/hook', production)).ok).toBe(true);
  });

  it('in development and tests allows http and loopback when configured to', async () => {
    expect((await checkWebhookUrl('http://127.0.0.1:9999/hook', { allowPrivate: true, requireHttps: false })).ok).toBe(true);
  });

  it('refuses, at connect time, a host that resolves to a non-public address (DNS rebinding)', async () => {
    const lookup = guardedLookup(production);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => lookup('localhost', {}, (e) => resolve(e)));
    expect(error?.code).toBe('EADDRNOTPUBLIC');
  });
});

describe('webhook retry backoff', () => {
  it('doubles per attempt up to the cap, with jitter between half and all of the delay', () => {
    const low = [1, 2, 3, 4, 12].map((n) => backoffMs(n, 1_000, 60_000, () => 0));
    const high = [1, 2, 3, 4, 12].map((n) => backoffMs(n, 1_000, 60_000, () => 1));
    expect({ low, high }).toEqual({ low: [500, 1_000, 2_000, 4_000, 30_000], high: [1_000, 2_000, 4_000, 8_000, 60_000] });
  });
});
