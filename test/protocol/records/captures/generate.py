#!/usr/bin/python3
# Regenerates the record-format captures in this directory with kafka-python 2.0.2 (Debian's
# python3-kafka), an implementation independent of mq. Run with the system interpreter:
#   /usr/bin/python3 test/protocol/records/captures/generate.py
# Each <name>.hex holds one provenance line then the bytes as hex; <name>.json holds what
# kafka-python's own reader decodes from those bytes (the expected values for mq's decoder).
# generate-codecs.py reuses the helpers below for the snappy, lz4 and zstd captures.
import base64
import json
import os
import struct

import kafka
from kafka.record.default_records import DefaultRecordBatch, DefaultRecordBatchBuilder
from kafka.record.legacy_records import LegacyRecordBatch, LegacyRecordBatchBuilder
from kafka.record.util import calc_crc32

HERE = os.path.dirname(os.path.abspath(__file__))
VERSION = 'kafka-python %s' % kafka.__version__


def b64(b):
    return None if b is None else base64.b64encode(bytes(b)).decode()


def v2(records, compression_type=0, is_transactional=False, producer_id=-1, producer_epoch=-1,
       base_sequence=-1):
    builder = DefaultRecordBatchBuilder(
        magic=2, compression_type=compression_type, is_transactional=is_transactional,
        producer_id=producer_id, producer_epoch=producer_epoch, base_sequence=base_sequence,
        batch_size=1 << 20)
    for i, (ts, key, value, headers) in enumerate(records):
        assert builder.append(i, timestamp=ts, key=key, value=value, headers=headers) is not None
    return bytes(builder.build())


def legacy(magic, records, compression_type=0, first_offset=0):
    builder = LegacyRecordBatchBuilder(magic=magic, compression_type=compression_type, batch_size=1 << 20)
    for i, (ts, key, value) in enumerate(records):
        assert builder.append(first_offset + i, timestamp=ts, key=key, value=value) is not None
    return bytes(builder.build())


def set_base_offset(batch, offset):
    return struct.pack('>q', offset) + batch[8:]


def read_v2(data):
    batches, pos = [], 0
    while pos < len(data):
        size = 12 + struct.unpack_from('>i', data, pos + 8)[0]
        batch = DefaultRecordBatch(data[pos:pos + size])
        assert batch.validate_crc()
        batches.append({
            'baseOffset': str(batch.base_offset), 'compression': batch.compression_type,
            'timestampType': batch.timestamp_type, 'transactional': batch.is_transactional,
            'maxTimestamp': str(batch.max_timestamp),
            'records': [{
                'offset': str(r.offset), 'timestamp': str(r.timestamp), 'key': b64(r.key),
                'value': b64(r.value), 'headers': [[k, b64(v)] for k, v in r.headers],
            } for r in batch],
        })
        pos += size
    return batches


def read_legacy(data, magic):
    batch = LegacyRecordBatch(data, magic)
    assert batch.validate_crc()
    return [{
        'baseOffset': None, 'compression': batch.compression_type, 'timestampType': batch.timestamp_type,
        'transactional': False, 'maxTimestamp': None,
        'records': [{
            'offset': str(r.offset), 'timestamp': str(-1 if r.timestamp is None else r.timestamp),
            'key': b64(r.key), 'value': b64(r.value), 'headers': [],
        } for r in batch],
    }]


def write(name, provenance, data, expected, source=VERSION):
    with open(os.path.join(HERE, name + '.hex'), 'w') as f:
        f.write('# %s %s\n%s\n' % (source, provenance, data.hex()))
    with open(os.path.join(HERE, name + '.json'), 'w') as f:
        json.dump(expected, f, indent=1)
        f.write('\n')


T = 1700000000000


def main():
    plain = [(T + i * 7, b'key-%d' % i, b'value-%d' % i, []) for i in range(5)]
    data = v2(plain)
    write('v2-plain', 'DefaultRecordBatchBuilder(magic=2, compression_type=0, producer_id=-1) 5 records, '
          'keys key-N, values value-N, timestamps 1700000000000+7N', data, read_v2(data))

    odd = [
        (T, None, b'value with null key', []),
        (T - 5, b'key with null value', None, []),
        (T + 300000, None, None, [('h1', b'v1'), ('empty', b''), ('null', None), ('\u00fcnic\u00f8de', b'\xff\x00')]),
        (T + 1, b'', b'', [('only', b'x' * 200)]),
    ]
    data = v2(odd)
    write('v2-headers-nulls', 'DefaultRecordBatchBuilder(magic=2, compression_type=0) null keys/values, '
          'empty bytes, headers incl. null value and utf-8 key, decreasing timestamp', data, read_v2(data))

    gz = [(T + i, b'k%d' % (i % 3), b'compressible payload ' * 10 + b'%d' % i, [('n', b'%d' % i)]) for i in range(20)]
    data = v2(gz, compression_type=1)
    assert data[22] & 7 == 1, 'kafka-python fell back to uncompressed'
    write('v2-gzip', 'DefaultRecordBatchBuilder(magic=2, compression_type=1 gzip) 20 records with headers',
          data, read_v2(data))

    txn = [(T + i, b'tk', b'tv%d' % i, []) for i in range(3)]
    data = v2(txn, is_transactional=True, producer_id=123456789012, producer_epoch=7, base_sequence=42)
    write('v2-transactional', 'DefaultRecordBatchBuilder(magic=2, is_transactional=True, producer_id=123456789012, '
          'producer_epoch=7, base_sequence=42) 3 records', data, read_v2(data))

    # A fetch-response-like concatenation: the broker assigned base offsets 0, 5 and 25.
    data = set_base_offset(v2(plain), 0) + set_base_offset(v2(gz, compression_type=1), 5) + \
        set_base_offset(v2(txn, is_transactional=True, producer_id=9, producer_epoch=0, base_sequence=0), 25)
    write('v2-multi', 'three DefaultRecordBatchBuilder batches (plain 5, gzip 20, transactional 3) concatenated, '
          'baseOffset bytes patched to 0, 5, 25 as a broker assigns them', data, read_v2(data))

    lv = [(T + i, b'lk%d' % i if i != 1 else None, b'legacy value %d' % i if i != 2 else None) for i in range(4)]
    for magic in (0, 1):
        sets = [legacy(magic, [r], first_offset=10 + i) for i, r in enumerate(lv)]
        msgs = []
        for i, s in enumerate(sets):
            msgs += read_legacy(s, magic)
        write('legacy-v%d-plain' % magic, 'LegacyRecordBatchBuilder(magic=%d, compression_type=0) 4 messages at '
              'offsets 10..13, one null key, one null value' % magic, b''.join(sets), msgs)

    data = legacy(0, lv, compression_type=1, first_offset=100)
    write('legacy-v0-gzip', 'LegacyRecordBatchBuilder(magic=0, compression_type=1 gzip) 4 inner messages with '
          'absolute offsets 100..103', data, read_legacy(data, 0))

    # v1 inner offsets are relative; the wrapper carries the absolute offset of the last inner message.
    data = set_base_offset(legacy(1, lv, compression_type=1), 103)
    write('legacy-v1-gzip', 'LegacyRecordBatchBuilder(magic=1, compression_type=1 gzip) 4 inner messages, '
          'wrapper offset patched to 103 (absolute offsets 100..103)', data, read_legacy(data, 1))

    # As a broker with message.timestamp.type=LogAppendTime stamps it: wrapper timestamp set, attribute
    # bit 3 set, CRC recomputed (kafka.record.util.calc_crc32); inner messages take the wrapper's time.
    buf = bytearray(set_base_offset(legacy(1, lv, compression_type=1), 103))
    buf[17] |= 0x08
    struct.pack_into('>q', buf, 18, T + 99999)
    struct.pack_into('>I', buf, 12, calc_crc32(bytes(buf[16:])))
    data = bytes(buf)
    write('legacy-v1-gzip-log-append-time', 'LegacyRecordBatchBuilder(magic=1, gzip) 4 messages, wrapper offset 103, '
          'then stamped LogAppendTime 1700000099999 (attr bit 3, wrapper timestamp, CRC-32 recomputed)',
          data, read_legacy(data, 1))


if __name__ == '__main__':
    main()
