#!/usr/bin/env node
// Thin launcher: everything lives in dist/cli/main.js (built from src/cli/main.ts by `npm run build`).
import { main } from '../dist/cli/main.js';

await main(process.argv);
