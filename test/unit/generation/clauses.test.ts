import { variants } from '../../../src/generation/clauses';

const rendered = (s: string) =>
  variants(s).map((v) => ({ kind: v.kind, text: v.pieces.map((p) => p.text).join(''), words: v.words }));

describe('sentence forms', () => {
  it('shortens a trailing list to fewer items, joined with "and" (a connecting piece, not a claim)', () => {
    const forms = variants('Serves the field with news, features, columns, editorials, and special issues.');
    const list = forms.filter((v) => v.kind === 'list').map((v) => v.pieces);
    expect(list).toContainEqual([
      { text: 'Serves the field with news, features', own: true },
      { text: ' and ', own: false },
      { text: 'columns', own: true },
      { text: '.', own: false },
    ]);
  });

  it('cuts before a trailing modifier or a second clause, and drops asides', () => {
    const texts = rendered(
      'Seventeen covers fashion and beauty (for teens), including health, food, careers, sports and music.',
    ).map((r) => r.text);
    expect(texts).toContain('Seventeen covers fashion and beauty.');
    expect(texts).toContain('Seventeen covers fashion and beauty, including health, food, careers, sports and music.');
    expect(rendered('The magazine includes gear reviews; travel stories; humor pieces.').map((r) => r.text)).toEqual([
      'The magazine includes gear reviews; travel stories; humor pieces.',
      'The magazine includes gear reviews; travel stories.',
      'The magazine includes gear reviews.',
    ]);
  });

  it('never cuts a sentence that opens with a fronted phrase, whose main clause may come after the cut', () => {
    expect(
      rendered('From tasty recipes to the best destinations, from handy tools, Food & Wine brings you articles.').map(
        (r) => r.kind,
      ),
    ).toEqual(['full']);
  });

  it('lists the forms longest first, each at least four words', () => {
    const words = rendered('Glamour is the magazine for every woman, with tips, news, fashion and beauty.').map(
      (r) => r.words,
    );
    expect(words).toEqual([...words].sort((a, b) => b - a));
    expect(Math.min(...words)).toBeGreaterThanOrEqual(4);
  });
});
