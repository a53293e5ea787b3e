/** The process-wide services, built once and shared by every request. */
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { DescriptionService } from '../generation/service';
import { Catalogue } from './catalogue';
import { ChangeFeed, changeChannel } from '../db/change-feed';
import { UserReads } from './user-reads';
import { Descriptions } from './descriptions';
import { InteractionService } from './interactions';
import { PersonalisationService } from './personalisation';
import { TrendingService } from './trending';
import { PrivacyService } from './privacy';
import { CoOccurrenceFollower } from './co-occurrence';
import { DEFAULT_COLLAB } from '../personalisation/collab';

export interface Services {
  db: DataSource;
  logger: Logger;
  catalogue: Catalogue;
  /** Users with their personal data, batched across concurrent requests. */
  userReads: UserReads;
  /** The NOTIFY channel every process of this schema listens on. */
  channel: string;
  personalisation: PersonalisationService;
  /** Every item's strongest co-occurrence pairs, followed from the pair feed. */
  coOccurrence: CoOccurrenceFollower;
  trending: TrendingService;
  interactions: InteractionService;
  privacy: PrivacyService;
  descriptions: Descriptions;
  close(): Promise<void>;
}

export interface ServiceOptions {
  db: DataSource;
  /** Connection string of the same database (for LISTEN). */
  url: string;
  schema?: string;
  config: Config;
  logger: Logger;
}

export async function buildServices({ db, url, schema, config, logger }: ServiceOptions): Promise<Services> {
  const p = config.personalisation;
  const channel = changeChannel(schema);
  const catalogue = await Catalogue.load({
    db,
    logger,
    refreshMs: config.indexRefreshMs,
    jaccardTopN: p.jaccardTopN,
    itemCacheSize: config.itemCacheSize,
  });
  catalogue.follow();
  const coOccurrence = await CoOccurrenceFollower.load(db, DEFAULT_COLLAB.neighbours, logger);
  coOccurrence.startPruning(config.pairFeedRetentionMs);
  const personalisation = new PersonalisationService(db, catalogue, coOccurrence, {
    popularityWindowMs: p.popularityWindowMs,
    hybridAlpha: p.hybridAlpha,
    feedback: {
      negativeWeight: p.negativeWeight,
      impressionDecay: p.impressionDecay,
      impressionGrace: p.impressionGrace,
    },
    clock: config.clock,
  });
  const trending = new TrendingService(db, catalogue, { smoothing: p.trendingSmoothing, clock: config.clock });
  const feed = new ChangeFeed(url, channel, logger);
  feed.on('items', () => catalogue.refreshInBackground());
  feed.on('users', () => personalisation.forgetCaches());
  const interactions = new InteractionService(db, catalogue, {
    halfLifeMs: p.halfLifeMs,
    dedupeWindowMs: p.dedupeWindowMs,
    storeEventsWithoutConsent: config.storeEventsWithoutConsent,
    clock: config.clock,
  });
  const privacy = new PrivacyService(db, channel);
  const generation = await DescriptionService.create({ dataSource: db, logger, pollIntervalMs: config.modelPollMs });
  const descriptions = new Descriptions(generation, personalisation);
  feed.on('models', () => void generation.reload().catch((err) => logger.warn({ err }, 'model reload failed')));
  await feed.start();
  return {
    db,
    logger,
    catalogue,
    userReads: new UserReads(db, {
      historyLength: personalisation.collab.historyLength,
      feedLow: () => coOccurrence.low(),
    }),
    coOccurrence,
    channel,
    personalisation,
    trending,
    interactions,
    privacy,
    descriptions,
    close: async () => {
      await feed.stop();
      catalogue.stop();
      coOccurrence.stop();
      await generation.close();
    },
  };
}
