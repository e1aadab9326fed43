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
#   - GroupCoordinatorResponse_v1 (FindCoordinator v1) lacks throttle_time_ms, which Kafka's v1
#     response starts with.
#   - DescribeGroupsResponse_v3 lacks the per-group authorized_operations int32 Kafka added in v3.
#   - ListGroupsRequest_v2 declares API_VERSION = 1, so its frame is a v1 request.
#   - DescribeConfigsResponse_v1 keeps v0's is_default and lacks config_source, which Kafka's v1
#     has in its place.
#   - AlterConfigsResponse[1] is AlterConfigsRequest_v1, so there is no v1 response to encode.

import os
import sys

from kafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata
from kafka.protocol.admin import (AlterConfigsRequest, AlterConfigsResponse, ApiVersionRequest, ApiVersionResponse,
                                  CreatePartitionsRequest, DescribeConfigsRequest, DescribeConfigsResponse,
                                  CreatePartitionsResponse, CreateTopicsRequest, CreateTopicsResponse,
                                  DeleteGroupsRequest, DeleteGroupsResponse, DeleteTopicsRequest,
                                  DeleteTopicsResponse, DescribeGroupsRequest, DescribeGroupsResponse,
                                  ListGroupsRequest, ListGroupsResponse)
from kafka.protocol.commit import (GroupCoordinatorRequest, GroupCoordinatorResponse, OffsetCommitRequest,
                                   OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse)
from kafka.protocol.fetch import FetchRequest, FetchResponse
from kafka.protocol.group import (HeartbeatRequest, HeartbeatResponse, JoinGroupRequest, JoinGroupResponse,
                                  LeaveGroupRequest, LeaveGroupResponse, SyncGroupRequest, SyncGroupResponse)
from kafka.protocol.metadata import MetadataRequest, MetadataResponse
from kafka.protocol.offset import OffsetRequest, OffsetResponse
from kafka.protocol.parser import KafkaProtocol
from kafka.protocol.produce import ProduceRequest, ProduceResponse
from kafka.record.legacy_records import LegacyRecordBatchBuilder
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

# ---------------------------------------------------------------- Produce 0-2 (legacy message sets)
def message_set(magic):
    b = LegacyRecordBatchBuilder(magic=magic, compression_type=0, batch_size=1 << 20)
    b.append(0, timestamp=1700000000000 if magic else None, key=b'k0', value=b'legacy-0')
    b.append(1, timestamp=1700000000001 if magic else None, key=None, value=b'legacy-1')
    return bytes(b.build())


for v in range(0, 3):
    req = ProduceRequest[v](required_acks=1, timeout=30000 + v,
                            topics=[('orders', [(0, message_set(0 if v == 0 else 1))])])
    request('produce', v, req)
    if v == 0:
        resp = ProduceResponse[0](topics=[('orders', [(0, 0, 5000000000), (7, 6, -1)])])
    elif v == 1:
        resp = ProduceResponse[1](topics=[('orders', [(0, 0, 5000000000), (7, 6, -1)])], throttle_time_ms=12)
    else:
        resp = ProduceResponse[2](topics=[('orders', [(0, 0, 5000000000, -1), (7, 6, -1, 1700000000123)])],
                                  throttle_time_ms=12)
    response('produce', v, resp)

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

# ---------------------------------------------------------------- the embedded consumer protocol (v0)
# What kafka-python's ConsumerCoordinator puts in JoinGroup protocol metadata and SyncGroup
# assignments (kafka/coordinator/consumer.py: group_protocols, _perform_assignment).
def encoded(struct):
    # Struct.encode is bound through a WeakMethod, so the struct must outlive the call.
    return struct.encode()


SUBSCRIPTION = encoded(ConsumerProtocolMemberMetadata(0, ['orders', 'payments.eu-west'], b''))
SUBSCRIPTION2 = encoded(ConsumerProtocolMemberMetadata(0, ['orders'], b'\x00\xffud'))
ASSIGNMENT = encoded(ConsumerProtocolMemberAssignment(0, [('orders', [0, 2]), ('payments.eu-west', [1])], b''))
ASSIGNMENT2 = encoded(ConsumerProtocolMemberAssignment(0, [('orders', [1])], None))
write('consumer-protocol-subscription-v0.kafka-python.hex',
      "kafka-python 2.0.2 ConsumerProtocolMemberMetadata(0, ['orders', 'payments.eu-west'], b'').encode()",
      SUBSCRIPTION)
write('consumer-protocol-subscription-v0-userdata.kafka-python.hex',
      "kafka-python 2.0.2 ConsumerProtocolMemberMetadata(0, ['orders'], b'\\x00\\xffud').encode()",
      SUBSCRIPTION2)
write('consumer-protocol-assignment-v0.kafka-python.hex',
      "kafka-python 2.0.2 ConsumerProtocolMemberAssignment(0, [('orders', [0, 2]), ('payments.eu-west', [1])], b'')"
      ".encode()", ASSIGNMENT)
write('consumer-protocol-assignment-v0-null-userdata.kafka-python.hex',
      "kafka-python 2.0.2 ConsumerProtocolMemberAssignment(0, [('orders', [1])], None).encode()", ASSIGNMENT2)

GROUP = 'grüppe-1'
MEMBER = 'kafka-python-2.0.2-6b1c7f0e-1d2a-4e55-9a57-4b4a3f0c2d11'
MEMBER2 = 'rdkafka-0f9e8d7c'

# ---------------------------------------------------------------- FindCoordinator (GroupCoordinator) 0-1
request('find-coordinator', 0, GroupCoordinatorRequest[0](consumer_group=GROUP))
request('find-coordinator', 1, GroupCoordinatorRequest[1](coordinator_key='txn-app-Ω', coordinator_type=1))
response('find-coordinator', 0, GroupCoordinatorResponse[0](error_code=0, coordinator_id=2, host='broker-2.example',
                                                            port=19093))
# (v1 response not captured: kafka-python's schema is wrong, see header)

# ---------------------------------------------------------------- JoinGroup 0-2
for v in range(0, 3):
    kw = dict(group=GROUP, session_timeout=10000 + v, member_id='' if v == 0 else MEMBER, protocol_type='consumer',
              group_protocols=[('range', SUBSCRIPTION), ('roundrobin', SUBSCRIPTION2)])
    if v >= 1:
        kw.update(rebalance_timeout=300000)
    request('join-group', v, JoinGroupRequest[v](**kw))
    if v == 0:  # the leader's answer carries every member's metadata
        resp = JoinGroupResponse[v](error_code=0, generation_id=5, group_protocol='range', leader_id=MEMBER,
                                    member_id=MEMBER, members=[(MEMBER, SUBSCRIPTION), (MEMBER2, SUBSCRIPTION2)])
    elif v == 1:  # a rebalance error: no generation, no protocol
        resp = JoinGroupResponse[v](error_code=27, generation_id=-1, group_protocol='', leader_id='',
                                    member_id=MEMBER, members=[])
    else:  # a follower's answer: members is empty
        resp = JoinGroupResponse[v](throttle_time_ms=100, error_code=0, generation_id=2147483647,
                                    group_protocol='roundrobin', leader_id=MEMBER2, member_id=MEMBER, members=[])
    response('join-group', v, resp)

# ---------------------------------------------------------------- SyncGroup 0-1
request('sync-group', 0, SyncGroupRequest[0](group=GROUP, generation_id=5, member_id=MEMBER,
                                             group_assignment=[(MEMBER, ASSIGNMENT), (MEMBER2, ASSIGNMENT2)]))
request('sync-group', 1, SyncGroupRequest[1](group=GROUP, generation_id=6, member_id=MEMBER2, group_assignment=[]))
response('sync-group', 0, SyncGroupResponse[0](error_code=0, member_assignment=ASSIGNMENT))
response('sync-group', 1, SyncGroupResponse[1](throttle_time_ms=3, error_code=27, member_assignment=b''))

# ---------------------------------------------------------------- Heartbeat 0-1
for v in (0, 1):
    request('heartbeat', v, HeartbeatRequest[v](group=GROUP, generation_id=5 + v, member_id=MEMBER))
response('heartbeat', 0, HeartbeatResponse[0](error_code=0))
response('heartbeat', 1, HeartbeatResponse[1](throttle_time_ms=9, error_code=27))

# ---------------------------------------------------------------- LeaveGroup 0-1
for v in (0, 1):
    request('leave-group', v, LeaveGroupRequest[v](group=GROUP, member_id=MEMBER if v == 0 else MEMBER2))
response('leave-group', 0, LeaveGroupResponse[0](error_code=0))
response('leave-group', 1, LeaveGroupResponse[1](throttle_time_ms=1, error_code=25))

# ---------------------------------------------------------------- OffsetCommit 0-3
for v in range(0, 4):
    if v == 0:
        req = OffsetCommitRequest[0](consumer_group=GROUP,
                                     topics=[('orders', [(0, 5000000000, 'meta-ü'), (1, 0, None)])])
    elif v == 1:
        req = OffsetCommitRequest[1](consumer_group=GROUP, consumer_group_generation_id=5, consumer_id=MEMBER,
                                     topics=[('orders', [(0, 5000000000, 1700000000000, 'meta-ü'),
                                                         (1, 0, -1, None)])])
    else:
        req = OffsetCommitRequest[v](consumer_group=GROUP, consumer_group_generation_id=-1 if v == 3 else 5,
                                     consumer_id='' if v == 3 else MEMBER,
                                     retention_time=-1 if v == 2 else 86400000,
                                     topics=[('orders', [(0, 5000000000, 'meta-ü'), (1, 0, None)]),
                                             ('payments.eu-west', [(7, 42, '')])])
    request('offset-commit', v, req)
    topics = [('orders', [(0, 0), (1, 12)]), ('payments.eu-west', [(7, 22)])]
    if v < 3:
        response('offset-commit', v, OffsetCommitResponse[v](topics=topics))
    else:
        response('offset-commit', v, OffsetCommitResponse[v](throttle_time_ms=4, topics=topics))

# ---------------------------------------------------------------- OffsetFetch 0-3
for v in range(0, 4):
    topics = {0: [('orders', [0, 1, 2])], 1: [('orders', [0, 1, 2])], 2: None,
              3: [('orders', [0]), ('payments.eu-west', [3])]}[v]
    request('offset-fetch', v, OffsetFetchRequest[v](consumer_group=GROUP, topics=topics))
    parts = [(0, 5000000000, 'meta-ü', 0), (1, -1, '', 0), (2, -1, None, 16 if v == 1 else 0)]
    if v < 2:
        resp = OffsetFetchResponse[v](topics=[('orders', parts)])
    elif v == 2:
        resp = OffsetFetchResponse[v](topics=[('orders', parts)], error_code=0)
    else:
        resp = OffsetFetchResponse[v](throttle_time_ms=8, topics=[], error_code=14)
    response('offset-fetch', v, resp)

# ---------------------------------------------------------------- DescribeGroups 0-3 (responses 0-2)
for v in range(0, 4):
    if v < 3:
        req = DescribeGroupsRequest[v](groups=[GROUP, 'gone'])
    else:
        req = DescribeGroupsRequest[v](groups=[GROUP, 'gone'], include_authorized_operations=True)
    request('describe-groups', v, req)
    if v == 3:
        continue  # kafka-python's DescribeGroupsResponse_v3 schema is wrong (see header)
    groups = [(0, GROUP, 'Stable', 'consumer', 'range',
               [(MEMBER, 'kafka-python-2.0.2', '/127.0.0.1', SUBSCRIPTION, ASSIGNMENT),
                (MEMBER2, 'rdkafka', '/10.0.0.7', SUBSCRIPTION2, b'')]),
              (69, 'gone', 'Dead', '', '', [])]
    if v == 0:
        resp = DescribeGroupsResponse[v](groups=groups)
    else:
        resp = DescribeGroupsResponse[v](throttle_time_ms=v, groups=groups)
    response('describe-groups', v, resp)

# ---------------------------------------------------------------- ListGroups 0-2
for v in range(0, 3):
    if v < 2:  # kafka-python's ListGroupsRequest_v2 is sent as v1 (see header)
        request('list-groups', v, ListGroupsRequest[v]())
    groups = [(GROUP, 'consumer'), ('connect-cluster', 'connect'), ('simple', '')]
    if v == 0:
        resp = ListGroupsResponse[v](error_code=0, groups=groups)
    else:
        resp = ListGroupsResponse[v](throttle_time_ms=10 * v, error_code=15 if v == 2 else 0, groups=groups)
    response('list-groups', v, resp)

# ---------------------------------------------------------------- DeleteGroups 0-1
for v in (0, 1):
    request('delete-groups', v, DeleteGroupsRequest[v](groups_names=[GROUP, 'gone', 'busy']))
    response('delete-groups', v, DeleteGroupsResponse[v](throttle_time_ms=v * 5, results=[
        (GROUP, 0), ('gone', 69), ('busy', 68)]))

# ---------------------------------------------------------------- DescribeConfigs 0-2
for v in range(0, 3):
    # Topic with named keys; the cluster-wide broker default (empty name) with null keys (all).
    resources = [(2, 'orders', ['retention.ms', 'cleanup.policy']), (4, '', None)]
    if v == 0:
        request('describe-configs', v, DescribeConfigsRequest[v](resources=resources))
    else:
        request('describe-configs', v, DescribeConfigsRequest[v](resources=resources, include_synonyms=(v == 1)))
    if v == 1:
        continue  # kafka-python's DescribeConfigsResponse_v1 schema is wrong (see header)
    if v == 0:
        entries = [('retention.ms', '86400000', False, False, False), ('cleanup.policy', 'delete', False, True, False),
                   ('ssl.key.password', None, True, False, True)]
    else:
        entries = [('retention.ms', '86400000', False, 1, False,
                    [('retention.ms', '86400000', 1), ('log.retention.ms', '604800000', 4)]),
                   ('cleanup.policy', 'delete', False, 5, False, []),
                   ('ssl.key.password', None, True, 4, True, [('ssl.key.password', None, 4)])]
    response('describe-configs', v, DescribeConfigsResponse[v](throttle_time_ms=v * 7, resources=[
        (0, None, 2, 'orders', entries),
        (3, 'The topic \'gone\' does not exist.', 2, 'gone', [])]))

# ---------------------------------------------------------------- AlterConfigs 0-1
for v in (0, 1):
    request('alter-configs', v, AlterConfigsRequest[v](resources=[
        (2, 'orders', [('retention.ms', '3600000'), ('cleanup.policy', 'compact,delete')]),
        (4, '1', [('log.retention.bytes', '-1')])], validate_only=(v == 1)))
response('alter-configs', 0, AlterConfigsResponse[0](throttle_time_ms=0, resources=[
    (0, None, 2, 'orders'), (40, 'Unknown topic config name: ünknown', 2, 'other')]))

print('wrote captures to', OUT, file=sys.stderr)
