// Parsing the command line: options by spec, misspellings named, values checked.
import { describe, expect, it } from 'vitest';
import { choice, nearest, num, parse, positionals, type CommandSpec } from '../../src/cli/args.js';
import { UsageError } from '../../src/cli/errors.js';
import { expectThrows } from '../helpers/errors.js';

const spec: CommandSpec = {
  name: 'train',
  summary: 'test',
  positionals: ['data', 'extra?'],
  options: {
    epochs: { type: 'string', help: '' },
    'early-stopping': { type: 'boolean', help: '' },
    lr: { type: 'string', help: '' },
    model: { type: 'string', help: '' },
  },
};

describe('nearest', () => {
  it('finds a one-letter slip, a transposition and a prefix, and nothing for a far word', () => {
    const known = ['epochs', 'early-stopping', 'lr', 'model', 'help'];
    expect(nearest('epoch', known)).toBe('epochs');
    expect(nearest('eopchs', known)).toBe('epochs'); // transposition: one edit
    expect(nearest('early', known)).toBe('early-stopping'); // prefix
    expect(nearest('lf', known)).toBe('lr');
    expect(nearest('banana', known)).toBeNull();
  });
});

describe('parse', () => {
  it('reads options in both spellings and keeps positionals', () => {
    const p = parse(spec, ['data.csv', '--epochs', '5', '--lr=0.1', '--early-stopping']);
    expect(p.values).toMatchObject({ epochs: '5', lr: '0.1', 'early-stopping': true });
    expect(p.positionals).toEqual(['data.csv']);
  });

  it('names the nearest option for a misspelled one, and the help otherwise', () => {
    expectThrows(() => parse(spec, ['d', '--epoch', '5']), UsageError, "unknown option '--epoch' for steepest train; did you mean '--epochs'?");
    expectThrows(() => parse(spec, ['d', '--zzz']), UsageError, "unknown option '--zzz' for steepest train; see steepest train --help");
  });

  it('rejects a value-taking option without its value, and a value on a flag', () => {
    expectThrows(() => parse(spec, ['d', '--lr']), UsageError, '--lr needs a value; see steepest train --help');
    expectThrows(() => parse(spec, ['d', '--lr', '--epochs', '3']), UsageError, '--lr needs a value; see steepest train --help');
    expectThrows(() => parse(spec, ['d', '--early-stopping=yes']), UsageError, "--early-stopping takes no value, got '--early-stopping=yes'");
  });

  it('checks the positionals', () => {
    expectThrows(() => positionals(spec, []), UsageError, 'steepest train needs <data>; missing <data> (see steepest train --help)');
    expect(positionals(spec, ['a', 'b'])).toEqual(['a', 'b']);
    expectThrows(() => positionals(spec, ['a', 'b', 'c']), UsageError, "steepest train takes 2 argument(s), got an extra 'c'");
  });
});

describe('typed values', () => {
  it('checks numbers and choices, naming the flag and the value', () => {
    const p = parse(spec, ['d', '--epochs', '2.5', '--lr', '-1', '--model', 'lineer']);
    expectThrows(() => num(p, 'epochs', { integer: true, min: 1 }), UsageError, "--epochs must be an integer >= 1, got '2.5'");
    expectThrows(() => num(p, 'lr', { above: 0 }), UsageError, "--lr must be a number > 0, got '-1'");
    expectThrows(() => choice(p, 'model', ['linear', 'logistic']), UsageError, "--model must be one of linear, logistic, got 'lineer'; did you mean 'linear'?");
    expect(num(parse(spec, ['d', '--epochs', '7']), 'epochs', { integer: true, min: 1 })).toBe(7);
  });
});
