#!/usr/bin/env node
// The `steepest` command (package.json's bin): `steepest --help` lists what it does.
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
