import { parseInteraction as parseAt, parseItem } from '../../../src/ingest/validate';
import { EARLIEST_TIMESTAMPTZ_MS, FUTURE_SKEW_MS } from '../../../src/domain/storable';

/** A pinned "now": the rules are pure functions of it, whatever day the test runs. */
const NOW = Date.parse('2026-12-04T12:00:00Z');
const parseInteraction = (raw: unknown) => parseAt(raw, NOW);
const reasonOf = (parsed: { ok: boolean; reason?: string }) => (parsed.ok ? 'ok' : parsed.reason);
const LONE = 'is not well-formed Unicode (an unpaired UTF-16 surrogate)';

describe('import line validation', () => {
  const goodItem = {
    id: 'i1',
    title: 'A title',
    description: 'Words.',
    brand: 'B',
    categories: ['c'],
    tags: ['t'],
    price: 3,
    attributes: { colour: 'red' },
  };
  const goodEvent = { userId: 'u1', itemId: 'i1', kind: 'VIEW', occurredAt: '2026-10-01T00:00:00Z' };

  it('names the item field that holds an unpaired surrogate, at any depth and in keys', () => {
    expect(reasonOf(parseItem(goodItem))).toBe('ok');
    expect(reasonOf(parseItem({ ...goodItem, id: 'i\ud800' }))).toBe(`id: ${LONE}`);
    expect(reasonOf(parseItem({ ...goodItem, title: 'bad \ud800 title' }))).toBe(`title: ${LONE}`);
    expect(reasonOf(parseItem({ ...goodItem, description: '\udc00' }))).toBe(`description: ${LONE}`);
    expect(reasonOf(parseItem({ ...goodItem, brand: 'x\udbff' }))).toBe(`brand: ${LONE}`);
    expect(reasonOf(parseItem({ ...goodItem, categories: ['ok', 'b\ud83d'] }))).toBe(`categories.1: ${LONE}`);
    expect(reasonOf(parseItem({ ...goodItem, tags: ['\ude00x'] }))).toBe(`tags.0: ${LONE}`);
    expect(reasonOf(parseItem({ ...goodItem, attributes: { size: { note: 'n\ud800' } } }))).toBe(
      `attributes.size.note: ${LONE}`,
    );
    expect(reasonOf(parseItem({ ...goodItem, attributes: { '\ud800k': 'v' } }))).toBe(
      `attributes: key "\\ud800k" ${LONE}`,
    );
  });

  it('keeps characters outside the BMP (a surrogate pair is well-formed) and the text "\\u0000"', () => {
    const parsed = parseItem({ ...goodItem, title: 'Lipstick 💄', description: 'escape it as \\u0000' });
    expect(parsed).toMatchObject({ ok: true, value: { title: 'Lipstick 💄', description: 'escape it as \\u0000' } });
  });

  it('still refuses NUL characters, naming the field', () => {
    expect(reasonOf(parseItem({ ...goodItem, brand: 'a\u0000b' }))).toBe('brand: contains a NUL character');
    expect(reasonOf(parseInteraction({ ...goodEvent, query: '\u0000', kind: 'SEARCH', itemId: null }))).toBe(
      'query: contains a NUL character',
    );
  });

  it('refuses a price Postgres would round past numeric(12, 2)', () => {
    expect(reasonOf(parseItem({ ...goodItem, price: 9_999_999_999.99 }))).toBe('ok');
    expect(reasonOf(parseItem({ ...goodItem, price: '$9999999999.994' }))).toBe('ok');
    expect(reasonOf(parseItem({ ...goodItem, price: 9_999_999_999.995 }))).toMatch(/^price: /);
    expect(reasonOf(parseItem({ ...goodItem, price: '9999999999.999' }))).toMatch(/^price: /);
  });

  it('names the interaction field that holds an unpaired surrogate', () => {
    expect(reasonOf(parseInteraction(goodEvent))).toBe('ok');
    expect(reasonOf(parseInteraction({ ...goodEvent, userId: 'u\udfff' }))).toBe(`userId: ${LONE}`);
    expect(reasonOf(parseInteraction({ ...goodEvent, itemId: '\ud800' }))).toBe(`itemId: ${LONE}`);
    expect(reasonOf(parseInteraction({ ...goodEvent, kind: 'VIEW\ud800' }))).toBe(`kind: ${LONE}`);
    expect(reasonOf(parseInteraction({ ...goodEvent, kind: 'SEARCH', itemId: null, query: 'q \ud800' }))).toBe(
      `query: ${LONE}`,
    );
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: '2026\ud800' }))).toBe(`occurredAt: ${LONE}`);
  });

  it("refuses times before timestamptz's range, and keeps its first instant", () => {
    expect(new Date(EARLIEST_TIMESTAMPTZ_MS).toISOString()).toBe('-004713-11-24T00:00:00.000Z');
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: '-004713-11-24T00:00:00Z' }))).toBe('ok');
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: EARLIEST_TIMESTAMPTZ_MS - 1 }))).toMatch(
      /^occurredAt: before 4714-11-24 BC/,
    );
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: -8_640_000_000_000_000 }))).toMatch(
      /^occurredAt: before 4714-11-24 BC/,
    );
    // Beyond JavaScript's dates altogether: not a time at all.
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: '+300000-01-01T00:00:00Z' }))).toBe(
      'occurredAt: not a valid time',
    );
  });

  it("applies the API's future rule with its tolerance", () => {
    const soon = NOW + FUTURE_SKEW_MS - 30_000;
    const later = NOW + FUTURE_SKEW_MS + 30_000;
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: new Date(soon).toISOString() }))).toBe('ok');
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: new Date(later).toISOString() }))).toMatch(
      /^occurredAt: in the future \(more than 5 minutes ahead/,
    );
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: '2999-01-01T00:00:00Z' }))).toMatch(
      /^occurredAt: in the future/,
    );
    expect(reasonOf(parseInteraction({ ...goodEvent, occurredAt: 8_640_000_000_000_000 }))).toMatch(
      /^occurredAt: in the future/,
    );
  });
});
