/**
 * FleetRunner: runs the demo fleet against a dcfleet instance over HTTP, exactly like real gateways.
 *
 * 1. Setup: admin login, create the sites that are missing, revoke this runner's old ingest tokens and create
 *    a fresh one per site, and find where each site's meters stand: the newest readings of a site that
 *    already has data (snapshot, or the series API after a longer pause), else plausible readings at the
 *    start of its history.
 * 2. Live: every `liveIntervalMs` each site posts everything a gateway reports (all gauges, all counters,
 *    every zone). Live ticks start right after setup, so the tiles come alive at once; the live counters
 *    continue from the state at the end of the history, computed up front.
 * 3. History, in the background: hourly from 1 January of the previous calendar year (or the last `days`),
 *    or only the gap since a known site's newest readings. Batches of ≤ `batchSamples` values, time-ordered,
 *    `concurrency` in flight, one per site at a time, all sites advancing together. Ordered by what a
 *    newcomer looks at first (planHistory): the last 24 h and last year's energy meters at full speed — then
 *    a pause until last year's ratings are final — then the rest, never more than `rollupBacklog` samples
 *    ahead of the server's rollups (backlog.ts), which keeps the server's memory bounded.
 * 4. Faults on a schedule (demo) or on demand (faults.ts).
 */
import {
  DEFAULT_ORGANIZATION_CODE,
  type DataCenterWithSnapshot,
  type IngestEntry,
  type IngestTokenInfo,
  type CreatedIngestToken,
  type LocalizedName,
  type OrganizationInfo,
  type SeriesResponse,
} from '@dcfleet/contracts';
import { fromLocal } from '@dcfleet/green-metrics';
import { RollupBacklog } from './backlog';
import { httpSender, lineSender, liveTransportOf, mqttSender, type LiveSender } from './live-transport';
import { DcfleetClient, HttpError, type Credentials, type FetchLike, type IngestResult } from './client';
import {
  DEFAULT_OVERHEAT_MS,
  DEFAULT_SILENT_MS,
  FaultScheduler,
  MALFORMED_BODY,
  malformedEntries,
  overheatInletC,
  type FaultRequest,
} from './faults';
import {
  countHistorySamples,
  DEFAULT_MAX_BATCH_SAMPLES,
  fastForward,
  historyBatches,
  historyEvents,
  NO_EVENTS,
  planHistory,
  zoneHours,
  type HistoryBatch,
  type HistoryEvents,
  type HistoryPart,
} from './history';
import {
  advance,
  conditions,
  countSamples,
  createSiteModel,
  DEFAULT_SEED,
  initialState,
  liveEntries,
  type CounterMetric,
  type Counters,
  type SiteModel,
  type SiteState,
} from './model';
import { DEMO_FLEET, DEMO_NAMES, DEMO_ORGANIZATIONS, type DemoSiteSpec } from './sites';
import { ceilHour, DAY_MS, floorHour, HOUR_MS, localYear, MINUTE_MS, previousYearStart } from './time';

export type HistoryMode = 'previous-year' | { days: number } | false;

export interface FleetRunnerOptions {
  baseUrl: string;
  admin: Credentials;
  /** Sites to run (default: all 25; see selectSites). */
  sites?: readonly DemoSiteSpec[];
  seed?: number;
  /** New sites get hourly history from 1 January of the previous year (default), over the last N days, or none. */
  history?: HistoryMode;
  /** Zones whose inlet temperature and humidity are part of the history (the first N; default: every zone). */
  historyZones?: number;
  /**
   * When the zones' readings are in the history (zoneHours): hourly over the last `hourlyDays` (default 14, the
   * longest range charted in hourly buckets), every `everyHours` local hours before (default 6).
   */
  zoneHistory?: { hourlyDays: number; everyHours: number };
  /** Metric values per history batch (default 5000). */
  batchSamples?: number;
  /** History requests in flight (default 4). */
  concurrency?: number;
  /**
   * Most history samples not yet folded into the server's rollups (default 250 000; 0: no limit). Keeps a
   * backfill from outrunning the rollups, which the ratings and charts read (see backlog.ts).
   */
  rollupBacklog?: number;
  /** Live tick interval (default 10 s); 0 turns live data off. */
  liveIntervalMs?: number;
  /**
   * The API's built-in MQTT listener (`mqtt://host:port`): one site in four then publishes its live readings there
   * (live-transport.ts). The third site always writes line protocol; the rest post JSON.
   */
  mqttUrl?: string;
  /** Trigger a random fault every `faultEveryMs` (± 30 %) once the history is in. */
  scheduledFaults?: boolean;
  faultEveryMs?: number;
  /** Name of this runner's ingest tokens; only its own earlier tokens are revoked (default demo-simulator). */
  tokenName?: string;
  /** After the history, poll last year's ratings until every site that should be final is (default true). */
  checkRatings?: boolean;
  ratingsTimeoutMs?: number;
  log?: (line: string) => void;
  /** Progress callback while history is posted, every `progressEveryMs` (default 5 s) and at the end. */
  onProgress?: (p: HistoryProgress) => void;
  progressEveryMs?: number;
  /** Instant the timings are measured from (default: construction). */
  startedAt?: number;
  fetch?: FetchLike;
  now?: () => number;
}

export interface HistoryProgress {
  sites: number;
  batches: number;
  samples: number;
  samplesTotal: number;
  rejected: number;
  failedBatches: number;
  /** History samples not yet known to be in the server's rollups, and the time spent waiting for them. */
  backlog: number;
  waitedMs: number;
  elapsedMs: number;
  samplesPerSecond: number;
  percent: number;
  etaMs: number | null;
  done: boolean;
}

export interface RatingsCheck {
  year: number;
  final: string[];
  expectedFinal: string[];
  notFinal: { code: string; status: string }[];
  /** Milliseconds since `startedAt` when the check passed (or gave up). */
  atMs: number;
  ok: boolean;
}

export interface FaultOutcome {
  request: FaultRequest;
  message: string;
  /** Ingest answers, where the fault posted something. */
  results?: IngestResult[];
}

interface SiteRun {
  spec: DemoSiteSpec;
  model: SiteModel;
  token: string;
  tokenId: string;
  /** How its live readings travel (HTTP JSON, MQTT, line protocol). */
  sender: LiveSender;
  /** Live state (after setup: the state at the end of the history). */
  state: SiteState;
  /** History still to post, and the events modelled in it. */
  parts: HistoryPart[];
  events: HistoryEvents;
  /** True when the site continues from stored readings (history only for the gap). */
  resumed: boolean;
  /** True when the site's history covers the whole previous calendar year (its rating should be final). */
  coversLastYear: boolean;
  silentUntil: number;
  overheat: { zone: number; from: number; until: number } | null;
  pendingResets: CounterMetric[];
  recent: { ts: number; entries: IngestEntry[] }[];
  liveBusy: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const fmt = (n: number) => n.toLocaleString('en-US');

export class FleetRunner {
  readonly client: DcfleetClient;
  private readonly opts: Required<
    Omit<FleetRunnerOptions, 'onProgress' | 'fetch' | 'log' | 'admin' | 'baseUrl' | 'sites' | 'mqttUrl'>
  > &
    FleetRunnerOptions;
  private readonly specs: readonly DemoSiteSpec[];
  private readonly runs = new Map<string, SiteRun>();
  private readonly log: (line: string) => void;
  private readonly now: () => number;
  private liveTimer: ReturnType<typeof setInterval> | undefined;
  private faultTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private historyPromise: Promise<HistoryProgress> | undefined;
  /** Last year's ratings check: run once phases 0 and 1 of the history are in (see postHistory). */
  private ratingsPromise: Promise<RatingsCheck | null> | undefined;
  private ratingsDone: (check: RatingsCheck | null) => void = () => undefined;
  private readonly inflight = new Set<Promise<unknown>>();
  private scheduler: FaultScheduler | undefined;
  /** Live ticks posted and samples accepted (for the CLI's load figures). */
  readonly liveStats = { ticks: 0, posts: 0, samples: 0, failed: 0, skipped: 0 };

  constructor(options: FleetRunnerOptions) {
    this.now = options.now ?? Date.now;
    this.opts = {
      seed: DEFAULT_SEED,
      history: 'previous-year',
      historyZones: Number.POSITIVE_INFINITY,
      zoneHistory: { hourlyDays: 14, everyHours: 6 },
      batchSamples: DEFAULT_MAX_BATCH_SAMPLES,
      concurrency: 4,
      rollupBacklog: 250_000,
      liveIntervalMs: 10_000,
      scheduledFaults: false,
      faultEveryMs: 4 * MINUTE_MS,
      tokenName: 'demo-simulator',
      checkRatings: true,
      ratingsTimeoutMs: 180_000,
      progressEveryMs: 5_000,
      startedAt: this.now(),
      now: this.now,
      // Options left undefined keep their defaults.
      ...(Object.fromEntries(
        Object.entries(options).filter(([, v]) => v !== undefined),
      ) as FleetRunnerOptions),
    };
    this.specs = options.sites ?? DEMO_FLEET;
    if (this.specs.length === 0) throw new Error('the fleet has no sites');
    this.log = options.log ?? (() => undefined);
    this.client = new DcfleetClient(options.baseUrl, options.admin, options.fetch);
  }

  get siteCodes(): string[] {
    return this.specs.map((s) => s.site.code);
  }

  /** Sites, tokens and starting states; then live ticks and (in the background) history and faults. */
  async start(): Promise<void> {
    await this.setup();
    if (this.opts.liveIntervalMs > 0) {
      await this.tick();
      this.liveTimer = setInterval(() => void this.tick(), this.opts.liveIntervalMs);
    }
    this.ratingsPromise = new Promise<RatingsCheck | null>((resolve) => (this.ratingsDone = resolve));
    this.historyPromise = this.postHistory();
    this.historyPromise
      .then(async () => {
        if (this.opts.scheduledFaults && !this.stopped) this.scheduleFaults();
      })
      .catch((err: Error) => {
        this.log(`history failed: ${err.message}`);
        this.ratingsDone(null);
      });
  }

  /** Resolves when the history has been posted (after start()). */
  whenHistoryDone(): Promise<HistoryProgress> {
    if (!this.historyPromise) throw new Error('start() first');
    return this.historyPromise;
  }

  /** Resolves with last year's ratings check (null when skipped or the API has no ratings). */
  whenRatingsChecked(): Promise<RatingsCheck | null> {
    return this.ratingsPromise ?? Promise.resolve(null);
  }

  /** Ingest token id per site (for tests and logs). */
  tokenIds(): Record<string, string> {
    return Object.fromEntries([...this.runs].map(([code, r]) => [code, r.tokenId]));
  }

  /** Current live counters per site. */
  counters(code: string): Counters | undefined {
    return this.runs.get(code)?.state.counters;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.liveTimer) clearInterval(this.liveTimer);
    if (this.faultTimer) clearTimeout(this.faultTimer);
    await Promise.allSettled([...this.inflight]);
    await this.historyPromise?.catch(() => undefined);
    await Promise.allSettled([...this.runs.values()].map((r) => r.sender.close()));
  }

  /** A site's live transport; MQTT falls back to HTTP (logged) when the listener cannot be reached. */
  private async senderFor(index: number, code: string, token: string): Promise<LiveSender> {
    const kind = liveTransportOf(index, this.opts.mqttUrl !== undefined);
    if (kind === 'line') return lineSender(this.client, token);
    if (kind === 'mqtt' && this.opts.mqttUrl) {
      try {
        return await mqttSender(this.opts.mqttUrl, code, token);
      } catch (err) {
        this.log(`${code}: MQTT listener unreachable (${(err as Error).message}); posting over HTTP`);
      }
    }
    return httpSender(this.client, token);
  }

  private elapsed(): number {
    return this.now() - this.opts.startedAt;
  }

  // ---------------------------------------------------------------------------------------------------
  // Setup

  /**
   * The demo's operator companies exist, and a demo site an older demo left in the default organisation goes to its
   * operator's (one the admin placed elsewhere stays where it is).
   */
  private async ensureOrganizations(existing: ReadonlyMap<string, unknown>): Promise<void> {
    const orgs = await this.client.request<OrganizationInfo[]>('GET', '/api/v1/organizations');
    const known = new Map(orgs.map((o) => [o.code, o]));
    for (const o of DEMO_ORGANIZATIONS) {
      const found = known.get(o.code);
      if (!found) await this.client.request('POST', '/api/v1/organizations', { ...o });
      // An organisation from before Chinese names gets its own.
      else if (!found.nameZh)
        await this.client.request('PATCH', `/api/v1/organizations/${o.code}`, { nameZh: o.nameZh });
    }
    const inDefault = new Set(orgs.find((o) => o.code === DEFAULT_ORGANIZATION_CODE)?.sites ?? []);
    for (const spec of this.specs) {
      const { code, organization } = spec.site;
      if (existing.has(code) && inDefault.has(code))
        await this.client.request('POST', `/api/v1/organizations/${organization}/sites`, { site: code });
    }
  }

  /**
   * The demo's Chinese names: the hub's list (regions, hub, operators) gets the entries it lacks, and a demo site from
   * before Chinese names gets its own. A name an admin set is kept.
   */
  private async ensureNames(existing: ReadonlyMap<string, DataCenterWithSnapshot>): Promise<void> {
    let listed: LocalizedName[];
    try {
      listed = await this.client.request<LocalizedName[]>('GET', '/api/v1/names');
    } catch (err) {
      // A server from before Chinese names: the fleet runs without them.
      if (err instanceof HttpError && err.status === 404) return;
      throw err;
    }
    const have = new Set(listed.map((n) => `${n.kind}\u0000${n.name}`));
    for (const n of DEMO_NAMES)
      if (!have.has(`${n.kind}\u0000${n.name}`)) await this.client.request('PUT', '/api/v1/names', { ...n });
    for (const spec of this.specs) {
      const dc = existing.get(spec.site.code);
      if (dc && !dc.nameZh && spec.site.nameZh)
        await this.client.request('PATCH', `/api/v1/datacenters/${dc.code}`, { nameZh: spec.site.nameZh });
    }
  }

  async setup(): Promise<void> {
    const t0 = this.now();
    await this.client.login();
    const list = await this.client.request<DataCenterWithSnapshot[]>('GET', '/api/v1/datacenters');
    const existing = new Map(list.map((d) => [d.code, d]));
    await this.ensureOrganizations(existing);
    await this.ensureNames(existing);
    const created = new Set<string>();
    const missing = this.specs.filter((s) => !existing.has(s.site.code));
    await this.pool(missing, 4, async (spec) => {
      const dc = await this.client.request<DataCenterWithSnapshot>('POST', '/api/v1/datacenters', spec.site);
      existing.set(dc.code, dc);
      created.add(dc.code);
    });
    const now = this.now();
    await this.pool(this.specs, 4, async (spec) => {
      const code = spec.site.code;
      const model = createSiteModel(spec, this.opts.seed);
      const { token, id } = await this.freshToken(code);
      const sender = await this.senderFor(this.specs.indexOf(spec), code, token);
      const start = await this.startingPoint(model, created.has(code) ? null : existing.get(code)!, now);
      const tz = spec.site.timezone;
      const lastYear = localYear(now, tz) - 1;
      const yearStart = fromLocal(tz, lastYear, 1, 1);
      let parts: HistoryPart[] = [];
      let events = NO_EVENTS;
      let state = start.state;
      if (start.resumed) {
        // Continue from the stored readings: only the gap since then, hourly.
        parts = [
          {
            phase: 0,
            label: 'the gap since the last readings',
            from: start.state,
            includeStart: false,
            to: now,
          },
        ];
        state = fastForward(model, start.state, now).end;
      } else if (start.history) {
        events = historyEvents(model, lastYear);
        const plan = planHistory(
          model,
          start.state,
          now,
          { start: yearStart, end: fromLocal(tz, lastYear + 1, 1, 1) },
          events,
        );
        parts = plan.parts;
        state = plan.endState;
      }
      this.runs.set(code, {
        spec,
        model,
        token,
        tokenId: id,
        sender,
        state,
        parts,
        events,
        resumed: start.resumed,
        coversLastYear: start.history && start.coversFrom <= yearStart && model.commissionedAt <= yearStart,
        silentUntil: 0,
        overheat: null,
        pendingResets: [],
        recent: [],
        liveBusy: false,
      });
    });
    const resumed = [...this.runs.values()].filter((r) => r.resumed).length;
    this.log(
      `fleet of ${this.specs.length} sites ready in ${fmt(this.now() - t0)} ms (${created.size} created, ${resumed} continuing from stored readings); ` +
        `fresh ingest tokens "${this.opts.tokenName}" issued`,
    );
  }

  private async freshToken(code: string): Promise<{ token: string; id: string }> {
    const tokens = await this.client.request<IngestTokenInfo[]>('GET', `/api/v1/datacenters/${code}/tokens`);
    for (const t of tokens) {
      if (t.name === this.opts.tokenName && !t.revokedAt)
        await this.client.request('DELETE', `/api/v1/tokens/${t.id}`);
    }
    const created = await this.client.request<CreatedIngestToken>(
      'POST',
      `/api/v1/datacenters/${code}/tokens`,
      { name: this.opts.tokenName },
    );
    return { token: created.token, id: created.id };
  }

  /**
   * Where a site's meters stand. A site with stored readings continues from its newest ones (history only
   * for the gap since then); a new site starts at the beginning of its history (or now, without history).
   */
  private async startingPoint(
    model: SiteModel,
    dc: DataCenterWithSnapshot | null,
    now: number,
  ): Promise<{ state: SiteState; resumed: boolean; history: boolean; coversFrom: number }> {
    const stored = dc && (await this.storedReadings(model, dc, now));
    if (stored) return { state: stored, resumed: true, history: false, coversFrom: Infinity };
    const mode = this.opts.history;
    if (mode === false) {
      return {
        state: initialState(model, Math.max(now, model.commissionedAt)),
        resumed: false,
        history: false,
        coversFrom: Infinity,
      };
    }
    const begin =
      mode === 'previous-year'
        ? previousYearStart(now, model.spec.site.timezone)
        : floorHour(now - mode.days * DAY_MS);
    const start = Math.max(begin, ceilHour(model.commissionedAt));
    return {
      state: initialState(model, Math.min(start, floorHour(now))),
      resumed: false,
      history: true,
      coversFrom: begin,
    };
  }

  /** The newest stored counter readings of a site, or null when it has none. */
  private async storedReadings(
    model: SiteModel,
    dc: DataCenterWithSnapshot,
    now: number,
  ): Promise<SiteState | null> {
    const snap = dc.snapshot;
    if (snap.lastSampleAt && model.counters.every((m) => typeof snap.values[m] === 'number')) {
      const ts = Date.parse(snap.lastSampleAt);
      const counters: Counters = {};
      for (const m of model.counters) counters[m] = snap.values[m];
      return { code: model.code, ts, counters, cond: conditions(model, ts) };
    }
    // After a longer pause the snapshot is empty: find the newest day, then the newest hour, with readings.
    const code = encodeURIComponent(model.code);
    const series = (metric: string, from: number, to: number, step: string) =>
      this.client.request<SeriesResponse>(
        'GET',
        `/api/v1/datacenters/${code}/series?metric=${metric}&from=${from}&to=${to}&step=${step}`,
      );
    const days = await series('facility_energy_kwh', now - 800 * DAY_MS, now + HOUR_MS, '1d');
    const points = days.series.find((s) => Object.keys(s.labels).length === 0)?.points ?? [];
    const lastDay = [...points].reverse().find((p) => p.max !== null);
    if (!lastDay) return null;
    const dayStart = Date.parse(lastDay.t);
    let ts = 0;
    const counters: Counters = {};
    for (const m of model.counters) {
      const hours = await series(m, dayStart, dayStart + DAY_MS + HOUR_MS, '1h');
      const pts = hours.series.find((s) => Object.keys(s.labels).length === 0)?.points ?? [];
      const last = [...pts].reverse().find((p) => p.max !== null);
      if (!last) continue;
      counters[m] = last.max!;
      ts = Math.max(ts, Date.parse(last.t) + HOUR_MS);
    }
    if (ts === 0) return null;
    ts = Math.min(ts, now);
    // A counter without any reading starts where a fresh site would.
    const fresh = initialState(model, ts);
    for (const m of model.counters) counters[m] ??= fresh.counters[m];
    return { code: model.code, ts, counters, cond: conditions(model, ts) };
  }

  // ---------------------------------------------------------------------------------------------------
  // History

  private async postHistory(): Promise<HistoryProgress> {
    const started = this.now();
    const zonesHourlyFrom = started - this.opts.zoneHistory.hourlyDays * DAY_MS;
    const queues = [...this.runs.values()].flatMap((r) =>
      r.parts.map((part) => {
        const opts = {
          maxSamples: this.opts.batchSamples,
          zones: this.opts.historyZones,
          zonesAt: zoneHours(r.model, zonesHourlyFrom, this.opts.zoneHistory.everyHours),
          includeStart: part.includeStart,
          events: r.events,
          select: part.select,
        };
        return {
          run: r,
          phase: part.phase,
          label: part.label,
          total: countHistorySamples(r.model, part.from, part.to, opts),
          gen: historyBatches(r.model, part.from, part.to, opts),
          next: undefined as HistoryBatch | undefined,
          done: false,
        };
      }),
    );
    const busy = new Set<SiteRun>();
    const progress: HistoryProgress = {
      sites: new Set(queues.map((q) => q.run)).size,
      batches: 0,
      samples: 0,
      samplesTotal: queues.reduce((s, q) => s + q.total, 0),
      rejected: 0,
      failedBatches: 0,
      backlog: 0,
      waitedMs: 0,
      elapsedMs: 0,
      samplesPerSecond: 0,
      percent: 0,
      etaMs: null,
      done: false,
    };
    const backlog = new RollupBacklog(this.client, this.opts.rollupBacklog, this.now, 250);
    const update = () => {
      progress.backlog = backlog.pending;
      progress.waitedMs = backlog.waitedMs;
      progress.elapsedMs = this.now() - started;
      progress.samplesPerSecond =
        progress.elapsedMs > 0 ? Math.round((progress.samples * 1000) / progress.elapsedMs) : 0;
      progress.percent = progress.samplesTotal
        ? Math.min(100, (100 * progress.samples) / progress.samplesTotal)
        : 100;
      progress.etaMs =
        progress.samplesPerSecond > 0
          ? Math.round(((progress.samplesTotal - progress.samples) * 1000) / progress.samplesPerSecond)
          : null;
    };
    if (progress.samplesTotal === 0) {
      progress.done = true;
      this.opts.onProgress?.(progress);
      return progress;
    }
    const order = [...new Set([...queues].sort((a, b) => a.phase - b.phase).map((q) => q.label))].join(
      ', then ',
    );
    this.log(
      `history: ${fmt(progress.samplesTotal)} samples for ${progress.sites} sites (${order}), ` +
        `batches of ≤ ${fmt(this.opts.batchSamples)}, ${this.opts.concurrency} in flight` +
        `${this.opts.rollupBacklog > 0 ? `, ≤ ${fmt(this.opts.rollupBacklog)} samples ahead of the rollups` : ''}`,
    );
    const peek = (q: (typeof queues)[number]) => {
      if (!q.next && !q.done) {
        const r = q.gen.next();
        if (r.done) q.done = true;
        else q.next = r.value;
      }
      return q.next;
    };
    const reporter = setInterval(() => {
      update();
      this.opts.onProgress?.({ ...progress });
    }, this.opts.progressEveryMs);
    const pending = new Set<Promise<void>>();
    let firstErrors = 0;
    let lowDone = false;
    backlog.start();
    try {
      while (!this.stopped) {
        let best: (typeof queues)[number] | undefined;
        for (const q of queues) {
          if (busy.has(q.run)) continue;
          const b = peek(q);
          if (
            b &&
            (!best || q.phase < best.phase || (q.phase === best.phase && b.firstTs < best.next!.firstTs))
          )
            best = q;
        }
        if (!best || pending.size >= this.opts.concurrency) {
          if (pending.size === 0) break;
          await Promise.race(pending);
          continue;
        }
        if (best.phase > 1 && !lowDone) {
          // Last year's energy is in: let the server fold it into its rollups (which the ratings read) before
          // the rest competes with it, and wait until last year's ratings are final.
          await Promise.allSettled([...pending]);
          lowDone = true;
          await this.checkRatings(backlog);
          continue;
        }
        const q = best;
        const batch = q.next!;
        q.next = undefined;
        busy.add(q.run);
        // Phases 0 and 1 are small and bounded (last year's energy meters): they go at full speed; the rest
        // keeps within the backlog budget.
        if (q.phase > 1) await backlog.room(batch.samples);
        const p = this.client
          .ingest(q.run.token, JSON.stringify({ samples: batch.entries }))
          .then((res) => {
            if (res.status === 200) {
              progress.samples += res.response!.accepted;
              backlog.acknowledged(res.response!.accepted);
              progress.rejected += res.response!.rejected.length;
              if (res.response!.rejected.length && firstErrors++ < 3) {
                this.log(
                  `history ${batch.code}: ${res.response!.rejected.length} samples rejected, e.g. ${res.response!.rejected[0]!.reason}`,
                );
              }
            } else {
              progress.failedBatches++;
              if (firstErrors++ < 3)
                this.log(
                  `history ${batch.code}: batch refused with ${res.status}: ${(res.error ?? '').slice(0, 200)}`,
                );
            }
          })
          .catch((err: Error) => {
            progress.failedBatches++;
            if (firstErrors++ < 3) this.log(`history ${batch.code}: ${err.message}`);
          })
          .finally(() => {
            progress.batches++;
            busy.delete(q.run);
            pending.delete(p);
          });
        pending.add(p);
      }
      await Promise.allSettled([...pending]);
      if (!lowDone) await this.checkRatings(backlog);
    } finally {
      clearInterval(reporter);
      backlog.stop();
      this.ratingsDone(null); // no-op when the check ran
    }
    update();
    progress.done = true;
    progress.etaMs = 0;
    this.opts.onProgress?.({ ...progress });
    this.log(
      `history posted: ${fmt(progress.samples)} samples in ${fmt(progress.batches)} batches in ${(progress.elapsedMs / 1000).toFixed(1)} s ` +
        `(${fmt(progress.samplesPerSecond)} samples/s)${progress.rejected ? `, ${fmt(progress.rejected)} rejected` : ''}` +
        `${progress.failedBatches ? `, ${progress.failedBatches} batches failed` : ''}` +
        `${progress.waitedMs > 0 ? `, ${(progress.waitedMs / 1000).toFixed(1)} s waiting for the rollups` : ''}; ${(this.elapsed() / 1000).toFixed(1)} s since start`,
    );
    return progress;
  }

  /**
   * Between history phases 1 and 2 (or after the history when it has no phase 2): waits until last year's
   * ratings are final for every site whose history covers last year. Nothing to wait for without such a
   * site or with checkRatings off; without a ratings API, waits (briefly) for the rollups to catch up instead.
   */
  private async checkRatings(backlog: RollupBacklog): Promise<void> {
    let check: RatingsCheck | null = null;
    if (this.opts.checkRatings && !this.stopped && [...this.runs.values()].some((r) => r.coversLastYear)) {
      check = await this.waitForFinalRatings().catch((err: Error) => {
        this.log(`ratings check failed: ${err.message}`);
        return null;
      });
      if (!check) await backlog.drained(30_000);
    }
    this.ratingsDone(check);
  }

  /** Polls last year's ratings until every site whose history covers the year is final (or times out). */
  async waitForFinalRatings(): Promise<RatingsCheck | null> {
    const year = localYear(this.now(), 'Asia/Shanghai') - 1;
    const expected = [...this.runs.values()].filter((r) => r.coversLastYear).map((r) => r.spec.site.code);
    const deadline = this.now() + this.opts.ratingsTimeoutMs;
    for (;;) {
      let rows: { code: string; status: string }[];
      try {
        rows = (
          await this.client.request<{ sites: { code: string; status: string }[] }>(
            'GET',
            `/api/v1/ratings?year=${year}`,
          )
        ).sites;
      } catch (err) {
        if (err instanceof HttpError && err.status === 404) {
          this.log('ratings: this instance has no ratings API; not checking');
          return null;
        }
        throw err;
      }
      const mine = rows.filter((r) => this.runs.has(r.code));
      const final = mine.filter((r) => r.status === 'final').map((r) => r.code);
      const missing = expected.filter((c) => !final.includes(c));
      if (missing.length === 0 || this.now() > deadline || this.stopped) {
        const notFinal = mine
          .filter((r) => r.status !== 'final')
          .map((r) => ({ code: r.code, status: r.status }));
        const check: RatingsCheck = {
          year,
          final,
          expectedFinal: expected,
          notFinal,
          atMs: this.elapsed(),
          ok: missing.length === 0,
        };
        const others = notFinal.length ? ` (${notFinal.map((n) => `${n.code} ${n.status}`).join(', ')})` : '';
        this.log(
          check.ok
            ? `ratings ${year}: final for ${final.length}/${mine.length} sites${others}, ${(check.atMs / 1000).toFixed(1)} s since start`
            : `ratings ${year}: still not final for ${missing.join(', ')} after ${(check.atMs / 1000).toFixed(1)} s`,
        );
        return check;
      }
      await sleep(2000);
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Live

  /** One live tick: every site that is not silent posts its readings at `now`. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    const ts = Math.floor(this.now() / 1000) * 1000;
    this.liveStats.ticks++;
    const posts: Promise<void>[] = [];
    for (const r of this.runs.values()) {
      if (ts < r.silentUntil || r.liveBusy || ts <= r.state.ts) {
        if (r.liveBusy) this.liveStats.skipped++;
        continue;
      }
      r.state = advance(r.model, r.state, ts, r.pendingResets);
      r.pendingResets = [];
      const o = r.overheat;
      if (o && ts >= o.until) r.overheat = null;
      const entries = liveEntries(
        r.model,
        r.state,
        o ? (z, normal) => (z === o.zone ? overheatInletC(normal, o.from, o.until, ts) : normal) : undefined,
      );
      r.recent.push({ ts, entries });
      while (r.recent.length > 0 && (r.recent[0]!.ts < ts - HOUR_MS || r.recent.length > 720))
        r.recent.shift();
      r.liveBusy = true;
      posts.push(
        this.track(r.sender.send(entries))
          .then((res) => {
            this.liveStats.posts++;
            if (res.status === 200 || res.status === 204)
              this.liveStats.samples += res.response?.accepted ?? res.accepted ?? countSamples(entries);
            else {
              this.liveStats.failed++;
              if (this.liveStats.failed <= 3)
                this.log(`live ${r.spec.site.code}: ${res.status} ${(res.error ?? '').slice(0, 200)}`);
            }
          })
          .catch((err: Error) => {
            this.liveStats.failed++;
            if (this.liveStats.failed <= 3) this.log(`live ${r.spec.site.code}: ${err.message}`);
          })
          .finally(() => (r.liveBusy = false)),
      );
    }
    await Promise.all(posts);
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  // ---------------------------------------------------------------------------------------------------
  // Faults

  private scheduleFaults(): void {
    this.scheduler ??= new FaultScheduler(this.opts.seed, this.siteCodes);
    const delay = this.scheduler.delay(this.opts.faultEveryMs);
    this.faultTimer = setTimeout(() => {
      if (this.stopped) return;
      void this.triggerFault(this.scheduler!.next())
        .catch((err: Error) => this.log(`fault failed: ${err.message}`))
        .finally(() => this.scheduleFaults());
    }, delay);
    this.faultTimer.unref?.();
  }

  /** Triggers one fault now and says what to look for. */
  async triggerFault(req: FaultRequest): Promise<FaultOutcome> {
    const r = this.runs.get(req.code);
    if (!r)
      throw new Error(
        `fault ${req.kind}: ${req.code} is not one of this runner's sites (${this.siteCodes.join(', ')})`,
      );
    const now = this.now();
    const code = req.code;
    let outcome: FaultOutcome;
    switch (req.kind) {
      case 'silent': {
        const ms = req.durationMs ?? DEFAULT_SILENT_MS;
        r.silentUntil = now + ms;
        outcome = {
          request: req,
          message: `${code} goes silent for ${Math.round(ms / 60_000)} min: its tile turns stale after STALE_AFTER_S and a no-data alarm follows; the meters keep counting`,
        };
        break;
      }
      case 'overheat': {
        const zone = req.zone
          ? r.spec.zones.indexOf(req.zone)
          : Math.floor(Math.random() * r.spec.zones.length);
        if (zone < 0) throw new Error(`${code} has no zone ${req.zone} (zones: ${r.spec.zones.join(', ')})`);
        const ms = req.durationMs ?? DEFAULT_OVERHEAT_MS;
        r.overheat = { zone, from: now, until: now + ms };
        outcome = {
          request: req,
          message: `${code} zone ${r.spec.zones[zone]} overheats (inlet → ~34.5 °C) for ${Math.round(ms / 60_000)} min: a critical inlet alarm`,
        };
        break;
      }
      case 'meter-reset': {
        r.pendingResets.push('facility_energy_kwh');
        outcome = {
          request: req,
          message: `${code} facility energy meter replaced: its counter restarts from 0 at the next reading; energy and ratings stay unchanged`,
        };
        break;
      }
      case 'replay': {
        const entries = r.recent.flatMap((x) => x.entries);
        if (entries.length === 0) {
          outcome = { request: req, message: `${code} has no recent live data to replay yet` };
          break;
        }
        const results = await this.postChunks(r, entries);
        const accepted = results.reduce((s, x) => s + (x.response?.accepted ?? 0), 0);
        outcome = {
          request: req,
          message: `${code} gateway replayed ${fmt(accepted)} samples of the last ${Math.round((r.recent[r.recent.length - 1]!.ts - r.recent[0]!.ts) / 60_000)} min late, identical: nothing changes`,
          results,
        };
        break;
      }
      case 'replay-changed':
        outcome = await this.replayChanged(r, req);
        break;
      case 'malformed': {
        const zone = r.spec.zones[0]!;
        const results = [
          await this.client.ingest(
            r.token,
            JSON.stringify({ samples: malformedEntries(Math.floor(now / 1000) * 1000 - 500, zone) }),
            { maxAttempts: 3 },
          ),
          await this.client.ingest(r.token, MALFORMED_BODY, { maxAttempts: 3 }),
        ];
        const [a, b] = results;
        outcome = {
          request: req,
          message:
            `${code} gateway posted a malformed batch: ${a!.status === 200 ? `${a!.response!.accepted} accepted, ${a!.response!.rejected.length} rejected (${a!.response!.rejected.map((x) => x.reason.split(':')[0]).join('; ')})` : `answer ${a!.status}`}` +
            `, and a broken body: ${b!.status}`,
          results,
        };
        break;
      }
    }
    this.log(`fault: ${outcome.message}`);
    return outcome;
  }

  private async postChunks(r: SiteRun, entries: IngestEntry[]): Promise<IngestResult[]> {
    const out: IngestResult[] = [];
    let chunk: IngestEntry[] = [];
    let n = 0;
    for (const e of entries) {
      const k = countSamples([e]);
      if (n + k > this.opts.batchSamples && chunk.length) {
        out.push(await this.client.ingest(r.token, JSON.stringify({ samples: chunk })));
        chunk = [];
        n = 0;
      }
      chunk.push(e);
      n += k;
    }
    if (chunk.length) out.push(await this.client.ingest(r.token, JSON.stringify({ samples: chunk })));
    return out;
  }

  /**
   * The gateway re-sends the last hour of the previous year with corrected meter readings: the facility
   * reading moves halfway to the next one, the IT reading halfway back to the previous one. The counters
   * stay monotonic, but energy moves across the year boundary, so last year's PUE is revised slightly.
   */
  private async replayChanged(r: SiteRun, req: FaultRequest): Promise<FaultOutcome> {
    const tz = r.spec.site.timezone;
    const year = localYear(this.now(), tz) - 1;
    const last = fromLocal(tz, year + 1, 1, 1) - HOUR_MS;
    const code = encodeURIComponent(r.spec.site.code);
    const read = async (metric: string): Promise<(number | null)[]> => {
      const res = await this.client.request<SeriesResponse>(
        'GET',
        `/api/v1/datacenters/${code}/series?metric=${metric}&from=${last - HOUR_MS}&to=${last + 2 * HOUR_MS}&step=1h`,
      );
      const pts = res.series.find((s) => Object.keys(s.labels).length === 0)?.points ?? [];
      return [last - HOUR_MS, last, last + HOUR_MS].map((t) => {
        const p = pts.find((x) => Date.parse(x.t) === t);
        return p && p.avg !== null && p.min === p.max ? p.avg : null;
      });
    };
    const [f, i] = await Promise.all([read('facility_energy_kwh'), read('it_energy_kwh')]);
    if (f.some((v) => v === null) || i.some((v) => v === null) || f[2]! < f[1]! || i[1]! < i[0]!) {
      return {
        request: req,
        message: `${r.spec.site.code} has no hourly readings around the end of ${year} to correct`,
      };
    }
    const facility = Math.round((f[1]! + (f[2]! - f[1]!) / 2) * 10) / 10;
    const it = Math.round((i[1]! - (i[1]! - i[0]!) / 2) * 10) / 10;
    const result = await this.client.ingest(
      r.token,
      JSON.stringify({
        samples: [{ ts: last, values: { facility_energy_kwh: facility, it_energy_kwh: it } }],
      }),
    );
    return {
      request: req,
      message: `${r.spec.site.code} gateway re-sent the last hour of ${year} with corrected meter readings (answer ${result.status}): ${year}'s rating is revised`,
      results: [result],
    };
  }

  // ---------------------------------------------------------------------------------------------------

  private async pool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(size, items.length) }, async () => {
        while (next < items.length) await fn(items[next++]!);
      }),
    );
  }
}
