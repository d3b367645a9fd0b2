// Builds the twilio-node client, optionally pointed at a Twilio-compatible server (the local
// emulator, Prism running Twilio's OpenAPI contract) through the SDK's supported httpClient hook.
import twilio from 'twilio';
import type { TwilioConfig } from '../config/config.ts';

type RequestClientInstance = InstanceType<typeof twilio.RequestClient>;
type RequestOptions<TData> = Parameters<RequestClientInstance['request']>[0] & { data?: TData };

/** Rewrites every https://*.twilio.com URL onto `baseUrl`, keeping path and query. */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(
    private readonly baseUrl: URL,
    timeout: number | undefined,
  ) {
    super({ keepAlive: true, ...(timeout ? { timeout } : {}) });
  }

  override request<TData>(opts: RequestOptions<TData>) {
    const original = new URL(opts.uri);
    // Keep any path prefix of the base URL (http://host/twilio + /2010-04-01/…).
    const prefix = this.baseUrl.pathname.replace(/\/+$/, '');
    const rebased = new URL(prefix + original.pathname + original.search, this.baseUrl.origin);
    return super.request<TData>({ ...opts, uri: rebased.toString() });
  }
}

export type TwilioRestClient = ReturnType<typeof twilio>;

export interface RestClientOptions {
  /** Per-request timeout in ms; twilio-node's default (30 s) when absent. */
  timeoutMs?: number;
}

export function createTwilioRestClient(config: TwilioConfig, options: RestClientOptions = {}): TwilioRestClient {
  const timeout = options.timeoutMs;
  const httpClient = config.apiBaseUrl
    ? new RebasedRequestClient(new URL(config.apiBaseUrl), timeout)
    : new twilio.RequestClient({ keepAlive: true, ...(timeout ? { timeout } : {}) });
  const client = twilio(config.accountSid, config.authToken, { httpClient, autoRetry: false });
  // twilio-node requires the Messages API's modules (the whole v2010 account tree, ≈ 40 ms) on
  // first use: done here, at start, instead of inside the first send after a restart, where the
  // benchmark saw it hold the event loop for 70 ms while webhooks waited.
  void client.messages;
  return client;
}
