#!/usr/bin/env node
// The bin target exists before `pnpm build` (pnpm links workspace bins at install time); the CLI is built to dist/.
import '../dist/sjd.js';
