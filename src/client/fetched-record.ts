// The consumer's records: DecodedRecords built straight from the fetched bytes (no second object
// per record), whose topic and partition come from the partition they were fetched for.

import { DecodedRecord, replaceField } from '../protocol/records/decoded-record.js';
import type { ConsumerRecord } from './consumer.js';

/** What a fetched record needs to know about its partition. */
export interface RecordSource {
  readonly topic: string;
  readonly partition: number;
}

export class FetchedRecord extends DecodedRecord<RecordSource> implements ConsumerRecord {
  get topic(): string {
    return this.source.topic;
  }
  set topic(value: string) {
    replaceField(this, 'topic', value);
  }

  get partition(): number {
    return this.source.partition;
  }
  set partition(value: number) {
    replaceField(this, 'partition', value);
  }

  protected override fields(): Record<string, unknown> {
    return { topic: this.topic, partition: this.partition, ...super.fields() };
  }
}
