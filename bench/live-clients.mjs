// Child process of bench/live.mjs: N socket.io clients on /live, each subscribed to the fleet and to one data
// center room. Measures ingest-to-client latency of dc:update (the batch's newest sample time is the moment it
// was sent), when each dc:update reached the first and the last client of its room, and counts delivered
// messages. Driven over IPC by the parent:
//   parent → { cmd: 'connect', url, tokens, clients, sites }  child → { ready: { connected, failed, ms } }
//            (client j logs in with tokens[j % tokens.length] and watches sites[j % sites.length])
//   parent → { cmd: 'start' }                                  (counters reset)
//   parent → { cmd: 'stop' }                                   child → { stats: {...} }, then exits
import { io } from 'socket.io-client';

const sockets = [];
let measuring = false;
let latencies = [];
let fleetLatencies = [];
let dcMessages = 0;
let fleetMessages = 0;
let gaps = 0;
let disconnects = 0;
let startedAt = 0;
const lastSeq = new Map(); // per socket index: dc room seq seen last
let arrivals = new Map(); // "code|ts" of each dc:update → first and last arrival among the room's clients

function connectOne(url, token, code, index) {
  return new Promise((resolve) => {
    const socket = io(`${url}/live`, {
      path: '/socket.io',
      transports: ['websocket'],
      auth: { token },
      forceNew: true, // one connection per client, as separate browsers would have
      reconnection: false,
      timeout: 20_000,
    });
    socket.on('dc:update', (u) => {
      const prev = lastSeq.get(index);
      lastSeq.set(index, u.seq);
      if (!measuring) return;
      dcMessages++;
      const now = Date.now();
      latencies.push(now - Date.parse(u.ts));
      const key = `${u.code}|${u.ts}`;
      const a = arrivals.get(key);
      if (a) a.last = now;
      else arrivals.set(key, { first: now, last: now });
      // seq must grow by one per event of the room (an event just before the subscribe ack may repeat).
      if (prev !== undefined && u.seq > prev + 1) gaps++;
    });
    socket.on('fleet:update', (u) => {
      if (!measuring) return;
      fleetMessages++;
      // Coalesced once a second: how long after its newest ingest each site in it reached this client (per site,
      // so an update of 3 sites and one of 25 read alike).
      const now = Date.now();
      for (const s of u.sites) if (s.lastIngestAt) fleetLatencies.push(now - Date.parse(s.lastIngestAt));
    });
    socket.on('disconnect', () => {
      if (measuring) disconnects++;
    });
    socket.once('connect_error', () => resolve(false));
    socket.once('connect', async () => {
      try {
        const a = await socket.timeout(20_000).emitWithAck('subscribe', { scope: 'fleet' });
        const b = await socket.timeout(20_000).emitWithAck('subscribe', { datacenter: code });
        if (a.ok && b.ok && !lastSeq.has(index)) lastSeq.set(index, b.seq);
        resolve(a.ok && b.ok);
      } catch {
        resolve(false);
      }
    });
    sockets.push(socket);
  });
}

function pct(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

process.on('message', async (msg) => {
  if (msg.cmd === 'connect') {
    const t0 = Date.now();
    let connected = 0;
    let failed = 0;
    const CONCURRENCY = 50; // handshakes in flight: a burst of 2000 at once would time out on 2 cores
    for (let i = 0; i < msg.clients; i += CONCURRENCY) {
      const batch = [];
      for (let j = i; j < Math.min(msg.clients, i + CONCURRENCY); j++) {
        batch.push(
          connectOne(msg.url, msg.tokens[j % msg.tokens.length], msg.sites[j % msg.sites.length], j),
        );
      }
      for (const ok of await Promise.all(batch)) {
        if (ok) connected++;
        else failed++;
      }
    }
    process.send({ ready: { connected, failed, ms: Date.now() - t0 } });
  } else if (msg.cmd === 'start') {
    latencies = [];
    fleetLatencies = [];
    arrivals = new Map();
    dcMessages = fleetMessages = gaps = disconnects = 0;
    startedAt = performance.now();
    measuring = true;
  } else if (msg.cmd === 'stop') {
    measuring = false;
    const seconds = (performance.now() - startedAt) / 1000;
    latencies.sort((a, b) => a - b);
    fleetLatencies.sort((a, b) => a - b);
    process.send({
      stats: {
        seconds,
        dcMessages,
        fleetMessages,
        p50: pct(latencies, 50),
        p99: pct(latencies, 99),
        max: latencies.length ? latencies[latencies.length - 1] : null,
        fleetP50: pct(fleetLatencies, 50),
        fleetP99: pct(fleetLatencies, 99),
        gaps,
        disconnects,
        arrivals: [...arrivals],
      },
    });
    for (const s of sockets) s.disconnect();
    setTimeout(() => process.exit(0), 200);
  }
});
