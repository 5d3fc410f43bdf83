import { describe, expect, it } from 'vitest';
import type { Messages } from './i18n';
import { MessageStore, type CatalogLoaders } from './message-store';

/** A catalog whose loads are counted and can be made to fail. */
function catalog() {
  const loads: string[] = [];
  let failing = new Set<string>();
  const part = (language: string, name: string, messages: Record<string, string>) => () => {
    loads.push(`${language} ${name}`);
    return failing.has(`${language} ${name}`)
      ? Promise.reject(new Error('chunk gone'))
      : Promise.resolve(messages as Partial<Messages>);
  };
  const loaders: CatalogLoaders = {
    en: { core: part('en', 'core', { a: 'A' }), ratings: part('en', 'ratings', { r: 'R' }) },
    'zh-CN': { core: part('zh-CN', 'core', { a: '甲' }), ratings: part('zh-CN', 'ratings', { r: '乙' }) },
  };
  return { loaders, loads, fail: (keys: string[]) => (failing = new Set(keys)) };
}

describe('MessageStore', () => {
  it('has no messages until the core part of the language is here, then loads it once', async () => {
    const { loaders, loads } = catalog();
    const store = new MessageStore();
    store.configure(loaders);
    expect(store.messages('en')).toBeUndefined();
    await Promise.all([store.use('en'), store.use('en')]);
    expect(store.messages('en')).toEqual({ a: 'A' });
    expect(loads).toEqual(['en core']);
    expect(store.messages('zh-CN')).toBeUndefined();
  });

  it("loads a page's part in the language in use, and tells the provider", async () => {
    const { loaders, loads } = catalog();
    const store = new MessageStore();
    store.configure(loaders);
    await store.use('en');
    const before = store.messages('en');
    let notified = 0;
    const unsubscribe = store.subscribe(() => notified++);
    await store.need('ratings');
    expect(store.messages('en')).toEqual({ a: 'A', r: 'R' });
    expect(store.messages('en')).not.toBe(before);
    expect(store.messages('en')).toBe(store.messages('en'));
    expect(notified).toBe(1);
    expect(loads).toEqual(['en core', 'en ratings']);
    unsubscribe();
  });

  it('a language switched to later loads every part needed so far; a released one loads no more', async () => {
    const { loaders, loads } = catalog();
    const store = new MessageStore();
    store.configure(loaders);
    await store.use('en');
    await store.need('ratings');
    await store.use('zh-CN');
    store.release('en');
    expect(store.messages('zh-CN')).toEqual({ a: '甲', r: '乙' });
    expect(loads).toEqual(['en core', 'en ratings', 'zh-CN core', 'zh-CN ratings']);
  });

  it('a part needed before any language is in use loads with the first one', async () => {
    const { loaders } = catalog();
    const store = new MessageStore();
    store.configure(loaders);
    await store.need('ratings');
    await store.use('zh-CN');
    expect(store.messages('zh-CN')).toEqual({ a: '甲', r: '乙' });
  });

  it('a failed load is reported and tried again the next time', async () => {
    const { loaders, loads, fail } = catalog();
    const store = new MessageStore();
    store.configure(loaders);
    await store.use('en');
    fail(['en ratings']);
    await expect(store.need('ratings')).rejects.toThrow('chunk gone');
    fail([]);
    await store.need('ratings');
    expect(store.messages('en')).toEqual({ a: 'A', r: 'R' });
    expect(loads.filter((l) => l === 'en ratings')).toHaveLength(2);
  });

  it('refuses a part the catalog does not have', async () => {
    const { loaders } = catalog();
    const store = new MessageStore();
    store.configure(loaders);
    await store.use('en');
    await expect(store.need('nope')).rejects.toThrow("no messages part 'nope' in en");
  });
});
