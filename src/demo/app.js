// The storefront demo: picks a shopper, shows their interests, recommendations (cosine, Jaccard
// and hybrid side by side, with reasons) and personalised descriptions, optionally restricted to
// one category, and records a view, a purchase or "not interested" on click. Only the public
// GraphQL API, asked as the shopper (x-user-id, dev identity).
'use strict';

const SAMPLE_USERS = Array.from({ length: 60 }, (_, i) => `sim-user-${String(i + 1).padStart(3, '0')}`);

// Selections are spelled out rather than put in fragments: the server's depth limit counts a
// fragment spread as a level.
const SHOWN =
  'id title brand personalisedDescription { text claims { text source ref } personalised highlights modelVersion }';
const REC = `score strategy reasons { label weight kind } item { ${SHOWN} }`;
const STOREFRONT = `
  query Storefront($id: ID!, $filter: RecommendationFilter) {
    user(id: $id) {
      id
      interests(first: 12) { term weight }
      cosine: recommendations(similarity: COSINE, first: 5, filter: $filter) { ${REC} }
      jaccard: recommendations(similarity: JACCARD, first: 5, filter: $filter) { ${REC} }
      hybrid: recommendations(similarity: HYBRID, first: 5, filter: $filter) { ${REC} }
    }
    items(first: 5) { edges { node { ${SHOWN} } } }
  }`;

const RECORD = `
  mutation Record($input: RecordInteractionInput!) {
    recordInteraction(input: $input) { replayed interaction { kind counted item { title } } }
  }`;

/** The categories the filter offers: those of the first page of the catalogue. */
const CATEGORIES = `query Categories { items(first: 100) { edges { node { categories } } } }`;

const $ = (id) => document.getElementById(id);
let currentUser = null;
let loads = 0;

async function graphql(query, variables) {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-user-id': currentUser },
    body: JSON.stringify({ query, variables }),
  });
  const body = await res.json();
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    throw new Error(`${e.extensions && e.extensions.code ? e.extensions.code + ': ' : ''}${e.message}`);
  }
  return body.data;
}

function setStatus(text, kind) {
  const status = $('status');
  status.textContent = text;
  status.className = kind || '';
}

function renderInterests(interests) {
  const box = $('interests');
  box.replaceChildren();
  if (interests.length === 0) {
    box.append(paragraph('No interests yet: view or buy something.', 'empty'));
    return;
  }
  const max = interests[0].weight;
  for (const { term, weight } of interests) {
    const row = document.createElement('div');
    row.className = 'bar';
    row.dataset.term = term;
    const label = document.createElement('span');
    label.className = 'term';
    label.textContent = term;
    const track = document.createElement('span');
    track.className = 'track';
    const fill = document.createElement('span');
    fill.className = 'fill';
    fill.style.width = `${Math.max(2, (weight / max) * 100).toFixed(1)}%`;
    track.append(fill);
    const value = document.createElement('span');
    value.className = 'weight';
    value.textContent = weight.toFixed(3);
    row.append(label, track, value);
    box.append(row);
  }
}

function renderRecs(listId, recs) {
  const list = $(listId);
  list.replaceChildren();
  if (recs.length === 0) list.append(paragraph('Nothing to recommend.', 'empty'));
  for (const rec of recs) {
    const li = $('rec-template').content.firstElementChild.cloneNode(true);
    const { item } = rec;
    li.dataset.itemId = item.id;
    li.querySelector('.title').textContent = item.title;
    li.querySelector('.score').textContent = rec.score === null ? '' : rec.score.toFixed(3);
    li.querySelector('.strategy').textContent =
      rec.strategy === 'POPULAR' ? 'popular (no history yet)' : item.brand || '';
    const reasons = li.querySelector('.reasons');
    for (const r of rec.reasons) {
      const chip = document.createElement('li');
      chip.textContent = `${r.label} ${r.weight.toFixed(3)}`;
      chip.classList.toggle('bought-together', r.kind === 'BOUGHT_TOGETHER');
      reasons.append(chip);
    }
    const d = item.personalisedDescription;
    const description = li.querySelector('.description');
    description.replaceChildren(...traced(d.text, d.claims));
    description.classList.toggle('personalised', d.personalised);
    li.querySelector('.desc-meta').textContent = d.personalised
      ? `arranged for this shopper from the item's own words (${d.modelVersion ? `model ${d.modelVersion}` : 'untrained policy'})${d.highlights.length > 0 ? `, leading with ${d.highlights.join(', ')}` : ''}; hover a span for its source`
      : "the shop's own description; hover a span for its source";
    li.querySelector('.view').addEventListener('click', () => record('VIEW', item));
    li.querySelector('.buy').addEventListener('click', () => record('PURCHASE', item));
    li.querySelector('.not-interested').addEventListener('click', () => record('NOT_INTERESTED', item));
    list.append(li);
  }
}

/**
 * The text as spans, one per claim, each showing on hover the field it came from (the claims
 * are in the order of the text; what lies between them are connecting words).
 */
function traced(text, claims) {
  const nodes = [];
  let at = 0;
  for (const c of claims) {
    const found = text.indexOf(c.text, at);
    if (found < 0) continue;
    if (found > at) nodes.push(document.createTextNode(text.slice(at, found)));
    const span = document.createElement('span');
    span.className = `claim source-${c.source.toLowerCase()}`;
    span.textContent = c.text;
    span.title = `${c.source.toLowerCase()}${c.ref ? `: ${c.ref}` : ''}`;
    span.dataset.source = c.source;
    nodes.push(span);
    at = found + c.text.length;
  }
  if (at < text.length) nodes.push(document.createTextNode(text.slice(at)));
  return nodes;
}

function paragraph(text, className) {
  const p = document.createElement('p');
  p.textContent = text;
  p.className = className;
  return p;
}

async function load() {
  document.body.dataset.state = 'loading';
  try {
    const category = $('category').value;
    const data = await graphql(STOREFRONT, { id: currentUser, filter: category ? { categories: [category] } : null });
    if (data.user) {
      renderInterests(data.user.interests);
      renderRecs('recs-cosine', data.user.cosine);
      renderRecs('recs-jaccard', data.user.jaccard);
      renderRecs('recs-hybrid', data.user.hybrid);
    } else {
      // A shopper tailor has never seen: show the start of the catalogue to click on.
      renderInterests([]);
      const browse = data.items.edges.map(({ node }) => ({ score: null, strategy: 'BROWSE', reasons: [], item: node }));
      renderRecs('recs-cosine', browse);
      renderRecs('recs-jaccard', []);
      renderRecs('recs-hybrid', []);
    }
  } catch (err) {
    setStatus(`Could not load ${currentUser}: ${err.message}`, 'error');
  } finally {
    loads += 1;
    document.body.dataset.loads = String(loads);
    document.body.dataset.state = 'ready';
  }
}

async function record(kind, item) {
  try {
    const data = await graphql(RECORD, {
      input: { userId: currentUser, itemId: item.id, kind, idempotencyKey: crypto.randomUUID() },
    });
    const i = data.recordInteraction.interaction;
    const verb = kind === 'PURCHASE' ? 'purchase' : 'view';
    setStatus(
      kind === 'NOT_INTERESTED'
        ? `“${item.title}” will not be shown to this shopper again.`
        : i && !i.counted
          ? `Recorded a repeated ${verb} of “${item.title}” (stored, not counted again).`
          : `Recorded a ${verb} of “${item.title}”.`,
      'ok',
    );
  } catch (err) {
    setStatus(`Could not record the ${kind.toLowerCase()}: ${err.message}`, 'error');
  }
  await load();
}

function choose(userId) {
  currentUser = userId.trim();
  if (!currentUser) return;
  const url = new URL(location.href);
  url.searchParams.set('user', currentUser);
  history.replaceState(null, '', url);
  setStatus('');
  load();
}

document.addEventListener('DOMContentLoaded', () => {
  const options = $('sample-users');
  for (const id of SAMPLE_USERS) {
    const o = document.createElement('option');
    o.value = id;
    options.append(o);
  }
  const input = $('user');
  input.value = new URL(location.href).searchParams.get('user') || input.value;
  $('who').addEventListener('submit', (e) => {
    e.preventDefault();
    choose(input.value);
  });
  $('category').addEventListener('change', () => choose(input.value));
  currentUser = input.value.trim();
  graphql(CATEGORIES)
    .then((data) => {
      const names = new Set(data.items.edges.flatMap(({ node }) => node.categories));
      for (const name of [...names].sort()) {
        const o = document.createElement('option');
        o.value = name;
        o.textContent = name;
        $('category').append(o);
      }
    })
    .catch((err) => setStatus(`Could not load the categories: ${err.message}`, 'error'));
  choose(input.value);
});
