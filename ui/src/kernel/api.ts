/**
 * The API client: JSON over fetch with the access token; on a 401 it refreshes the session once
 * (rotating refresh token) and repeats the request; when that fails the session is over and the
 * app goes back to sign-in (drafts are kept by the pages that own them).
 */
export interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: { field: string; message: string }[];
  /** For 503s of commands: whether it was applied (`not_applied`) or may still be (`unknown`). */
  outcome?: 'not_applied' | 'unknown';
  /** For `draft_conflict`: the draft as it now stands. */
  current?: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
  }
  get code() {
    return this.problem.code;
  }
  get status() {
    return this.problem.status;
  }
}

const PREFIX = '/api/v1';
const ACCESS = 'lintas.access';
const REFRESH = 'lintas.refresh';

type Listener = () => void;
const endedListeners: Listener[] = [];

export const tokens = {
  get access(): string | null {
    return sessionStorage.getItem(ACCESS);
  },
  get refresh(): string | null {
    return localStorage.getItem(REFRESH);
  },
  set(access: string, refresh: string) {
    sessionStorage.setItem(ACCESS, access);
    localStorage.setItem(REFRESH, refresh);
  },
  clear() {
    sessionStorage.removeItem(ACCESS);
    localStorage.removeItem(REFRESH);
  },
};

/** Called when the session cannot be renewed. */
export function onSessionEnded(fn: Listener) {
  endedListeners.push(fn);
}

let refreshing: Promise<boolean> | null = null;

/**
 * Runs `work` while no other tab of this browser runs it (Web Locks). Tabs share one session, and
 * its refresh token is single use: two tabs renewing at once with the same token would look like
 * theft. Without Web Locks (a page not in a secure context) the server's short reuse grace covers
 * tabs that overlap.
 */
function acrossTabs<T>(work: () => Promise<T>): Promise<T> {
  const locks = (navigator as { locks?: LockManager }).locks;
  return locks ? (locks.request('lintas.session.refresh', work) as Promise<T>) : work();
}

/**
 * Renews the session once, however many requests of this tab ask at the same moment, and one tab
 * at a time. The refresh token is read only once the lock is held: a tab that waited uses the token
 * the previous tab stored, never the one that tab has just spent.
 */
function refreshSession(): Promise<boolean> {
  refreshing ??= acrossTabs(async () => {
    const refreshToken = tokens.refresh;
    if (!refreshToken) return false;
    const res = await fetch(`${PREFIX}/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
    });
    if (!res.ok) return false;
    const body = (await res.json()) as { accessToken: string; refreshToken: string };
    tokens.set(body.accessToken, body.refreshToken);
    return true;
  }).finally(() => (refreshing = null));
  return refreshing;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Do not try to refresh on 401 (sign-in itself). */
  anonymous?: boolean;
}

/**
 * A request with the access token. A 401 refreshes the session once and repeats the request; if
 * that fails too, the session is over: tokens are dropped and the app is told.
 */
async function authorizedFetch(
  path: string,
  init: RequestInit & { headers: Record<string, string> },
  anonymous = false,
) {
  const send = () =>
    fetch(`${PREFIX}${path}`, {
      ...init,
      headers: {
        ...(!anonymous && tokens.access ? { authorization: `Bearer ${tokens.access}` } : {}),
        ...init.headers,
      },
    });
  let res = await send();
  // Only a refused credential (RFC 6750: it comes with WWW-Authenticate) is about the session; other
  // 401s answer the request itself, e.g. a mistyped authenticator code.
  const credentialRefused = (r: Response) => r.status === 401 && r.headers.has('www-authenticate');
  if (credentialRefused(res) && !anonymous && tokens.refresh) {
    if (await refreshSession()) res = await send();
    if (credentialRefused(res)) {
      tokens.clear();
      endedListeners.forEach((fn) => fn());
    }
  }
  return res;
}

/** Ticket commands and creates: sent with an Idempotency-Key, so sending one again is safe. */
const COMMAND = /^\/(incidents|requests)(\/|$)/;
/** How often an accepted-but-unfinished command is asked for its outcome again (same key). */
const OUTCOME_RETRIES = 3;

export async function api<T = unknown>(
  method: string,
  path: string,
  body?: unknown,
  options: RequestOptions = {},
): Promise<{ data: T; headers: Headers; status: number }> {
  const idempotent = method !== 'GET' && COMMAND.test(path) && !options.headers?.['Idempotency-Key'];
  const headers = {
    ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    ...(idempotent ? { 'Idempotency-Key': crypto.randomUUID() } : {}),
    ...options.headers,
  };
  for (let attempt = 0; ; attempt++) {
    const res = await authorizedFetch(
      path,
      { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
      options.anonymous,
    );
    const text = await res.text();
    const data = text ? JSON.parse(text) : undefined;
    if (res.ok) return { data: data as T, headers: res.headers, status: res.status };
    // Accepted by the ticket engine but not finished: it will be applied, so ask again with the
    // same key for its outcome (the server applies it once) instead of showing an error.
    if (res.status === 503 && data?.outcome === 'unknown' && headers['Idempotency-Key'] && attempt < OUTCOME_RETRIES) {
      await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 2)));
      continue;
    }
    throw new ApiError(
      data?.code
        ? (data as Problem)
        : { status: res.status, code: 'http_error', detail: `The server answered ${res.status}` },
    );
  }
}

export const get = async <T>(path: string) => (await api<T>('GET', path)).data;
export const post = async <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  (await api<T>('POST', path, body ?? {}, headers ? { headers } : {})).data;

type EventListener = (type: string, data: unknown) => void;
const eventListeners = new Set<EventListener>();
let streaming = false;

function deliver(type: string, data: unknown) {
  for (const l of eventListeners) l(type, data);
}

/**
 * Reads the server-sent event stream with the access token in a header (EventSource cannot send
 * one), reconnecting after errors and when the server ends the stream; stops once the session is
 * over (a 401).
 */
async function readStream(onEvent: EventListener): Promise<void> {
  for (;;) {
    try {
      const res = await authorizedFetch('/events', { headers: { accept: 'text/event-stream' } });
      if (res.status === 401) return; // the session is over (sign-in follows)
      if (!res.ok || !res.body) throw new Error(`events ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          let type = 'message';
          let data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) onEvent(type, JSON.parse(data));
        }
      }
    } catch {
      // reconnect below
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/**
 * One live stream per browser, not per tab or component: browsers allow only six connections to a
 * site, and each open stream holds one. The tab that holds a Web Lock reads the stream and passes
 * every event to the others over a BroadcastChannel; when it closes, the next tab takes over.
 * Without those APIs each tab reads its own.
 */
function startStream() {
  if (streaming) return;
  streaming = true;
  const locks = (navigator as { locks?: LockManager }).locks;
  if (!locks || typeof BroadcastChannel === 'undefined') {
    void readStream(deliver).finally(() => (streaming = false));
    return;
  }
  const channel = new BroadcastChannel('lintas.events');
  channel.onmessage = (m: MessageEvent<{ type: string; data: unknown }>) => deliver(m.data.type, m.data.data);
  void locks
    .request('lintas.events.reader', () =>
      readStream((type, data) => {
        deliver(type, data);
        channel.postMessage({ type, data });
      }),
    )
    .finally(() => {
      channel.close();
      streaming = false;
    });
}

/** Calls `onEvent` for each live change (`incident` {key, revision, …}); returns the unsubscribe. */
export function followEvents(onEvent: EventListener): () => void {
  eventListeners.add(onEvent);
  startStream();
  return () => eventListeners.delete(onEvent);
}

/** Uploads a file as the raw request body (the server streams it to storage and sniffs its type). */
export async function upload<T>(path: string, file: File): Promise<T> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await authorizedFetch(`${path}${sep}filename=${encodeURIComponent(file.name)}`, {
    method: 'POST',
    headers: { 'content-type': file.type || 'application/octet-stream' },
    body: file,
  });
  const data = (await res.json().catch(() => null)) as (T & Partial<Problem>) | null;
  if (res.ok) return data as T;
  throw new ApiError(
    data?.code
      ? (data as Problem)
      : { status: res.status, code: 'http_error', detail: `The server answered ${res.status}` },
  );
}

/**
 * Downloads a file the API serves (a CSV or JSON export) with the session's token: a plain link
 * cannot send it. The file is named as the server says (Content-Disposition).
 */
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await authorizedFetch(path, { headers: {} });
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as Problem | null;
    throw new ApiError(
      body?.code ? body : { status: res.status, code: 'http_error', detail: `The server answered ${res.status}` },
    );
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  a.click();
  URL.revokeObjectURL(url);
}
