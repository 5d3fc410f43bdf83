/**
 * The messages loaded so far, by language and part. The catalog is cut into parts: `core` (the shell, fleet, site,
 * alarms, search, kiosk), loaded before the first render, and the parts of pages few users open (`admin`,
 * `ratings`), each loaded with its page: the page's module awaits `loadMessages(part)` at its top, so the router,
 * which loads a page's chunk before it renders the route, renders it with its messages. A language switch loads
 * every part needed so far in the new language before the switch shows.
 */
import type { Language, Messages } from './i18n';

export type PartLoader = () => Promise<Partial<Messages>>;
/** Each language's parts; `core` is the one every screen needs. */
export type CatalogLoaders = Record<Language, { core: PartLoader } & Partial<Record<string, PartLoader>>>;

export class MessageStore {
  private loaders: CatalogLoaders | undefined;
  private readonly needed = new Set<string>(['core']);
  private readonly parts = new Map<string, Partial<Messages>>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly merged = new Map<Language, Messages>();
  /** The languages kept complete: the one shown, and one being switched to. */
  private readonly inUse = new Set<Language>();
  private readonly listeners = new Set<() => void>();

  configure(loaders: CatalogLoaders): void {
    this.loaders = loaders;
  }

  /** Loads every part needed so far in `language`, and keeps loading the parts pages add while it is in use. */
  use(language: Language): Promise<void> {
    this.inUse.add(language);
    return Promise.all([...this.needed].map((part) => this.load(language, part))).then(() => undefined);
  }

  /** `language` is no longer shown: new parts are not loaded for it. */
  release(language: Language): void {
    this.inUse.delete(language);
  }

  /** A page's part, loaded in every language in use (and in any the user switches to later). */
  need(part: string): Promise<void> {
    this.needed.add(part);
    return Promise.all([...this.inUse].map((language) => this.load(language, part))).then(() => undefined);
  }

  /** The messages of `language` loaded so far: undefined until its core part is here; stable until a part arrives. */
  messages(language: Language): Messages | undefined {
    if (!this.parts.has(key(language, 'core'))) return undefined;
    let messages = this.merged.get(language);
    if (!messages) {
      messages = {} as Messages;
      for (const [k, part] of this.parts) if (k.startsWith(`${language} `)) Object.assign(messages, part);
      this.merged.set(language, messages);
    }
    return messages;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private load(language: Language, part: string): Promise<void> {
    const k = key(language, part);
    if (this.parts.has(k)) return Promise.resolve();
    let pending = this.inFlight.get(k);
    if (!pending) {
      const loader = this.loaders?.[language][part];
      if (!loader) return Promise.reject(new Error(`no messages part '${part}' in ${language}`));
      // A failed load is forgotten, so the next need (a reload of the page, a language switch) tries again.
      pending = loader()
        .then((messages) => {
          this.parts.set(k, messages);
          this.merged.delete(language);
          for (const listener of this.listeners) listener();
        })
        .finally(() => this.inFlight.delete(k));
      this.inFlight.set(k, pending);
    }
    return pending;
  }
}

function key(language: Language, part: string): string {
  return `${language} ${part}`;
}

/** The app's store: the provider configures it with the catalog and reads it; pages load their parts into it. */
export const messageStore = new MessageStore();

/** For a page's module, at its top: `await loadMessages('ratings')`. */
export function loadMessages(part: string): Promise<void> {
  return messageStore.need(part);
}
