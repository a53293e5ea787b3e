import { cleanRealTitle, displayTitle, titleFromDescription } from '../../../src/ingest/converters/title';

const BROKEN = '<span class="a-size-medium a-color-secondary"';
const title = (rawDescription: string, brand: string | null = 'Some Publisher Inc', rawTitle = BROKEN) =>
  displayTitle({ id: 'B000TEST01', rawTitle, rawDescription, brand }).title;

describe('display titles from real catalogue lines', () => {
  it.each([
    // The name opening the description, all-caps read as a name, acronyms kept.
    ['REASON is edited for people interested in economic, social, and international issues.', 'Reason'],
    ['Nintendo Power is the official source for Nintendo fans of all ages', 'Nintendo Power'],
    ['OWL is loaded with fascinating articles and amazing facts for 9 to 13 yr olds.', 'OWL'],
    ["Harper's BAZAAR, the fashion authority, brings you the latest new looks", "Harper's Bazaar"],
    ['Car and Driver is for the auto enthusiasts and in-market car buyers', 'Car and Driver'],
    ['Town & Country features the latest in luxury, from beautiful homes', 'Town & Country'],
    ['Tricycle: The Buddhist Review is an international quarterly that brings Buddhist perspectives', 'Tricycle: The Buddhist Review'],
    // "X magazine is": the lower-case noun is not part of the name.
    ['Knit Simple magazine contains patterns for house and home', 'Knit Simple'],
    // The name later in the opening sentences.
    ['Devoted exclusively to airgun shooting, Airgunner features in-depth tests on all the latest air pistols', 'Airgunner'],
    ['Every issue of Shooting Times brings you exciting, authoritative coverage of guns', 'Shooting Times'],
    ["Revolver, the World's Loudest Rock Magazine, has been providing the latest in hard-rock", 'Revolver'],
    ['The nation s top collector car trade publication. Classic Car Round-Up is the premier flagship magazine', 'Classic Car Round-Up'],
    ['Popular Mechanics is for people who have a passion to know how things work.', 'Popular Mechanics'],
    ['American History Presents the history of America to a spectrum of general-interest readers.', 'American History'],
    // Marked with emphasis by the editors.
    ['<I>Motorcycle Classics</I> is dedicated to the greatest motorcycles of all time', 'Motorcycle Classics'],
  ])('%s -> %s', (description, expected) => expect(title(description)).toBe(expected));

  it('does not take a description of the magazine for its name', () => {
    expect(title('Bi-monthly French magazine is dedicated to the history of World War 1.', 'Groupe Presse Michel Hommell')).toBe('Groupe Presse Michel Hommell');
    expect(title('Presents articles on American poetry.', 'Poetry Press')).toBe('Poetry Press');
    expect(title('Top-notch stories written by the world\'s leading crime and mystery writers.', 'Dell Magazines')).toBe('Dell Magazines');
    expect(title('Focuses on personal stories of native American individuals. Intentions are to inform.', 'Native Press')).toBe('Native Press');
  });

  it('skips a quoted column name and a noun after an article', () => {
    expect(titleFromDescription('Provides timely reports. "Coin Clinic" is a very popular weekly column.')).toBeNull();
    expect(titleFromDescription('Across the nation, the South sets itself apart with cuisine.')).toBeNull();
  });

  it('falls back to the publisher, then to the id', () => {
    expect(title('', 'Widescreen Review')).toBe('Widescreen Review');
    expect(title('The Essential Home Theatre Resource! Each issue includes content', 'Widescreen Review')).toBe('Widescreen Review');
    expect(displayTitle({ id: 'B000TEST01', rawTitle: BROKEN, rawDescription: '', brand: null }).title).toBe('Magazine B000TEST01');
  });

  it('prefers a real scraped title, decoded, without the subscription term', () => {
    expect(title('anything', null, 'Disney &amp; Me')).toBe('Disney & Me');
    expect(cleanRealTitle('Fortune (1-year)')).toEqual({ title: 'Fortune', term: '1-year' });
    expect(cleanRealTitle(' Magazines" />')).toBeNull();
    expect(cleanRealTitle(BROKEN)).toBeNull();
  });
});
