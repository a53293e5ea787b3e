import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beautySequence, convertBeautyDir } from '../../../src/ingest/converters/beauty';
import type { InteractionRecord, ItemRecord } from '../../../src/ingest/converters/format';

describe('the beauty converter', () => {
  it('turns a sequence into purchases one day apart, ending at the fixed date', () => {
    const r = beautySequence('7 3 1 2', { end: new Date('2026-11-01T00:00:00Z'), stepMs: 86_400_000 });
    expect(r).toEqual({
      ok: true,
      value: [
        { userId: 'u7', itemId: 'i3', kind: 'PURCHASE', occurredAt: '2026-10-30T00:00:00.000Z', query: null },
        { userId: 'u7', itemId: 'i1', kind: 'PURCHASE', occurredAt: '2026-10-31T00:00:00.000Z', query: null },
        { userId: 'u7', itemId: 'i2', kind: 'PURCHASE', occurredAt: '2026-11-01T00:00:00.000Z', query: null },
      ],
    });
  });

  it('converts a tiny release: items with opaque attribute tags, users, and reasons for bad lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tailor-beauty-'));
    writeFileSync(join(dir, 'Beauty_item2attributes.json'), JSON.stringify({ '2': [5, 17], '1': [17], '3': 'x' }));
    writeFileSync(join(dir, 'Beauty.txt'), '1 1 2\n2 2\n3 1 3\n4\nx 1\n');
    const items: ItemRecord[] = [];
    const interactions: InteractionRecord[] = [];
    const result = await convertBeautyDir(
      dir,
      (i) => Promise.resolve(void items.push(i)),
      (e) => Promise.resolve(void interactions.push(e)),
    );
    expect(items).toEqual([
      {
        id: 'i1',
        title: 'Beauty item 1',
        description: null,
        brand: null,
        categories: [],
        tags: ['a17'],
        price: null,
        attributes: {},
      },
      {
        id: 'i2',
        title: 'Beauty item 2',
        description: null,
        brand: null,
        categories: [],
        tags: ['a5', 'a17'],
        price: null,
        attributes: {},
      },
    ]);
    expect(interactions.map((e) => `${e.userId}:${e.itemId}`)).toEqual(['u1:i1', 'u1:i2', 'u2:i2']);
    expect(interactions[1].occurredAt > interactions[0].occurredAt).toBe(true);
    expect(result.items.toJSON().droppedByReason).toEqual({ 'attributes are not a list of integers': 1 });
    expect(result.users.toJSON()).toEqual({
      read: 5,
      written: 2,
      dropped: 3,
      droppedByReason: {
        'sequence names an item without attributes': 1,
        'a user with no items': 1,
        'ids are not integers': 1,
      },
    });
  });
});
