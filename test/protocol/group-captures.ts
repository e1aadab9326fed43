// The values capture-kafka-python.py and capture-kcat.mjs (group scenario) fed the real clients,
// shared by the group API tests so each test can check a decoded capture field by field.
import { loadCapture } from './oracles.js';

/** kafka-python captures: request header v1 client id and correlation id (+ version). */
export const KP_CLIENT = 'kafka-python-2.0.2';
export const KP_CORRELATION = 0x01020304;

export const GROUP = 'grüppe-1';
export const MEMBER = 'kafka-python-2.0.2-6b1c7f0e-1d2a-4e55-9a57-4b4a3f0c2d11';
export const MEMBER2 = 'rdkafka-0f9e8d7c';

/** kafka-python's consumer-protocol v0 structs, as embedded in its JoinGroup/SyncGroup/DescribeGroups captures. */
export const SUBSCRIPTION = loadCapture('consumer-protocol-subscription-v0.kafka-python.hex').bytes;
export const SUBSCRIPTION2 = loadCapture('consumer-protocol-subscription-v0-userdata.kafka-python.hex').bytes;
export const ASSIGNMENT = loadCapture('consumer-protocol-assignment-v0.kafka-python.hex').bytes;
export const ASSIGNMENT2 = loadCapture('consumer-protocol-assignment-v0-null-userdata.kafka-python.hex').bytes;

/** kcat -G: the group, and the member id the capture script's JoinGroup answer handed out. */
export const KCAT_GROUP = 'mq-capture-group';
export const KCAT_MEMBER = 'rdkafka-capture-member';

/** DescribeGroups/Metadata "authorized operations not requested" (INT32 min). */
export const OMITTED = -2147483648;
