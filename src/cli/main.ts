#!/usr/bin/env node
// The `steepest` command (package.json's bin): `steepest --help` lists what it does.
import { quietOnClosedPipe } from './io.js';
import { run } from './run.js';

// Every subcommand: a reader that goes away (| head) ends the output, not with an EPIPE stack trace.
quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
process.exitCode = await run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
