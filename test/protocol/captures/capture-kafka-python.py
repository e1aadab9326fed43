#!/usr/bin/python3
# Writes the kafka-python captures in this directory: request frames and response frames for every
# API version mq serves that kafka-python 2.0.2 also implements. Run with the system interpreter,
# which has kafka-python 2.0.2 installed:
#
#   /usr/bin/python3 test/protocol/captures/capture-kafka-python.py
#
# Requests go through kafka-python's own wire path (KafkaProtocol.send_request → send_bytes), so a
# capture is exactly what the client writes to its socket: INT32 size, request header v1
# (api key, version, correlation id, client id) and the body. Responses are encoded with
# kafka-python's Response classes; a broker-side frame is INT32 size + correlation id (response
# header v0, the only one these non-flexible versions use) + body, built here with kafka-python's
# Int32 type. Values are deliberately non-trivial: nulls next to non-nulls, multi-byte UTF-8, int64
# values above 2^32, negative sentinels, record batches built by kafka-python's own
# DefaultRecordBatchBuilder.
#
# Known kafka-python 2.0.2 schema bugs, so those versions are NOT captured from it:
#   - ProduceResponse_v8 closes the partitions array too early (record_errors/error_message end up
#     at topic level), so its bytes are not Kafka's v8 response.
#   - OffsetRequest_v4/v5 encode current_leader_epoch as Int64; Kafka's is int32.
#   - FetchRequest_v7+ declare forgotten_topics_data.topic as the String class rather than an
#     instance, so only an empty forgotten list can be encoded (which is what is captured).

import os
import sys

from kafka.protocol.admin import (ApiVersionRequest, ApiVersionResponse, CreatePartitionsRequest,
                                  CreatePartitionsResponse, CreateTopicsRequest, CreateTopicsResponse,
                                  DeleteTopicsRequest, DeleteTopicsResponse)
from kafka.protocol.fetch import FetchRequest, FetchResponse
from kafka.protocol.metadata import MetadataRequest, MetadataResponse
from kafka.protocol.offset import OffsetRequest, OffsetResponse
from kafka.protocol.parser import KafkaProtocol
from kafka.protocol.produce import ProduceRequest, ProduceResponse
from kafka.protocol.types import Int32
from kafka.record.default_records import DefaultRecordBatchBuilder
import kafka

assert kafka.__version__ == '2.0.2', kafka.__version__
OUT = os.path.dirname(os.path.abspath(__file__))
CLIENT_ID = 'kafka-python-2.0.2'
CORRELATION_ID = 0x01020304  # distinctive bytes in the header; version v uses CORRELATION_ID + v


def write(name, provenance, data):
    text = data.hex()
    lines = [text[i:i + 64] for i in range(0, len(text), 64)]
    with open(os.path.join(OUT, name), 'w') as f:
        f.write('# provenance: ' + provenance + '\n')
        f.write('\n'.join(lines) + '\n')


def request(api, version, req):
    proto = KafkaProtocol(client_id=CLIENT_ID)
    proto.send_request(req, correlation_id=CORRELATION_ID + version)
    data = proto.send_bytes()
    write('%s-request-v%d.kafka-python.hex' % (api, version),
          'kafka-python 2.0.2 %s (KafkaProtocol.send_request, client_id %r, correlation id %d); '
          'full frame: size, request header v1, body' % (type(req).__name__, CLIENT_ID, CORRELATION_ID + version),
          data)


def response(api, version, resp):
    body = Int32.encode(CORRELATION_ID + version) + resp.encode()
    write('%s-response-v%d.kafka-python.hex' % (api, version),
          'kafka-python 2.0.2 %s.encode() behind INT32 size + correlation id %d (response header v0)'
          % (type(resp).__name__, CORRELATION_ID + version),
          Int32.encode(len(body)) + body)


def record_batch(first_offset_delta_values):
    b = DefaultRecordBatchBuilder(magic=2, compression_type=0, is_transactional=0,
                                  producer_id=-1, producer_epoch=-1, base_sequence=-1, batch_size=1 << 20)
    for i, (key, value) in enumerate(first_offset_delta_values):
        b.append(i, timestamp=1700000000000 + i, key=key, value=value,
                 headers=[('h', b'\x00\xff')] if i == 0 else [])
    return bytes(b.build())


BATCH = record_batch([(b'k0', b'value-0'), (None, 'ü-value-1'.encode('utf-8'))])
BATCH2 = record_batch([(b'only', b'one')])
write('record-batch-a.kafka-python.hex',
      'kafka-python 2.0.2 DefaultRecordBatchBuilder (magic 2, no compression, 2 records, one header); '
      'the records field used in the Produce/Fetch captures', BATCH)
write('record-batch-b.kafka-python.hex',
      'kafka-python 2.0.2 DefaultRecordBatchBuilder (magic 2, no compression, 1 record); '
      'the second batch used in the Produce/Fetch captures', BATCH2)

# ---------------------------------------------------------------- ApiVersions 0-2
for v in range(0, 3):
    request('api-versions', v, ApiVersionRequest[v]())
    keys = [(0, 3, 9), (1, 4, 12), (18, 0, 3), (37, 0, 3)]
    if v == 0:
        response('api-versions', v, ApiVersionResponse[v](error_code=0, api_versions=keys))
    else:
        response('api-versions', v, ApiVersionResponse[v](error_code=35, api_versions=keys, throttle_time_ms=250 * v))

# ---------------------------------------------------------------- Metadata 0-5
for v in range(0, 6):
    # v0/v1/v4: named topics; v2: empty list (v1+: no topics); v3 and v5: null list (v1+: all topics)
    topics = {0: ['orders', 'payments.eu-west'], 1: ['orders'], 2: [], 3: None, 4: ['orders', 'ünïcode'], 5: None}[v]
    if v < 4:
        req = MetadataRequest[v](topics=topics)
    else:
        req = MetadataRequest[v](topics=topics, allow_auto_topic_creation=(v == 5))
    request('metadata', v, req)

    brokers0 = [(1, 'broker-1.example', 9092), (2, 'broker-2.example', 19093)]
    brokers1 = [(1, 'broker-1.example', 9092, 'rack-a'), (2, 'broker-2.example', 19093, None)]
    parts0 = [(0, 0, 1, [1, 2], [1, 2]), (9, 1, -1, [2, 1], [])]
    if v == 0:
        resp = MetadataResponse[0](brokers=brokers0, topics=[(0, 'orders', parts0), (3, 'missing', [])])
    elif v == 1:
        resp = MetadataResponse[1](brokers=brokers1, controller_id=2,
                                   topics=[(0, 'orders', False, parts0), (0, '__consumer_offsets', True, [])])
    elif v == 2:
        resp = MetadataResponse[2](brokers=brokers1, cluster_id='Zx8qTd-ClusterÜ', controller_id=1,
                                   topics=[(0, 'orders', False, parts0)])
    elif v in (3, 4):
        resp = MetadataResponse[v](throttle_time_ms=7 * v, brokers=brokers1, cluster_id=None if v == 3 else 'c-4',
                                   controller_id=-1, topics=[(0, 'orders', False, parts0)])
    else:
        parts5 = [(0, 0, 1, [1, 2, 3], [1, 2], [3]), (9, 1, -1, [2], [], [2])]
        resp = MetadataResponse[5](throttle_time_ms=0, brokers=brokers1, cluster_id='c-5', controller_id=1,
                                   topics=[(0, 'orders', False, parts5), (17, 'bad name', False, [])])
    response('metadata', v, resp)

# ---------------------------------------------------------------- Produce 3-8 (responses 3-7)
for v in range(3, 9):
    req = ProduceRequest[v](transactional_id=None if v % 2 else 'txn-Ω-%d' % v, required_acks=-1 if v != 4 else 1,
                            timeout=30000 + v,
                            topics=[('orders', [(0, BATCH), (7, BATCH2)]), ('empty', [(3, None)])])
    request('produce', v, req)
    if v == 8:
        continue  # kafka-python's ProduceResponse_v8 schema is wrong (see header)
    if v < 5:
        parts = [(0, 0, 5000000000, -1), (7, 6, -1, 1700000000123)]
        resp = ProduceResponse[v](topics=[('orders', parts)], throttle_time_ms=12)
    else:
        parts = [(0, 0, 5000000000, -1, 42), (7, 6, -1, 1700000000123, -1)]
        resp = ProduceResponse[v](topics=[('orders', parts)], throttle_time_ms=12)
    response('produce', v, resp)

# ---------------------------------------------------------------- Fetch 4-11
for v in range(4, 12):
    if v == 4:
        parts = [(0, 5000000000, 1048576), (3, 0, 65536)]
    elif v < 9:
        parts = [(0, 5000000000, -1, 1048576), (3, 0, 17, 65536)]
    else:
        parts = [(0, 12, 5000000000, -1, 1048576), (3, -1, 0, 17, 65536)]
    kw = dict(replica_id=-1, max_wait_time=500, min_bytes=1, max_bytes=52428800, isolation_level=1 if v % 2 else 0,
              topics=[('orders', parts), ('payments', [parts[0]])])
    if v >= 7:
        kw.update(session_id=0 if v < 10 else 123456, session_epoch=-1 if v < 10 else 7, forgotten_topics_data=[])
    if v >= 11:
        kw.update(rack_id='rack-ä')
    request('fetch', v, FetchRequest[v](**kw))

    aborted = [(9000000000, 5000000001), (1, 2)]
    if v == 4:
        parts = [(0, 0, 5000000010, 5000000005, aborted, BATCH), (3, 1, -1, -1, None, b'')]
        resp = FetchResponse[v](throttle_time_ms=3, topics=[('orders', parts)])
    elif v < 7:
        parts = [(0, 0, 5000000010, 5000000005, 4999999000, aborted, BATCH), (3, 1, -1, -1, -1, None, b'')]
        resp = FetchResponse[v](throttle_time_ms=3, topics=[('orders', parts)])
    elif v < 11:
        parts = [(0, 0, 5000000010, 5000000005, 4999999000, aborted, BATCH + BATCH2), (3, 1, -1, -1, -1, None, b'')]
        resp = FetchResponse[v](throttle_time_ms=3, error_code=0, session_id=0 if v < 9 else 987654,
                                topics=[('orders', parts)])
    else:
        parts = [(0, 0, 5000000010, 5000000005, 4999999000, aborted, 2, BATCH), (3, 1, -1, -1, -1, None, -1, b'')]
        resp = FetchResponse[v](throttle_time_ms=3, error_code=0, session_id=0, topics=[('orders', parts)])
    response('fetch', v, resp)

# ---------------------------------------------------------------- ListOffsets 1-5 (requests 1-3)
for v in range(1, 6):
    parts = [(0, -1), (1, -2), (2, 1700000000000)]
    if v <= 3:
        if v == 1:
            req = OffsetRequest[v](replica_id=-1, topics=[('orders', parts)])
        else:
            req = OffsetRequest[v](replica_id=-1, isolation_level=1, topics=[('orders', parts)])
        request('list-offsets', v, req)
    if v == 1:
        resp = OffsetResponse[v](topics=[('orders', [(0, 0, -1, 5000000000), (1, 1, -1, -1)])])
    elif v <= 3:
        resp = OffsetResponse[v](throttle_time_ms=5, topics=[('orders', [(0, 0, -1, 5000000000), (1, 1, -1, -1)])])
    else:
        resp = OffsetResponse[v](throttle_time_ms=5,
                                 topics=[('orders', [(0, 0, 1700000000000, 5000000000, 3), (1, 1, -1, -1, -1)])])
    response('list-offsets', v, resp)

# ---------------------------------------------------------------- CreateTopics 2-3
for v in (2, 3):
    req = CreateTopicsRequest[v](
        create_topic_requests=[
            ('orders', 6, 3, [], [('cleanup.policy', 'compact'), ('retention.ms', None)]),
            ('manual', -1, -1, [(0, [1, 2]), (1, [2, 3])], []),
        ],
        timeout=60000, validate_only=(v == 3))
    request('create-topics', v, req)
    resp = CreateTopicsResponse[v](throttle_time_ms=9, topic_errors=[
        ('orders', 0, None), ('manual', 36, 'Topic \u2018manual\u2019 already exists.')])
    response('create-topics', v, resp)

# ---------------------------------------------------------------- DeleteTopics 1-3
for v in (1, 2, 3):
    request('delete-topics', v, DeleteTopicsRequest[v](topics=['orders', 'payments.eu-west'], timeout=15000 + v))
    response('delete-topics', v, DeleteTopicsResponse[v](throttle_time_ms=v, topic_error_codes=[
        ('orders', 0), ('payments.eu-west', 3)]))

# ---------------------------------------------------------------- CreatePartitions 0-1
for v in (0, 1):
    req = CreatePartitionsRequest[v](
        topic_partitions=[('orders', (8, [[1, 2], [2, 3]])), ('payments', (4, None))],
        timeout=30000, validate_only=(v == 1))
    request('create-partitions', v, req)
    response('create-partitions', v, CreatePartitionsResponse[v](throttle_time_ms=0, topic_errors=[
        ('orders', 0, None), ('payments', 37, 'Number of partitions must be larger than 4.')]))

print('wrote captures to', OUT, file=sys.stderr)
