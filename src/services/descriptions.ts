/**
 * Personalised descriptions for the GraphQL layer: decides who the text is for (consent,
 * shared interests) and hands the batched, cached generation to the model service.
 */
import type { Loaders } from '../graphql/loaders';
import type { ItemEntity } from '../db/entities';
import type { DescriptionResult, DescriptionService } from '../generation/service';
import type { PersonalisationService } from './personalisation';

/** How many shared terms a personalised text leads with. */
const FOCUS_TERMS = 3;

export class Descriptions {
  constructor(
    private readonly generation: DescriptionService,
    private readonly personalisation: PersonalisationService,
  ) {}

  get model(): DescriptionService {
    return this.generation;
  }

  async describe(item: ItemEntity, userId: string | null, loaders: Loaders): Promise<DescriptionResult> {
    let focus: string[] = [];
    if (userId !== null) {
      const user = await loaders.user.load(userId);
      if (user?.consent) focus = this.personalisation.focusTerms(await loaders.profile.load(userId), item.id, FOCUS_TERMS);
    }
    return loaders.description.load({ item, focus });
  }
}
