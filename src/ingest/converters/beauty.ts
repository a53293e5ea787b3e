/**
 * Converts the S3-Rec "Beauty" release (user sequences without times, items with opaque
 * attribute ids) into tailor items and PURCHASE interactions with synthetic, ordered times.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InteractionRecord, ItemRecord } from './format';
import { Tally } from './format';
import { readLines } from '../lines';

/**
 * Times: each user's last item is at `end`, the one before a `stepMs` earlier, and so on, so
 * all users end together and order within a user (all the leave-one-out protocol uses) is
 * kept. Order across users means nothing in this release, and the times do not pretend it does.
 */
export interface BeautyTimes {
  end: Date;
  stepMs: number;
}

export const DEFAULT_BEAUTY_TIMES: BeautyTimes = {
  end: new Date('2026-11-01T00:00:00.000Z'),
  stepMs: 24 * 60 * 60 * 1000,
};

export const beautyItemId = (n: string | number) => `i${n}`;
export const beautyUserId = (n: string | number) => `u${n}`;
export const beautyTag = (attribute: string | number) => `a${attribute}`;

/** Items from `{"item": [attribute, ...]}`; a value that is not a list of integers is dropped with a reason. */
export function beautyItems(attributes: unknown, tally: Tally = new Tally()): ItemRecord[] {
  if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) {
    tally.drop('attribute file is not a JSON object');
    return [];
  }
  const items: ItemRecord[] = [];
  const entries = Object.entries(attributes as Record<string, unknown>).sort((a, b) => Number(a[0]) - Number(b[0]));
  for (const [id, attrs] of entries) {
    tally.read++;
    if (!/^\d+$/.test(id)) {
      tally.drop('item id is not an integer');
      continue;
    }
    if (!Array.isArray(attrs) || !attrs.every((a) => Number.isInteger(a))) {
      tally.drop('attributes are not a list of integers');
      continue;
    }
    items.push({
      id: beautyItemId(id),
      title: `Beauty item ${id}`,
      description: null,
      brand: null,
      categories: [],
      // "a17", not "17": the names are not released, and a bare number would read as a quantity.
      tags: [...new Set(attrs.map(beautyTag))],
      price: null,
      attributes: {},
    });
    tally.written++;
  }
  return items;
}

/** One `user item item ...` line as time-ordered purchases, or a reason. */
export function beautySequence(
  text: string,
  times: BeautyTimes = DEFAULT_BEAUTY_TIMES,
): { ok: true; value: InteractionRecord[] } | { ok: false; reason: string } {
  const parts = text.trim().split(/\s+/);
  if (parts.length < 2) return { ok: false, reason: 'a user with no items' };
  if (!parts.every((p) => /^\d+$/.test(p))) return { ok: false, reason: 'ids are not integers' };
  const [user, ...sequence] = parts;
  const last = sequence.length - 1;
  return {
    ok: true,
    value: sequence.map((item, k) => ({
      userId: beautyUserId(user),
      itemId: beautyItemId(item),
      kind: 'PURCHASE' as const,
      occurredAt: new Date(times.end.getTime() - (last - k) * times.stepMs).toISOString(),
      query: null,
    })),
  };
}

export interface BeautyConversion {
  items: Tally;
  users: Tally;
  interactions: number;
}

/**
 * `dir` holds Beauty.txt and Beauty_item2attributes.json. The attribute file is one JSON
 * object (0.3 MB), so it is parsed whole; the sequences stream line by line.
 */
export async function convertBeautyDir(
  dir: string,
  writeItem: (item: ItemRecord) => Promise<void>,
  writeInteraction: (interaction: InteractionRecord) => Promise<void>,
  times: BeautyTimes = DEFAULT_BEAUTY_TIMES,
): Promise<BeautyConversion> {
  const items = new Tally();
  let attributes: unknown;
  try {
    attributes = JSON.parse(readFileSync(join(dir, 'Beauty_item2attributes.json'), 'utf8'));
  } catch {
    items.drop('Beauty_item2attributes.json is missing or not JSON');
  }
  const catalogue = beautyItems(attributes, items);
  const known = new Set(catalogue.map((i) => i.id));
  for (const item of catalogue) await writeItem(item);

  const users = new Tally();
  let interactions = 0;
  for await (const line of readLines(join(dir, 'Beauty.txt'))) {
    users.read++;
    const parsed = beautySequence(line.text, times);
    if (!parsed.ok) {
      users.drop(parsed.reason);
      continue;
    }
    if (!parsed.value.every((e) => known.has(e.itemId!))) {
      users.drop('sequence names an item without attributes');
      continue;
    }
    for (const e of parsed.value) await writeInteraction(e);
    interactions += parsed.value.length;
    users.written++;
  }
  return { items, users, interactions };
}
