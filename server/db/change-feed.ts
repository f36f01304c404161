/**
 * @module
 * The change feed: notifications the database sends when a credential or a user changes (triggers of
 * migration 0002 call `pg_notify('latchkey_changes', 't:<token id>' | 'u:<user id>')`), delivered to
 * subscribers such as the verify cache, with the feed's state: a subscriber must not trust anything
 * cached while the feed is down, because notifications sent meanwhile are lost.
 *
 * PostgreSQL: one dedicated connection per instance (never a pooled one) that LISTENs, re-subscribes
 * after a drop with a short back-off, and sends a heartbeat so a connection that hangs without closing
 * is noticed too. PGlite: the embedded database's own listen, in-process (one process owns it).
 */
import type { PGlite } from '@electric-sql/pglite';

/** The channel the triggers notify on. */
export const CHANGE_CHANNEL = 'latchkey_changes';

/** Who listens: told every payload, and whenever the feed goes up or down. */
export interface ChangeSubscriber {
  onChange(payload: string): void;
  /** `true`: subscribed (from now on nothing is missed); `false`: notifications may be lost. */
  onState(subscribed: boolean): void;
}

/** A source of change notifications. */
export interface ChangeFeed {
  /** Whether notifications are being received now. */
  readonly subscribed: boolean;
  /** Adds a subscriber (told the current state at once); returns how to remove it. */
  subscribe(subscriber: ChangeSubscriber): () => void;
  /**
   * Resolves once every change committed before the call has been delivered to the subscribers (a
   * marker notification is sent and awaited: PostgreSQL delivers notifications in commit order).
   */
  sync(): Promise<void>;
  close(): Promise<void>;
}

const SYNC_PREFIX = 'sync:';

/** The subscriber list and state shared by both implementations. */
class Subscribers {
  readonly #all = new Set<ChangeSubscriber>();
  readonly #markers = new Map<string, () => void>();
  #nextMarker = 0;
  // Markers are unique per feed: every instance on the database receives every marker.
  readonly #id = crypto.randomUUID();
  subscribed = false;

  /** A marker payload to notify, and the promise of its delivery. */
  marker(): { payload: string; delivered: Promise<void> } {
    const payload = `${SYNC_PREFIX}${this.#id}.${++this.#nextMarker}`;
    const delivered = new Promise<void>((resolve) => this.#markers.set(payload, resolve));
    return { payload, delivered };
  }

  add(subscriber: ChangeSubscriber): () => void {
    this.#all.add(subscriber);
    subscriber.onState(this.subscribed);
    return () => this.#all.delete(subscriber);
  }

  state(subscribed: boolean): void {
    if (subscribed === this.subscribed) return;
    this.subscribed = subscribed;
    for (const s of this.#all) s.onState(subscribed);
  }

  change(payload: string): void {
    if (payload.startsWith(SYNC_PREFIX)) {
      this.#markers.get(payload)?.();
      this.#markers.delete(payload);
      return;
    }
    for (const s of this.#all) s.onChange(payload);
  }
}

/** The feed interface over subscribers, a way to send a notification and a way to close. */
function feedOf(
  subscribers: Subscribers,
  notify: (payload: string) => Promise<unknown>,
  close: () => Promise<void>,
): ChangeFeed {
  return {
    get subscribed() {
      return subscribers.subscribed;
    },
    subscribe: (subscriber) => subscribers.add(subscriber),
    async sync() {
      const { payload, delivered } = subscribers.marker();
      await notify(payload);
      await delivered;
    },
    close,
  };
}

/** Timings of the PostgreSQL feed, in milliseconds. */
export interface PostgresFeedTimings {
  /** Wait between two subscription attempts while the database is unreachable. */
  retryMs?: number;
  /** How often the listening connection is checked. */
  heartbeatMs?: number;
  /** A heartbeat slower than this marks the feed down until one answers again. */
  heartbeatTimeoutMs?: number;
}

/** A feed on its own PostgreSQL connection (postgres.js), re-subscribing after drops. */
export async function postgresChangeFeed(
  url: string,
  applicationName: string,
  timings: PostgresFeedTimings = {},
): Promise<ChangeFeed> {
  const { default: postgres } = await import('postgres');
  const retryMs = timings.retryMs ?? 200;
  const heartbeatMs = timings.heartbeatMs ?? 2000;
  const heartbeatTimeoutMs = timings.heartbeatTimeoutMs ?? 1500;
  const subscribers = new Subscribers();
  let closed = false;
  let listening: Promise<void> | undefined;

  // `onnotify` is a connection option postgres.js reads (its own listen() uses it) but does not type.
  const options = {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: 2,
    onnotice: () => {},
    connection: { application_name: applicationName },
    onnotify: (channel: string, payload: string) => {
      if (channel === CHANGE_CHANNEL) subscribers.change(payload);
    },
    onclose: () => {
      // The LISTEN went with the connection: distrust at once, then subscribe on a new one.
      subscribers.state(false);
      if (!closed) void listen();
    },
  };
  const sql = postgres(url, options as Parameters<typeof postgres>[1]);

  const withTimeout = <T>(work: Promise<T>, ms: number) =>
    Promise.race([
      work,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timed out')), ms).unref?.()),
    ]);

  function listen(): Promise<void> {
    listening ??= (async () => {
      while (!closed) {
        try {
          await withTimeout(sql.unsafe(`listen ${CHANGE_CHANNEL}`), 5000);
          subscribers.state(true);
          return;
        } catch {
          subscribers.state(false);
          await new Promise((resolve) => setTimeout(resolve, retryMs));
        }
      }
    })().finally(() => {
      listening = undefined;
    });
    return listening;
  }

  const heartbeat = setInterval(() => {
    if (closed || listening) return;
    withTimeout(sql`select 1`, heartbeatTimeoutMs).then(
      // A heartbeat that outlived a reconnect must not vouch for a LISTEN still being set up.
      () => listening || subscribers.state(true),
      () => subscribers.state(false),
    );
  }, heartbeatMs);
  heartbeat.unref?.();

  await listen();
  return feedOf(
    subscribers,
    (payload) => sql`select pg_notify(${CHANGE_CHANNEL}, ${payload})`,
    async () => {
      closed = true;
      clearInterval(heartbeat);
      subscribers.state(false);
      await sql.end({ timeout: 1 });
    },
  );
}

/** A feed on the embedded database's own notifications (in-process: it never drops). */
export async function pgliteChangeFeed(client: PGlite): Promise<ChangeFeed> {
  const subscribers = new Subscribers();
  const unlisten = await client.listen(CHANGE_CHANNEL, (payload) => subscribers.change(payload));
  subscribers.state(true);
  return feedOf(
    subscribers,
    (payload) => client.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, payload]),
    async () => {
      subscribers.state(false);
      await unlisten().catch(() => {});
    },
  );
}
