/**
 * Site search: which sites of those the user sees match what was typed, best first. Matches code, names (any
 * string field whose key starts with `name`, so a localised `nameZh` counts when the data has one), region, hub
 * and operator, case- and width-insensitively.
 */

/** What the search reads of a site; the fleet query's rows have it. */
export interface SearchableSite {
  code: string;
  name: string;
  region: string | null;
  hub?: string | null;
  operator: string | null;
  /** Chinese names of region, hub and operator (the hub's name list), searched like the English ones. */
  regionZh?: string | null;
  hubZh?: string | null;
  operatorZh?: string | null;
}

export type MatchField = 'code' | 'name' | 'region' | 'hub' | 'operator';

export interface SiteMatch<S extends SearchableSite> {
  site: S;
  /** The field the best-matching term was found in (shown as a hint next to the result). */
  field: MatchField;
  /** The matched text of that field (e.g. the Chinese name when that is what matched). */
  text: string;
  score: number;
}

/** Lower case, full-width forms folded (ＧＺ → gz), accents dropped, whitespace collapsed. */
export function normalize(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** The fields a site is searched by, in order of weight. */
function fieldsOf(site: SearchableSite): { field: MatchField; text: string }[] {
  const out: { field: MatchField; text: string }[] = [
    { field: 'code', text: site.code },
    { field: 'name', text: site.name },
  ];
  for (const [key, value] of Object.entries(site))
    if (key !== 'name' && /^name[A-Z_]/.test(key) && typeof value === 'string' && value)
      out.push({ field: 'name', text: value });
  for (const field of ['region', 'hub', 'operator'] as const) {
    const value = site[field];
    if (value) out.push({ field, text: value });
    const zh = site[`${field}Zh`];
    if (zh) out.push({ field, text: zh });
  }
  return out;
}

const WEIGHT: Record<MatchField, number> = { code: 0, name: 10, region: 20, hub: 25, operator: 30 };

/** How well one term matches one field's text: lower is better; null: no match. */
function termScore(term: string, field: MatchField, text: string): number | null {
  const t = normalize(text);
  const at = t.indexOf(term);
  if (at < 0) {
    // Codes are typed without their hyphens too: "gzga01" finds GZ-GA-01.
    if (field === 'code' && t.replace(/-/g, '').includes(term.replace(/-/g, ''))) return 4;
    return null;
  }
  const base = WEIGHT[field];
  if (t === term) return base;
  if (at === 0) return base + 1;
  // The start of a word (after a space, hyphen, slash or bracket); CJK text has no spaces, so any place is one.
  if (/[\s\-/(（·]/.test(t[at - 1]!) || /\p{Script=Han}/u.test(term)) return base + 2;
  return base + 5;
}

/** Sites matching every term of `query`, best first (ties by code); at most `limit`. Empty query: none. */
export function matchSites<S extends SearchableSite>(
  sites: readonly S[],
  query: string,
  limit = 8,
): SiteMatch<S>[] {
  const terms = normalize(query).split(' ').filter(Boolean);
  if (terms.length === 0) return [];
  const fields = new Map<S, { field: MatchField; text: string }[]>();
  const out: SiteMatch<S>[] = [];
  for (const site of sites) {
    let total = 0;
    let best: { field: MatchField; text: string; score: number } | null = null;
    let all = true;
    for (const term of terms) {
      let termBest: { field: MatchField; text: string; score: number } | null = null;
      const list = fields.get(site) ?? fieldsOf(site);
      fields.set(site, list);
      for (const f of list) {
        const s = termScore(term, f.field, f.text);
        if (s !== null && (termBest === null || s < termBest.score)) termBest = { ...f, score: s };
      }
      if (!termBest) {
        all = false;
        break;
      }
      total += termBest.score;
      if (!best || termBest.score < best.score) best = termBest;
    }
    if (all && best) out.push({ site, field: best.field, text: best.text, score: total });
  }
  out.sort((a, b) => a.score - b.score || a.site.code.localeCompare(b.site.code));
  return out.slice(0, limit);
}
