/** Where absolute URLs in answers may point: PUBLIC_URL, the Host names trusted (PUBLIC_HOSTS), and the listening address. */
export interface PublicOriginSettings {
  /** PUBLIC_URL without a trailing slash, or null. */
  readonly publicUrl: string | null;
  /** Lower-case host names (IPv6 without brackets) whose Host header may be echoed. */
  readonly publicHosts: readonly string[];
  readonly host: string;
  readonly port: number;
}

/**
 * scheme://host for absolute URLs in answers (TileJSON's tile URLs, OGC API links), which clients follow and caches
 * keep: PUBLIC_URL when set; else the request's Host only when its name is one of PUBLIC_HOSTS (default: this
 * machine's names and HOST), so a forged Host cannot put another origin into an answer; else the configured address.
 */
export function publicOrigin(request: { protocol: string; host: string | undefined }, settings: PublicOriginSettings): string {
  if (settings.publicUrl) return settings.publicUrl;
  const host = request.host ?? '';
  const match = /^([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(\d{1,5}))?$/.exec(host);
  if (match && settings.publicHosts.includes(match[1]!.toLowerCase().replace(/^\[|\]$/g, ''))) return `${request.protocol}://${host}`;
  return `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${settings.port}`;
}
