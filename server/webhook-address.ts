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
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (PRIVATE.check(address, 'ipv6')) return true;
  // An IPv6 address that carries an IPv4 one reaches that IPv4 address (or a NAT64 gateway's
  // view of it): judge the IPv4 address inside.
  const inner = embeddedIpv4(address);
  return inner !== null && PRIVATE.check(inner, 'ipv4');
}

/**
 * The IPv4 address inside an IPv6 one, in every form that routes to it: IPv4-mapped
 * (::ffff:a.b.c.d, RFC 4291), IPv4-compatible (::a.b.c.d, deprecated but still parsed), NAT64
 * (64:ff9b::/96, RFC 6052, and the local-use 64:ff9b:1::/48, RFC 8215) and 6to4 (2002::/16,
 * RFC 3056). Null for any other address.
 */
export function embeddedIpv4(address: string): string | null {
  const words = ipv6Words(address);
  if (!words) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zero = (from: number, to: number) => words.slice(from, to).every((w) => w === 0);
  if (zero(0, 5) && words[5] === 0xffff) return v4(words[6]!, words[7]!);
  if (zero(0, 6)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x64 && words[1] === 0xff9b && (zero(2, 6) || words[2] === 1)) return v4(words[6]!, words[7]!);
  if (words[0] === 0x2002) return v4(words[1]!, words[2]!);
  return null;
}

/** The eight 16-bit words of an IPv6 literal (with :: expanded and a dotted tail read). */
function ipv6Words(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (p: string) => (p ? p.split(':').map((w) => parseInt(w, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const words = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return words.length === 8 ? words : null;
}

/**
 * Names that mean this machine whatever DNS says (RFC 6761): `localhost` and its subdomains,
 * with or without the trailing dot of a fully qualified name.
 */
export function isLocalName(hostname: string): boolean {
  return /^(?:.+\.)?localhost\.?$/i.test(hostname);
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
  if (isLocalName(hostname)) return callback(new PrivateAddressError(hostname, 'this machine'), '');
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
  if (isLocalName(host)) return new PrivateAddressError(host, 'this machine').message;
  return new Promise((resolve) =>
    publicOnlyLookup(host, { all: true }, (err) => resolve(err instanceof PrivateAddressError ? err.message : null)),
  );
}
