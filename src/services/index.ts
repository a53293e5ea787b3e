/** The process-wide services, built once and shared by every request. */
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { DescriptionService } from '../generation/service';
import { Catalogue } from './catalogue';
import { Descriptions } from './descriptions';
import { InteractionService } from './interactions';
import { PersonalisationService } from './personalisation';

export interface Services {
  db: DataSource;
  logger: Logger;
  catalogue: Catalogue;
  personalisation: PersonalisationService;
  interactions: InteractionService;
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

/** The NOTIFY channel for catalogue changes in a schema. */
export function catalogueChannel(schema: string | undefined): string {
  return `tailor_catalogue_${schema ?? 'public'}`;
}

export async function buildServices({ db, url, schema, config, logger }: ServiceOptions): Promise<Services> {
  const p = config.personalisation;
  const catalogue = await Catalogue.load({
    db,
    logger,
    url,
    channel: catalogueChannel(schema),
    refreshMs: config.indexRefreshMs,
    jaccardTopN: p.jaccardTopN,
  });
  await catalogue.follow();
  const personalisation = new PersonalisationService(db, catalogue, { popularityWindowMs: p.popularityWindowMs });
  const interactions = new InteractionService(db, catalogue, { halfLifeMs: p.halfLifeMs, dedupeWindowMs: p.dedupeWindowMs });
  const generation = await DescriptionService.create({ dataSource: db, logger, pollIntervalMs: config.modelPollMs });
  const descriptions = new Descriptions(generation, personalisation);
  return {
    db,
    logger,
    catalogue,
    personalisation,
    interactions,
    descriptions,
    close: async () => {
      await catalogue.stop();
      await generation.close();
    },
  };
}
