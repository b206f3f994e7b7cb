// live.js - the signed-in user's live feed: long-polls GET /v1/events?after=&wait=20 and
// hands each batch of new events to the views that subscribed. One request is parked on
// the server at a time (it holds no thread there); errors back off up to 30 s. The feed
// starts at the newest event: the first requests only move the cursor forward.
import { api } from './api.js';

const WAIT_S = 20;
const subscribers = new Set();
let running = false;
let ctrl = null;
let cursor = null;
let generation = 0;

/** fn(events) is called with every new batch; returns the unsubscribe function. */
export function subscribe(fn) {
  subscribers.add(fn);
  return () => subscribers.delete(fn);
}

/** The cursor of the newest event (follows the feed without waiting). */
async function head(signal) {
  let after = '0';
  for (let i = 0; i < 200; i++) {
    const r = await api('GET', '/v1/events', { query: { after, limit: 500 }, signal });
    after = r.next || after;
    if ((r.items || []).length < 500) return after;
  }
  return after;
}

export function start() {
  if (running) return;
  running = true;
  generation += 1;
  loop(generation);
}

export function stop() {
  running = false;
  generation += 1;
  if (ctrl) ctrl.abort();
  ctrl = null;
  cursor = null;
}

/** The live state for the status line: 'live', 'retrying' or 'off'. */
export let state = 'off';
function setState(s) {
  state = s;
  document.documentElement.dataset.live = s;
}

async function loop(gen) {
  let backoff = 1000;
  while (running && gen === generation) {
    ctrl = new AbortController();
    try {
      if (cursor === null) cursor = await head(ctrl.signal);
      setState('live');
      const r = await api('GET', '/v1/events', { query: { after: cursor, wait: WAIT_S, limit: 200 }, signal: ctrl.signal });
      if (gen !== generation) return;
      cursor = r.next || cursor;
      backoff = 1000;
      if (r.items && r.items.length) {
        for (const fn of [...subscribers]) {
          try { fn(r.items); } catch (e) { console.error('live subscriber failed', e); }
        }
      }
    } catch (e) {
      if (e.name === 'AbortError' || gen !== generation) return;
      if (e.status === 401) { stop(); setState('off'); return; }
      setState('retrying');
      await new Promise((res) => setTimeout(res, backoff));
      backoff = Math.min(backoff * 2, 30000);
    }
  }
}
