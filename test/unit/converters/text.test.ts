import { cleanText, decodeEntities, parsePrice, stripHtml } from '../../../src/ingest/converters/text';

describe('stripHtml', () => {
  it('removes tags and keeps their text', () => {
    expect(stripHtml('<I>Motorcycle Classics</I> is dedicated')).toBe('Motorcycle Classics is dedicated');
  });
  it('keeps words apart across block tags', () => {
    expect(cleanText('one<br>two<p>three</p>')).toBe('one two three');
  });
  it('drops script and style bodies, as the scraped price field holds CSS and scripts', () => {
    expect(cleanText('\n\n\n<script type="text/javascript">var x = 1;</script> $5')).toBe('$5');
    expect(cleanText('<style>.a-box-inner{background-color:#fff;}</style>')).toBe('');
  });
  it('removes the broken span that is most scraped titles', () => {
    expect(cleanText('<span class="a-size-medium a-color-secondary"')).toBe('');
  });
  it('keeps a lone "<" that opens no tag', () => {
    expect(cleanText('for ages < 12')).toBe('for ages < 12');
  });
});

describe('decodeEntities', () => {
  it('decodes named and numeric entities', () => {
    expect(decodeEntities('Arts, Music &amp; Photography')).toBe('Arts, Music & Photography');
    expect(decodeEntities('Woman&#39;s Day')).toBe("Woman's Day");
  });
  it('decodes double-encoded text', () => {
    expect(decodeEntities('Q&amp;amp;A')).toBe('Q&A');
  });
  it('decodes after stripping, so escaped markup stays text', () => {
    expect(cleanText('a &lt;b&gt; tag')).toBe('a <b> tag');
  });
});

describe('parsePrice', () => {
  it.each([
    ['$12.99', 12.99],
    ['12.99', 12.99],
    ['$1,299.00', 1299],
    ['$10.00 - $20.00', 10],
    [' $5 ', 5],
  ])('%s -> %s', (raw, expected) => expect(parsePrice(raw)).toBe(expected));
  it.each(['', 'Free', '.a-box-inner{background-color:#fff;}', '$', '12.99.1', null, undefined, -1])(
    '%s -> null',
    (raw) => {
      expect(parsePrice(raw)).toBeNull();
    },
  );
});
