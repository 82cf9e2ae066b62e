#!/usr/bin/env node
/**
 * `pnpm --filter @sjd/grpc-server serve -- --port 50051`: the server without the `sjd`
 * command line; the flags are `sjd serve`'s (serve-command.ts). Exit 0 after a graceful
 * stop, 2 for a bad flag, 3 if the model cannot be loaded.
 */
import { InvalidArgumentError, ModelLoadError } from '@sjd/backend-node';
import { Command, CommanderError } from 'commander';
import { serve } from './serve.js';
import { addServeOptions, type ServeFlags, serveOptionsFrom } from './serve-command.js';

const program = addServeOptions(new Command('sjd-grpc-server'))
  .description('run the SJD gRPC server until SIGTERM (see docs/grpc.md)')
  .exitOverride()
  .action((flags: ServeFlags) => serve(serveOptionsFrom(flags)));
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2; // commander printed the message
  } else {
    process.stderr.write(
      `sjd-grpc-server: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = ModelLoadError.isInstance(error)
      ? 3
      : InvalidArgumentError.isInstance(error)
        ? 2
        : 1;
  }
}
