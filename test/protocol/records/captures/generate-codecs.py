#!/usr/bin/python3
# Regenerates the snappy, lz4 and zstd captures in this directory from two writers independent of
# mq. Run from the repository root after `npm run build`, with the system interpreter:
#   /usr/bin/python3 test/protocol/records/captures/generate-codecs.py
#
# - kafka-python 2.0.2 (python3-kafka) with Debian's python3-snappy, python3-lz4 and
#   python3-zstandard, plus python3-xxhash, which kafka-python needs for the magic 0 lz4 header:
#   xerial-framed snappy, lz4 frames with content size, zstd frames with content size, and the
#   pre-KIP-57 lz4 header checksum of magic 0.
# - kcat 1.7.1 (librdkafka 2.0.2) producing with -z to an mq broker started here: raw snappy,
#   librdkafka's lz4 frames and zstd. The capture is the partition's segment file, because mq
#   stores a producer's batch byte for byte except the base offset it assigns (0 here).
#   librdkafka up to 2.11 sends gzip, snappy and lz4 uncompressed unless the broker's ApiVersions
#   lists Produce v0, and lz4 also needs FindCoordinator v0 (rdkafka_msgset_writer.c,
#   rdkafka_feature.c); the script stops if a batch comes back uncompressed.
#
# Each .json holds what kafka-python's reader decodes from the bytes (generate.py's format).
import os
import re
import shutil
import subprocess
import tempfile

from kafka.record.default_records import DefaultRecordBatchBuilder

from generate import T, legacy, read_legacy, read_v2, set_base_offset, v2, write

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
KCAT = 'kcat 1.7.1 (librdkafka 2.0.2)'
CODECS = {'snappy': DefaultRecordBatchBuilder.CODEC_SNAPPY, 'lz4': DefaultRecordBatchBuilder.CODEC_LZ4,
          'zstd': DefaultRecordBatchBuilder.CODEC_ZSTD}


def payload(codec, i, size):
    """Compressible but not uniform: a numbered sentence repeated to `size` bytes."""
    text = ('%s record %d says hello to offset %d; ' % (codec, i, i * 31)).encode()
    return (text * (size // len(text) + 1))[:size]


def kafka_python_captures():
    # 70 records of 1,000 bytes: more than one 32 KiB xerial block and one 64 KiB lz4 block.
    for codec, cid in CODECS.items():
        records = [(T + i, b'k%d' % (i % 5), payload(codec, i, 1000), [('i', b'%d' % i)]) for i in range(70)]
        data = v2(records, compression_type=cid)
        assert data[22] & 7 == cid, 'kafka-python fell back to uncompressed for %s' % codec
        write('v2-%s' % codec, 'DefaultRecordBatchBuilder(magic=2, compression_type=%d %s) 70 records of 1000-byte '
              'values with a header each' % (cid, codec), data, read_v2(data))

    lv = [(T + i, b'lk%d' % i, payload('legacy', i, 300)) for i in range(4)]
    data = legacy(0, lv, compression_type=3, first_offset=100)
    assert data[17] & 7 == 3
    write('legacy-v0-lz4', 'LegacyRecordBatchBuilder(magic=0, compression_type=3 lz4) 4 messages at offsets '
          '100..103; lz4_encode_old_kafka: pre-KIP-57 header checksum over magic+FLG+BD', data, read_legacy(data, 0))
    for codec, cid in (('snappy', 2), ('lz4', 3)):
        data = set_base_offset(legacy(1, lv, compression_type=cid), 103)
        assert data[17] & 7 == cid
        write('legacy-v1-%s' % codec, 'LegacyRecordBatchBuilder(magic=1, compression_type=%d %s) 4 messages, wrapper '
              'offset patched to 103' % (cid, codec), data, read_legacy(data, 1))


def kcat_captures():
    log_dir = tempfile.mkdtemp(prefix='mq-capture-')
    broker = subprocess.Popen(
        ['node', os.path.join(ROOT, 'bin', 'mq.js'), 'server-start', '--override', 'listeners=PLAINTEXT://127.0.0.1:0',
         '--override', 'log.dirs=' + log_dir], stdout=subprocess.PIPE, text=True)
    try:
        port = None
        for line in broker.stdout:
            m = re.search(r' started on [^\s]+:(\d+) ', line)
            if m:
                port = m.group(1)
                break
        assert port, 'the broker did not start'
        for codec in CODECS:
            topic = 'kcat-' + codec
            # 80 lines of 1,000 bytes in one batch (linger.ms=500): more than one 64 KiB block.
            lines = b''.join(payload('kcat ' + codec, i, 1000) + b'\n' for i in range(80))
            subprocess.run(['kcat', '-b', '127.0.0.1:' + port, '-P', '-t', topic, '-p', '0', '-z', codec,
                            '-X', 'linger.ms=500', '-K', '\t'], input=lines.replace(b'record 1 ', b'record 1\t', 1),
                           check=True, timeout=60)
            with open(os.path.join(log_dir, topic + '-0', '00000000000000000000.log'), 'rb') as f:
                data = f.read()
            batches = read_v2(data)
            assert all(b['compression'] == CODECS[codec] for b in batches), \
                'kcat sent %s uncompressed: does the broker advertise Produce v0 and FindCoordinator v0?' % codec
            write('v2-%s-kcat' % codec, '-P -z %s -X linger.ms=500 -K tab: 80 lines of 1000 bytes (the second with a key), '
                  'stored by an mq broker listing Produce v0 and FindCoordinator v0 (base offset 0)' % codec, data, batches, source=KCAT)
    finally:
        broker.terminate()
        broker.wait()
        shutil.rmtree(log_dir)


if __name__ == '__main__':
    kafka_python_captures()
    kcat_captures()
