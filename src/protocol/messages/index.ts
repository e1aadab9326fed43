// Every API mq speaks, by key. The broker registers a handler per entry; the client looks up
// request specs here. The list itself is all.ts, so adding an API is one line there.
import type { ApiSpec } from '../schema.js';
import * as all from './all.js';

export * from './all.js';

export const apis: ReadonlyMap<number, ApiSpec> = new Map(Object.values(all).map((a) => [a.apiKey, a]));
