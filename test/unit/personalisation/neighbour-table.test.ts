import { NeighbourTable } from '../../../src/personalisation/neighbour-table';

describe('NeighbourTable', () => {
  it('normalises by both user counts: w(a -> b) / sqrt(users(a) * users(b))', () => {
    const t = new NeighbourTable();
    t.set([
      { itemId: 'a', users: 4, neighbours: ['b', 'c'], weights: [3, 1.5] },
      { itemId: 'b', users: 9, neighbours: [], weights: [] },
      { itemId: 'c', users: 1, neighbours: ['a'], weights: [0.5] },
    ]);
    expect(t.neighbours('a')).toEqual([
      { itemId: 'b', sim: 3 / 6 },
      { itemId: 'c', sim: 1.5 / 2 },
    ]);
    expect(t.neighbours('a', 1)).toEqual([{ itemId: 'b', sim: 0.5 }]);
    expect(t.neighbours('unknown')).toEqual([]);
    expect(t.pairs).toBe(3);
  });

  it("replaces an item's list and count, and a user count change moves every sim that points at it", () => {
    const t = new NeighbourTable();
    t.set([
      { itemId: 'a', users: 1, neighbours: ['b'], weights: [1] },
      { itemId: 'b', users: 1, neighbours: [], weights: [] },
    ]);
    t.set([{ itemId: 'b', users: 4, neighbours: ['a'], weights: [0.5] }]);
    expect(t.neighbours('a')).toEqual([{ itemId: 'b', sim: 0.5 }]);
    expect(t.neighbours('b')).toEqual([{ itemId: 'a', sim: 0.25 }]);
    t.clear();
    expect(t.neighbours('a')).toEqual([]);
    expect(t.usersOf('b')).toBe(0);
  });
});
