import { cleanDescription, isAnaphoric, segment } from '../../../src/generation/segment';

const texts = (d: string) => segment(d).map((s) => s.text);

describe('segment', () => {
  it('does not split at abbreviations, decimals or prices', () => {
    expect(texts('Ranked No. 1 in the U.S. by readers. Edited by Dr. Smith since 1990.')).toEqual([
      'Ranked No. 1 in the U.S. by readers.',
      'Edited by Dr. Smith since 1990.',
    ]);
    expect(texts('Vol. 3 is out now. It costs $4.99 per issue. Each jar holds 2.5 oz of cream.')).toEqual([
      'Vol. 3 is out now.',
      'It costs $4.99 per issue.',
      'Each jar holds 2.5 oz of cream.',
    ]);
    expect(texts('Get the best rates on U.S. Treasuries and funds. A publication for the Rocky Mt. regions.')).toEqual([
      'Get the best rates on U.S. Treasuries and funds.',
      'A publication for the Rocky Mt. regions.',
    ]);
  });

  it('keeps URLs and e-mail addresses whole and marks their sentences unusable for copy', () => {
    const s = segment('Visit www.example.com/shop for more. Write to info@example.com for help. Enjoy every issue.');
    expect(s.map((x) => x.text)).toEqual([
      'Visit www.example.com/shop for more.',
      'Write to info@example.com for help.',
      'Enjoy every issue.',
    ]);
    expect(s.map((x) => x.usable)).toEqual([false, false, true]);
  });

  it('puts back a missing space after a full stop, but not inside a domain', () => {
    expect(texts('Learn to knit and crochet.Each issue has 20 patterns.')).toEqual([
      'Learn to knit and crochet.',
      'Each issue has 20 patterns.',
    ]);
    expect(texts('Order it at Amazon.Com today.')).toEqual(['Order it at Amazon.Com today.']);
  });

  it('turns HTML, entities and bullet lists into clean sentences', () => {
    expect(texts('<p>Great for <b>kids</b>.</p><br>Fun &amp; easy to use.')).toEqual([
      'Great for kids.',
      'Fun & easy to use.',
    ]);
    const list = segment('Inside every issue: • Recipes for busy nights • Tips from chefs');
    expect(list.map((x) => x.text)).toEqual(['Inside every issue:', 'Recipes for busy nights', 'Tips from chefs']);
    expect(list.every((x) => !x.usable)).toBe(true);
    expect(cleanDescription('works ? and what doesn?t ? from drugs')).toBe('works — and what doesn’t — from drugs');
  });

  it('numbers sentences as the claims refer to them, and knows which need the one before', () => {
    const s = segment('The magazine covers fly fishing. It also reviews gear. These tips help. Anglers love it.');
    expect(s.map((x) => x.index)).toEqual([0, 1, 2, 3]);
    expect(s.map((x) => x.anaphoric)).toEqual([false, true, true, false]);
    expect(isAnaphoric('In addition, each issue has maps.')).toBe(true);
    expect(isAnaphoric('Practical Horseman also provides news.')).toBe(true);
    expect(isAnaphoric('Each issue has maps.')).toBe(false);
  });

  it('does not use questions, headings, cut-off ends or shouted lines as copy', () => {
    const s = segment(
      'Who reads Glamour? What You Can Expect: Style tips galore. GET YOUR COPY NOW TODAY. Past designers include Bowie, Gus',
    );
    expect(s.map((x) => x.usable)).toEqual([false, false, false, false]);
  });
});
