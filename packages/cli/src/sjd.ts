#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { ExecutionProviderError, InvalidArgumentError, ModelLoadError } from '@sjd/backend-node';
import { CommanderError } from 'commander';
import { EXIT } from './exit-codes.js';
import { flagForField } from './parse-options.js';
import { createProgram } from './program.js';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };
const program = createProgram(version);
try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = exitCodeFor(error);
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) {
    // Commander already printed its message (and help for --help, exit code 0).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  }
  if (InvalidArgumentError.isInstance(error)) {
    process.stderr.write(
      error.field === 'prompt'
        ? `sjd: ${error.message}\n`
        : `sjd: invalid ${flagForField(error.field)}: expected ${error.allowed}, received ${String(error.received)}\n`,
    );
    return EXIT.usage;
  }
  if (ModelLoadError.isInstance(error) || ExecutionProviderError.isInstance(error)) {
    process.stderr.write(`sjd: cannot load the model: ${error.message}\n`);
    return EXIT.model;
  }
  process.stderr.write(
    `sjd: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  return EXIT.failure;
}
