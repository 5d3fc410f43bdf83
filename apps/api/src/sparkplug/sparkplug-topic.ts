import { SPARKPLUG_ID_PATTERN } from '@dcfleet/contracts';

/** Every Sparkplug B topic starts with this namespace (`spBv1.0/<group>/<type>/<edge>[/<device>]`). */
export const SPARKPLUG_TOPIC_PREFIX = 'spBv1.0/';

export const SPARKPLUG_MESSAGE_TYPES = [
  'NBIRTH',
  'NDEATH',
  'NDATA',
  'NCMD',
  'DBIRTH',
  'DDEATH',
  'DDATA',
  'DCMD',
] as const;
export type SparkplugMessageType = (typeof SPARKPLUG_MESSAGE_TYPES)[number];

export interface SparkplugTopic {
  group: string;
  type: SparkplugMessageType;
  edge: string;
  /** null for node messages (N…). */
  device: string | null;
}

/**
 * A topic as Sparkplug B defines it: node messages have four levels, device messages five. `spBv1.0/STATE/<host>`
 * (a host application's own state, Sparkplug 3.0) is `{ state: true }`: it says nothing about an edge node.
 */
export function parseSparkplugTopic(topic: string): SparkplugTopic | { state: true } | { problem: string } {
  if (!topic.startsWith(SPARKPLUG_TOPIC_PREFIX))
    return { problem: `topic does not start with ${SPARKPLUG_TOPIC_PREFIX}` };
  const levels = topic.slice(SPARKPLUG_TOPIC_PREFIX.length).split('/');
  if (levels[0] === 'STATE') return { state: true };
  const [group, type, edge, device, ...rest] = levels;
  if (!SPARKPLUG_MESSAGE_TYPES.includes(type as SparkplugMessageType))
    return { problem: `unknown Sparkplug message type "${String(type).slice(0, 20)}"` };
  const t = type as SparkplugMessageType;
  const deviceMessage = t.startsWith('D');
  if (rest.length > 0 || (deviceMessage ? device === undefined : device !== undefined)) {
    return {
      problem: deviceMessage
        ? `${t} topic must be spBv1.0/<group>/${t}/<edge>/<device>`
        : `${t} topic must be spBv1.0/<group>/${t}/<edge>`,
    };
  }
  for (const [what, id] of [
    ['group', group],
    ['edge node', edge],
    ['device', device],
  ] as const) {
    if (id !== undefined && !SPARKPLUG_ID_PATTERN.test(id)) return { problem: `invalid ${what} id in topic` };
  }
  return { group: group!, type: t, edge: edge!, device: device ?? null };
}
