import {
  type InletRateParams,
  type InletTempParams,
  type MeteringParams,
  type PueParams,
} from '@dcfleet/contracts';
import { fmt, formatDuration, type RuleDef } from './alarm-model';
import { on, type Cond, type SiteState } from './alarm-state';

/** What evaluation needs from the engine: its state transitions and the conditions it keeps. */
export interface AlarmTransitions {
  raise(
    site: SiteState,
    c: Cond,
    t: number,
    value: number | null,
    threshold: number | null,
    message: string,
    details: Record<string, unknown> | null,
  ): void;
  clear(site: SiteState, c: Cond, t: number | null, value: number | null): void;
  /** Ends the condition's alarm, or takes it out of the rule's summary. */
  off(site: SiteState, c: Cond, t: number, value: number | null): void;
  cond(rule: RuleDef, siteId: number, key: string): Cond;
  effectiveRules(siteId: number): RuleDef[];
}

/**
 * Rule evaluation per kind, in event time: inlet band and rate of change, live PUE and IT-above-facility from the
 * newest facility/IT pair, counters that go backwards. Decides what should change and leaves the change (and
 * floods, writing, announcing) to the engine through AlarmTransitions.
 */
export class AlarmEvaluator {
  constructor(private readonly to: AlarmTransitions) {}

  /** An inlet reading outside its band (the caller checked the band): raises the zone's alarm. */
  inlet(site: SiteState, c: Cond, t: number, v: number, p: InletTempParams): void {
    if (t > c.lastTs) c.lastTs = t;
    const above = v > p.high;
    const where = c.key ? ` in ${c.zone !== null && c.zone === c.key ? `zone ${c.key}` : c.key}` : '';
    this.to.raise(
      site,
      c,
      t,
      v,
      above ? p.high : p.low,
      `Inlet temperature ${fmt(v)} °C${where} ${above ? 'above' : 'below'} ${fmt(above ? p.high : p.low)} °C (band ${fmt(p.low)}–${fmt(p.high)} °C)`,
      { zone: c.zone ?? null, low: p.low, high: p.high },
    );
  }

  rate(site: SiteState, c: Cond, t: number, v: number): void {
    const p = c.rule.params as InletRateParams;
    c.lastTs = t;
    const windowMs = p.windowS * 1000;
    const pts = (c.pts ??= []);
    while (pts.length && pts[0]! < t - windowMs) pts.splice(0, 2);
    let rate: number | undefined;
    if (pts.length && t - pts[0]! >= windowMs / 2) rate = ((v - pts[1]!) / (t - pts[0]!)) * 3_600_000;
    if (!pts.length || t - pts[pts.length - 2]! >= windowMs / 10) pts.push(t, v);
    if (rate === undefined) return;
    const abs = Math.abs(rate);
    if (!on(c)) {
      if (abs > p.maxCPerHour) {
        const where = c.key ? ` in ${c.zone === c.key ? `zone ${c.key}` : c.key}` : '';
        this.to.raise(
          site,
          c,
          t,
          Math.round(rate * 100) / 100,
          p.maxCPerHour,
          `Inlet temperature${where} ${rate > 0 ? 'rising' : 'falling'} ${fmt(abs)} °C/h (limit ${fmt(p.maxCPerHour)} °C/h)`,
          { zone: c.zone ?? null, valueC: v },
        );
      }
    } else if (abs <= p.maxCPerHour * (1 - p.hysteresis)) {
      this.to.off(site, c, t, Math.round(rate * 100) / 100);
    }
  }

  private pairConds(site: SiteState): Cond[] {
    if (!site.pairConds) {
      site.pairConds = this.to
        .effectiveRules(site.id)
        .filter((r) => r.kind === 'pue' || r.kind === 'metering')
        .map((r) => this.to.cond(r, site.id, r.kind === 'pue' ? '' : 'it>facility'));
    }
    return site.pairConds;
  }

  /** Live PUE and IT-vs-facility, once per batch, from the newest facility/IT pair measured close together. */
  pair(site: SiteState): void {
    const f = site.fac;
    const i = site.it;
    if (!f || !i) return;
    const t = Math.max(f.ts, i.ts);
    const skew = Math.abs(f.ts - i.ts);
    for (const c of this.pairConds(site)) {
      const p = c.rule.params as PueParams | MeteringParams;
      if (skew > p.maxSkewS * 1000 || t < c.lastTs) continue;
      const gap = c.lastTs === -Infinity ? 0 : t - c.lastTs;
      c.lastTs = t;
      if (c.rule.kind === 'pue') this.pue(site, c, f.v, i.v, t, gap);
      else this.itAboveFacility(site, c, f.v, i.v, t);
    }
  }

  private pue(site: SiteState, c: Cond, fac: number, it: number, t: number, gap: number): void {
    if (!(it > 0)) return;
    const p = c.rule.params as PueParams;
    const pue = fac / it;
    if (pue > p.threshold) {
      if (c.aboveSince == null || gap > p.maxGapS * 1000) c.aboveSince = t;
      if (!c.alarm && t - c.aboveSince >= p.sustainS * 1000) {
        this.to.raise(
          site,
          c,
          t,
          Math.round(pue * 1000) / 1000,
          p.threshold,
          `Live PUE ${fmt(pue)} above ${fmt(p.threshold)} for ${formatDuration(t - c.aboveSince)} (facility ${fmt(fac)} kW, IT ${fmt(it)} kW)`,
          { facilityKw: fac, itKw: it, since: new Date(c.aboveSince).toISOString() },
        );
      }
    } else {
      c.aboveSince = null;
      if (c.alarm && pue <= p.threshold - p.hysteresis)
        this.to.clear(site, c, t, Math.round(pue * 1000) / 1000);
    }
  }

  private itAboveFacility(site: SiteState, c: Cond, fac: number, it: number, t: number): void {
    const p = c.rule.params as MeteringParams;
    if (!c.alarm) {
      if (it > fac * (1 + p.tolerance)) {
        this.to.raise(
          site,
          c,
          t,
          it,
          fac,
          `Metering inconsistent: IT power ${fmt(it)} kW above facility power ${fmt(fac)} kW`,
          {
            facilityKw: fac,
            itKw: it,
          },
        );
      }
    } else if (it <= fac) {
      this.to.clear(site, c, t, it);
    }
  }

  counter(site: SiteState, c: Cond, metric: string, t: number, v: number): void {
    if (t <= c.lastTs) return;
    const prevTs = c.lastTs;
    const prevV = c.lastV;
    c.lastTs = t;
    c.lastV = v;
    if (prevV !== undefined && v < prevV) {
      // Decided after the batch, when any reset marker of the same batch is known.
      site.drops.push({ cond: c, metric, t, v, prevTs, prevV });
      return;
    }
    if (on(c)) {
      const p = c.rule.params as MeteringParams;
      if (c.okSince === undefined) c.okSince = t;
      else if (t - c.okSince >= p.clearAfterS * 1000) this.to.off(site, c, t, v);
    }
  }

  resolveDrops(site: SiteState): void {
    const drops = site.drops;
    site.drops = [];
    for (const d of drops) {
      const p = d.cond.rule.params as MeteringParams;
      const marked = (site.markers.get(d.metric) ?? []).some((m) => m > d.prevTs && m <= d.t);
      if (marked || d.v <= d.prevV * p.resetFraction) continue; // a reset: the meter restarted near zero, or said so
      d.cond.okSince = d.t;
      if (on(d.cond)) continue;
      const name = d.cond.key.slice('counter:'.length);
      this.to.raise(
        site,
        d.cond,
        d.t,
        d.v,
        d.prevV,
        `Metering inconsistent: counter ${name} went backwards from ${fmt(d.prevV)} to ${fmt(d.v)} without a reset marker`,
        { counter: name, previous: d.prevV, previousTs: new Date(d.prevTs).toISOString(), current: d.v },
      );
    }
  }
}
