// Sequence bookkeeping of an idempotent producer for one partition (KIP-98), after the Java
// client's TransactionManager for a producer without a transactional id.
//
// Every batch gets the producer's id and epoch and the partition's next sequence when it is
// first drained, and keeps that stamp for good: a retry resends the same bytes, so a broker that
// already wrote it recognises the duplicate and answers with the original offsets. The broker
// accepts a batch only if it continues the sequence, so stamped batches of a partition are sent
// in sequence order: a retried batch goes out only once every batch before it has settled,
// which also makes later batches that the broker refused for the gap (OUT_OF_ORDER_SEQUENCE_NUMBER)
// retriable until the gap is filled.
//
// Unlike Java, a stamp is never rewritten. Java restamps in-flight batches after an epoch bump,
// which can write a batch twice if an earlier send of it did land; here, when a partition's
// sequence can no longer continue (a batch was definitely refused, so its sequence is a hole, or
// the broker reports a gap the client cannot explain), the producer gets a new epoch through
// InitProducerId (KIP-360) and the batches still stamped with the old one fail as they come back,
// as the broker refuses them for the hole. A batch whose fate is unknown (retries or delivery
// timeout ran out after it was sent) leaves the partition unresolved: new batches wait until the
// batches in flight have settled, and the epoch is bumped unless their acknowledgements prove the
// lost batch was written (Java's maybeResolveSequences).
//
// A partition's sequences belong to one producer id and epoch; after a new pair arrives they
// restart at 0 once the partition has nothing in flight under the old one. A broker takes any
// sequence from a producer it holds no state for (Kafka since KIP-360), so until the first batch of
// a pair is acknowledged on a partition nothing else is sent there: a retried first batch could
// otherwise land after the batches behind it.

/** The producer id and epoch from InitProducerId; a new object for every answer. */
export interface ProducerIdAndEpoch {
  readonly producerId: bigint;
  readonly epoch: number;
}

/** What the bookkeeping needs of a producer batch. */
export interface SequencedBatch {
  producerId: bigint;
  producerEpoch: number;
  /** -1 until stamped. */
  baseSequence: number;
  readonly recordCount: number;
}

/** What `freshBatch` decides for a batch that has no sequence yet. */
export type FreshBatchGate = 'stamp' | 'wait' | 'bump';

const INT32_MAX = 0x7fffffff;
const NO_SEQUENCE = -1;

/** `seq + increment`, wrapping from Int32 max to 0 as the broker does (AK DefaultRecordBatch.incrementSequence). */
export function incrementSequence(seq: number, increment: number): number {
  return seq > INT32_MAX - increment ? increment - (INT32_MAX - seq) - 1 : seq + increment;
}

export function lastSequence(batch: SequencedBatch): number {
  return incrementSequence(batch.baseSequence, batch.recordCount - 1);
}

export class PartitionSequences<B extends SequencedBatch> {
  private identity: ProducerIdAndEpoch | null = null;
  private nextSequence = 0;
  private lastAcked = NO_SEQUENCE;
  /** Stamped batches neither acknowledged nor failed, in sequence order. */
  private readonly inflight: B[] = [];
  /** The sequence after a batch given up with an unknown fate; null when there is none. */
  private unresolvedNext: number | null = null;
  /** A batch of the current pair was refused for good: nothing after it can be written. */
  private hole = false;

  /**
   * Whether a batch without a sequence may be stamped now under `current`: 'wait' while earlier
   * batches must settle first (a new pair, or an unresolved sequence), 'bump' when the partition
   * needs a new epoch before it can go on.
   */
  freshBatch(current: ProducerIdAndEpoch): FreshBatchGate {
    if (this.identity !== current) {
      if (this.inflight.length > 0) return 'wait';
      this.identity = current;
      this.nextSequence = 0;
      this.lastAcked = NO_SEQUENCE;
      this.unresolvedNext = null;
      this.hole = false;
      return 'stamp';
    }
    if (this.lastAcked === NO_SEQUENCE && this.inflight.length > 0) return 'wait';
    if (this.unresolvedNext === null) return 'stamp';
    if (this.inflight.length > 0) return 'wait';
    if (incrementSequence(this.lastAcked, 1) === this.nextSequence) {
      // Later batches were acknowledged after the lost one: it was written after all.
      this.unresolvedNext = null;
      return 'stamp';
    }
    this.hole = true;
    return 'bump';
  }

  /** Gives a batch its producer id, epoch and sequences; call only after freshBatch said 'stamp'. */
  stamp(batch: B): void {
    batch.producerId = this.identity!.producerId;
    batch.producerEpoch = this.identity!.epoch;
    batch.baseSequence = this.nextSequence;
    this.nextSequence = incrementSequence(this.nextSequence, batch.recordCount);
    this.inflight.push(batch);
  }

  /** A stamped batch may be (re)sent only when every batch before it has settled. */
  isNext(batch: B): boolean {
    return this.inflight[0] === batch;
  }

  acknowledged(batch: B): void {
    this.remove(batch);
    this.lastAcked = lastSequence(batch);
  }

  /**
   * A stamped batch failed. `refused`: the broker definitely did not write it. Returns true when
   * this leaves a hole that needs a new epoch (only for the first such batch).
   */
  failed(batch: B, refused: boolean): boolean {
    this.remove(batch);
    if (!refused) {
      this.unresolvedNext = incrementSequence(lastSequence(batch), 1);
      return false;
    }
    if (this.hole) return false;
    this.hole = true;
    return true;
  }

  /**
   * OUT_OF_ORDER_SEQUENCE_NUMBER for `batch`: retriable while an earlier batch may still fill the
   * gap (Java's TransactionManager.canRetry). Not when the batch is the very next one the broker
   * should have taken: then the broker's sequence disagrees with ours, the gap is real.
   */
  outOfOrderIsRetriable(batch: B): boolean {
    if (this.hole) return false;
    const expected = this.unresolvedNext ?? incrementSequence(this.lastAcked, 1);
    return !(this.inflight[0] === batch && batch.baseSequence === expected);
  }

  /**
   * MESSAGE_TOO_LARGE split `batch` (refused, so its sequences were not used) into `parts`, which
   * take its place with the same sequences, consecutively.
   */
  split(batch: B, parts: readonly B[]): void {
    let seq = batch.baseSequence;
    for (const part of parts) {
      part.producerId = batch.producerId;
      part.producerEpoch = batch.producerEpoch;
      part.baseSequence = seq;
      seq = incrementSequence(seq, part.recordCount);
    }
    this.inflight.splice(this.inflight.indexOf(batch), 1, ...parts);
  }

  private remove(batch: B): void {
    const i = this.inflight.indexOf(batch);
    if (i >= 0) this.inflight.splice(i, 1);
  }
}
