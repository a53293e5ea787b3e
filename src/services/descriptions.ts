/**
 * Personalised descriptions: decides who a text is for (consent, shared interests, the word
 * budget) and makes the request the description service writes. Plain data in and out: the
 * GraphQL layer loads the reader and sends the request through its loader.
 */
import type { ItemEntity } from '../db/entities';
import type { StoredProfile } from '../db/repositories/users';
import type { DescriptionRequest, DescriptionService } from '../generation/service';
import type { PersonalisationService } from './personalisation';

/** How many shared terms a personalised text is written for. */
const FOCUS_TERMS = 3;

/** Who reads the text: a user who allows personalisation, with their stored profile. */
export interface DescriptionReader {
  consent: boolean;
  profile: StoredProfile;
}

export class Descriptions {
  constructor(
    private readonly generation: DescriptionService,
    private readonly personalisation: PersonalisationService,
  ) {}

  get model(): DescriptionService {
    return this.generation;
  }

  /** The request for an item's text: generic (no focus terms) without a reader who consents and shares interests. */
  request(item: ItemEntity, reader: DescriptionReader | null, maxWords: number): DescriptionRequest {
    const focus = reader?.consent ? this.personalisation.focusTerms(reader.profile, item.id, FOCUS_TERMS) : [];
    const facts = {
      id: item.id,
      title: item.title,
      description: item.description,
      brand: item.brand,
      categories: item.categories ?? [],
      tags: item.tags ?? [],
      price: item.price,
      attributes: item.attributes,
    };
    return { item: facts, focus, maxWords };
  }
}
