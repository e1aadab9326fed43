// Importing this module registers every handler with the router.
import './00-produce.js';
import './01-fetch.js';
import './02-list-offsets.js';
import './03-metadata.js';
import './18-api-versions.js';
import './19-create-topics.js';
import './20-delete-topics.js';
import './37-create-partitions.js';
