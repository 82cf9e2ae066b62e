#!/usr/bin/env node
/** Writes deploy/haproxy/haproxy.cfg, the example that docs/deploy.md shows, from {@link haproxyConfig}. */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HAPROXY_EXAMPLE, haproxyConfig } from './haproxy-config.js';

const file = join(dirname(fileURLToPath(import.meta.url)), '../../../deploy/haproxy/haproxy.cfg');
writeFileSync(file, haproxyConfig(HAPROXY_EXAMPLE));
