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
    [
      'Tricycle: The Buddhist Review is an international quarterly that brings Buddhist perspectives',
      'Tricycle: The Buddhist Review',
    ],
    // "X magazine is": the lower-case noun is not part of the name.
    ['Knit Simple magazine contains patterns for house and home', 'Knit Simple'],
    // The name later in the opening sentences.
    [
      'Devoted exclusively to airgun shooting, Airgunner features in-depth tests on all the latest air pistols',
      'Airgunner',
    ],
    ['Every issue of Shooting Times brings you exciting, authoritative coverage of guns', 'Shooting Times'],
    ["Revolver, the World's Loudest Rock Magazine, has been providing the latest in hard-rock", 'Revolver'],
    [
      'The nation s top collector car trade publication. Classic Car Round-Up is the premier flagship magazine',
      'Classic Car Round-Up',
    ],
    ['Popular Mechanics is for people who have a passion to know how things work.', 'Popular Mechanics'],
    ['American History Presents the history of America to a spectrum of general-interest readers.', 'American History'],
    // Marked with emphasis by the editors.
    ['<I>Motorcycle Classics</I> is dedicated to the greatest motorcycles of all time', 'Motorcycle Classics'],
  ])('%s -> %s', (description, expected) => expect(title(description)).toBe(expected));

  // Openings the first rules missed (the publisher was shown instead), from meta_Magazine_Subscriptions.json.gz.
  it.each([
    // "X magazine" with the sentence going on past the noun, or one descriptive word before it.
    [
      'Good Housekeeping magazine, together with the Good Housekeeping Institute and the Good Housekeeping Seal, is an American icon of consumer protection',
      'Good Housekeeping',
    ],
    [
      'What does family fun mean to you? Crafts? Recipes? Party ideas? Travel tips? FamilyFun magazine dishes up these and more boredom-defying activities',
      'FamilyFun',
    ],
    [
      'Martha Stewart Living lifestyle magazine for women is one of the go-to sources for everything food, home decorating',
      'Martha Stewart Living',
    ],
    ["HOW magazine's goal is to help designers, whether they work for a design firm", 'HOW'],
    // An appositive or an aside between the name and its verb.
    [
      "Cycle World, America's largest motorcycle media brand, is the leading resource for in-depth, quality information",
      'Cycle World',
    ],
    [
      "For forty years, Living Blues, America's first blues magazine, has provided fans with insightful, in-depth stories",
      'Living Blues',
    ],
    ["Whisky Advocate (formerly Malt Advocate) is America's leading whisky publication.", 'Whisky Advocate'],
    ['Award-winning Jack and Jill (ages 6-10) keeps kids entertained with engaging stories', 'Jack and Jill'],
    [
      'Popular Mechanics directly aligns with the mindset of the contemporary man whose everyday life involves technology',
      'Popular Mechanics',
    ],
    [
      'As it has for more than 25 years, Cleveland Magazine discovers the very best Cleveland and Northeast Ohio have to offer',
      'Cleveland Magazine',
    ],
    [
      'Subtitled ""Solutions for Sustainable Living,"" Permaculture Magazine offers advice and practical guidance on organic gardening',
      'Permaculture Magazine',
    ],
    // Possessives.
    ["Creative Knitting's primary goal is to bring knitters a variety of fun-to-knit projects", 'Creative Knitting'],
    ["Predator Xtreme's target audience consists of predator and varmint hunters", 'Predator Xtreme'],
    // "!" inside a name, camel case, abbreviations.
    [
      'Packed with sizzling exclusives, original photographs, and the hottest "A-List" stars, OK! delivers the inside scoop about celebrities',
      'OK!',
    ],
    ['Knitting Today! features all the fresh and stylish patterns knitters want', 'Knitting Today!'],
    [
      'YES! Magazine, a national nonprofit media organization, reframes the biggest problems of our time',
      'YES! Magazine',
    ],
    ['Aimed at new home Macintosh users, iCreate covers the main Apple programs--iMovie, iDVD, iTunes', 'iCreate'],
    ['Ranger Rick Jr. is for children aged 3 to 7 years. Filled with fun activities', 'Ranger Rick Jr.'],
    // Named as what one reads or subscribes to.
    [
      'Faith-filled fun for youngsters (ages 3-7). Creative stories, fascinating articles, puzzles, craft ideas and more are packed into each issue of Clubhouse Jr. magazine.',
      'Clubhouse Jr.',
    ],
    [
      "The most celebrated authors in the field of science fiction share their visions. Join the vanguard of science fiction with a subscription to Asimov's Science Fiction.",
      "Asimov's Science Fiction",
    ],
    [
      "Don't miss out on the official magazine of the Arizona Game and Fish Department. Subscribe to Arizona Wildlife Views, the full-color magazine",
      'Arizona Wildlife Views',
    ],
    [
      "Satisfy your passion for stylish living and practical ideas for updating every room in your home. Find great ways to use today's best furnishings and accessories within our pages. Who Reads House Beautiful? The House Beautiful reader is someone whose home is her bedrock.",
      'House Beautiful',
    ],
    [
      "This magazine covers film, video, television and contemporary music. Who Reads Us Weekly? Us Weekly's readers are young, educated and affluent adults",
      'Us Weekly',
    ],
    // A title line: "Name: ...", a name in capitals opening a sentence.
    ['Alaska: the magazine about life on the last frontier. Discover the people, places and personality.', 'Alaska'],
    ['THE AUROREAN: upbeat New England poetry journal. Biannual.', 'The Aurorean'],
    [
      "PlayStation: the Official Magazine: Whether it's PlayStation? 3, PlayStation? Network, PSP? or PlayStation 2",
      'PlayStation: the Official Magazine',
    ],
    [
      'Premier Guitar January 2018: Our cover story this month is a true treat for longtime fans of Radiohead',
      'Premier Guitar',
    ],
    ['PC GAMER the #1 PC games magazine. The lastest game reviews, gaming news', 'PC Gamer'],
    [
      'The nations #1 motocross magazine. MOTOCROSS ACTION written by and for the motocross racing enthusiast',
      'Motocross Action',
    ],
    ["TIME reveals what today's headlines mean to you and your family", 'Time'],
    ['THE NEW YORK OBSERVER is edited for smart, savvy New Yorkers everywhere.', 'The New York Observer'],
    ['AMERICA IN WWII is your connection to the men and women of 1940s America', 'America in WWII'],
    // Weaker readings, when nothing else names it.
    [
      "With SPA Magazine, you'll discover the latest advances in self-care, beauty, healthy living and relaxation",
      'SPA Magazine',
    ],
    [
      'At Condé Nast Traveler, we inspire action for trips both big and small. We tell you where to go and what to do.',
      'Condé Nast Traveler',
    ],
    // Amazon's "Who Reads" heading, in emphasis.
    [
      '<strong><span style="color: #cc6600;">Who Reads <em>Playboy</em>?</span></strong> <br /> Provocative and informative, <em>Playboy</em> is Americas best-selling mens magazine.',
      'Playboy',
    ],
  ])('names the magazine: %s -> %s', (description, expected) => expect(title(description)).toBe(expected));

  it('still falls back to the publisher when the opening names something else', () => {
    const publisher = (description: string) => title(description, 'Some Publisher Inc');
    // A date, a scraper placeholder, a slogan, someone's magazine, a quoted reviewer, list items, a hyphenated phrase.
    expect(
      publisher("FEB 2017 - In this issue: Royal Caribbean International's Harmony of the Seas, a Taste of Spain"),
    ).toBe('Some Publisher Inc');
    expect(publisher('SPID SHORT DESCRIPTION NOT AVAILABLE')).toBe('Some Publisher Inc');
    expect(
      publisher("America's Most Popular Magazine. Defining celebrity, driving conversation and inspiring action."),
    ).toBe('Some Publisher Inc');
    expect(publisher("Bill & Gloria Gaither's magazine full of all the faith, fun and music you'd expect")).toBe(
      'Some Publisher Inc',
    );
    expect(publisher("The British Tourist Authority's official magazine is an indispensable reference")).toBe(
      'Some Publisher Inc',
    );
    expect(
      publisher(
        "An annual subscription also includes our must-have Gold List, Reader's Choice and Hot List issues. Learn more.",
      ),
    ).toBe('Some Publisher Inc');
    expect(
      publisher(
        'Brings readers coverage of major league baseball, special issues covering World Series, upcoming big-league rookies, Player and Pitcher of the Year selections.',
      ),
    ).toBe('Some Publisher Inc');
    expect(
      publisher(
        "America's premiere cross-stitch magazine, serves up fun cross-stitch projects in all shapes, sizes, and skill levels. Step-by Step projections in every issue!",
      ),
    ).toBe('Some Publisher Inc');
    expect(publisher('Includes articles on classic films, film history, video reviews.')).toBe('Some Publisher Inc');
    expect(
      title(
        'Described by The Library Journal as, "a journal for the serious martial arts enthusiast" Classical Fighting Arts is a quality publication',
      ),
    ).toBe('Classical Fighting Arts');
  });

  it('does not take a description of the magazine for its name', () => {
    expect(
      title('Bi-monthly French magazine is dedicated to the history of World War 1.', 'Groupe Presse Michel Hommell'),
    ).toBe('Groupe Presse Michel Hommell');
    expect(title('Presents articles on American poetry.', 'Poetry Press')).toBe('Poetry Press');
    expect(title("Top-notch stories written by the world's leading crime and mystery writers.", 'Dell Magazines')).toBe(
      'Dell Magazines',
    );
    expect(
      title('Focuses on personal stories of native American individuals. Intentions are to inform.', 'Native Press'),
    ).toBe('Native Press');
  });

  it('skips a quoted column name and a noun after an article', () => {
    expect(titleFromDescription('Provides timely reports. "Coin Clinic" is a very popular weekly column.')).toBeNull();
    expect(titleFromDescription('Across the nation, the South sets itself apart with cuisine.')).toBeNull();
  });

  it('falls back to the publisher, then to the id', () => {
    expect(title('', 'Widescreen Review')).toBe('Widescreen Review');
    expect(title('The Essential Home Theatre Resource! Each issue includes content', 'Widescreen Review')).toBe(
      'Widescreen Review',
    );
    expect(displayTitle({ id: 'B000TEST01', rawTitle: BROKEN, rawDescription: '', brand: null }).title).toBe(
      'Magazine B000TEST01',
    );
  });

  it('prefers a real scraped title, decoded, without the subscription term', () => {
    expect(title('anything', null, 'Disney &amp; Me')).toBe('Disney & Me');
    expect(cleanRealTitle('Fortune (1-year)')).toEqual({ title: 'Fortune', term: '1-year' });
    expect(cleanRealTitle(' Magazines" />')).toBeNull();
    expect(cleanRealTitle(BROKEN)).toBeNull();
  });
});
