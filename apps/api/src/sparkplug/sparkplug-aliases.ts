/**
 * Metric aliases per edge node and per device, from their last birth certificate (NBIRTH, DBIRTH): a DATA message
 * may name a metric by alias alone. In memory on each instance, so until an edge node's next birth after a restart
 * (or on an instance that did not see it) alias-only metrics cannot be resolved and are refused with that reason.
 */
export class SparkplugAliases {
  /** `group/edge` or `group/edge/device` (ids never hold `/`) → alias → metric name. */
  private readonly tables = new Map<string, Map<string, string>>();

  static keyOf(group: string, edge: string, device: string | null): string {
    return device === null ? `${group}/${edge}` : `${group}/${edge}/${device}`;
  }

  /**
   * A birth replaces the table of its edge node or device. A node's birth starts a new session for its devices
   * too, whose aliases no longer hold until they are born again.
   */
  birth(group: string, edge: string, device: string | null, metrics: readonly AliasDefinition[]): void {
    const key = SparkplugAliases.keyOf(group, edge, device);
    if (device === null) {
      for (const k of [...this.tables.keys()]) if (k.startsWith(`${key}/`)) this.tables.delete(k);
    }
    const table = new Map<string, string>();
    for (const m of metrics) if (m.alias !== null && m.name !== null) table.set(m.alias, m.name);
    this.tables.set(key, table);
  }

  /** The name an alias stands for, or why there is none: no birth of this edge node or device seen, or not in it. */
  resolve(
    group: string,
    edge: string,
    device: string | null,
    alias: string,
  ): { name: string } | { missing: 'unborn' | 'unknown' } {
    const table = this.tables.get(SparkplugAliases.keyOf(group, edge, device));
    if (!table) return { missing: 'unborn' };
    const name = table.get(alias);
    return name === undefined ? { missing: 'unknown' } : { name };
  }
}

export interface AliasDefinition {
  name: string | null;
  alias: string | null;
}
