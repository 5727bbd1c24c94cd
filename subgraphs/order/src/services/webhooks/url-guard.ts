/**
 * Which URLs a webhook may call. Server-side request forgery is the risk: an admin account (or
 * a stolen one) pointing the platform at its own network or a cloud metadata service. With
 * private URLs not allowed (production), a URL must be https and every address its host resolves
 * to must be public: no loopback, private (RFC 1918, fc00::/7), link-local (metadata services),
 * CGNAT, multicast, unspecified or reserved ranges. The same check runs again when a delivery
 * connects (`guardedLookup`), so a host that resolves elsewhere later (DNS rebinding) is refused.
 */
import { lookup } from 'node:dns/promises';
import net, { BlockList } from 'node:net';

export interface UrlPolicy {
  /** False in production: only public addresses. */
  allowPrivate: boolean;
  /** True in production. */
  requireHttps: boolean;
}

const blocked = new BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) blocked.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['100::', 64], ['2001:db8::', 32], ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8],
] as const) blocked.addSubnet(address, prefix, 'ipv6');

/** True when `address` is a public unicast address. IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address. */
export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ip = mapped ? mapped[1]! : address;
  const family = net.isIP(ip);
  if (family === 0) return false;
  return !blocked.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

/** Checks a webhook URL against the policy, resolving its host; never throws. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<UrlVerdict> {
  if (raw.length > 2048) return { ok: false, reason: 'The URL is longer than 2048 characters.' };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'The URL is not a valid absolute URL.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'The URL must use https (or http in development).' };
  if (policy.requireHttps && url.protocol !== 'https:') return { ok: false, reason: 'The URL must use https.' };
  if (url.username || url.password) return { ok: false, reason: 'The URL may not carry credentials; the signature authenticates deliveries.' };
  if (policy.allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return { ok: false, reason: `The host ${host} does not resolve.` };
  }
  if (addresses.length === 0 || !addresses.every(isPublicAddress)) return { ok: false, reason: `The host ${host} resolves to an address that is not public (private, loopback, link-local or reserved).` };
  return { ok: true, url };
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/** A `lookup` for outgoing connections that refuses non-public addresses (when the policy says so). */
export function guardedLookup(policy: UrlPolicy) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    lookup(hostname, { all: true, verbatim: true }).then(
      (addresses) => {
        const allowed = policy.allowPrivate ? addresses : addresses.filter((a) => isPublicAddress(a.address));
        if (allowed.length === 0 || allowed.length !== addresses.length) {
          callback(Object.assign(new Error(`refused to connect to ${hostname}: not a public address`), { code: 'EADDRNOTPUBLIC' }), []);
          return;
        }
        if (options.all) callback(null, allowed);
        else callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    );
  };
}
