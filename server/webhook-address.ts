/**
 * Where a team server may send webhooks. An owner of any workspace on a shared server chooses
 * webhook URLs, and the server POSTs to them from inside its network: without a rule, a
 * workspace owner could make it reach internal services or a cloud metadata endpoint
 * (server-side request forgery). So, as GitLab does by default, a server refuses targets on
 * loopback, private, link-local, carrier-grade NAT, unique-local, multicast and unspecified
 * addresses unless it is started with `--allow-private-webhooks` (a team whose CI receivers
 * are internal) — the desktop app's embedded server, on the person's own machine, allows them.
 *
 * The check is made on the address actually connected to (a `lookup` for http.request), not on
 * an earlier resolution, so a name that resolves to a public address when the hook is added and
 * to a private one later (DNS rebinding) is still refused.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6');

/** Whether `address` (an IP literal) is one a team server does not send webhooks to. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // An IPv4 address written as IPv6 (::ffff:10.0.0.1) is that IPv4 address.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return PRIVATE.check(mapped[1]!, 'ipv4');
    return PRIVATE.check(address, 'ipv6');
  }
  return PRIVATE.check(address, 'ipv4');
}

export class PrivateAddressError extends Error {
  constructor(host: string, address: string) {
    super(`${host} is ${address === host ? 'a' : `${address}, a`} private or local address; this server sends webhooks to public addresses only (start it with --allow-private-webhooks to allow internal receivers)`);
    this.name = 'PrivateAddressError';
  }
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `lookup` for http.request/net.connect that fails on private addresses (every one it would try). */
export function publicOnlyLookup(hostname: string, options: LookupOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '');
    const list = addresses as LookupAddress[];
    const bad = list.find((a) => isPrivateAddress(a.address));
    if (bad) return callback(new PrivateAddressError(hostname, bad.address), '');
    if (options.all) return callback(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
}

/**
 * A URL whose host is an IP literal on a private address, as an error; null otherwise. Needed
 * besides the lookup: a connection to an IP literal asks no lookup.
 */
export function privateLiteral(url: URL): PrivateAddressError | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) && isPrivateAddress(host) ? new PrivateAddressError(host, host) : null;
}

/** Resolves a URL's host now and says why it is refused, or null (used when a hook is added, to say so at once). */
export async function privateTargetReason(url: string): Promise<string | null> {
  const target = new URL(url);
  const host = target.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host)) return privateLiteral(target)?.message ?? null;
  return new Promise((resolve) =>
    publicOnlyLookup(host, { all: true }, (err) => resolve(err instanceof PrivateAddressError ? err.message : null)),
  );
}
