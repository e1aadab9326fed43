// Every API mq speaks, by key. The broker registers a handler per entry; the client looks up
// request specs here.
import type { ApiSpec } from '../schema.js';
import { Produce } from './00-produce.js';
import { Fetch } from './01-fetch.js';
import { ListOffsets } from './02-list-offsets.js';
import { Metadata } from './03-metadata.js';
import { ApiVersions } from './18-api-versions.js';
import { CreateTopics } from './19-create-topics.js';
import { DeleteTopics } from './20-delete-topics.js';
import { CreatePartitions } from './37-create-partitions.js';

export { Produce, Fetch, ListOffsets, Metadata, ApiVersions, CreateTopics, DeleteTopics, CreatePartitions };

export const apis: ReadonlyMap<number, ApiSpec> = new Map(
  [Produce, Fetch, ListOffsets, Metadata, ApiVersions, CreateTopics, DeleteTopics, CreatePartitions].map((a) => [a.apiKey, a]),
);
