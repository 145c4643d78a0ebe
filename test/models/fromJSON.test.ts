// fromJSON's errors, word for word (they are part of the API): each names the
// file's field as the file spells it, its position and its value; the options
// are checked like every other options object. Also what it accepts: toJSON()
// output, its JSON text, weights as typed arrays, numbers up to float32's limit.
import { describe, expect, it } from 'vitest';
import { LinearRegression, LogisticRegression, ValidationError } from '../../src/index.js';

/** A version-1 file: what LinearRegression and LogisticRegression wrote before networks existed. */
interface V1File {
  format: string;
  version: number;
  model: string;
  features: number;
  weights: unknown[] | Float32Array;
  bias: number;
}
import { ENGINES, useReady } from '../helpers/engines.js';
import { expectThrows } from '../helpers/errors.js';
import { paramsOf } from '../helpers/models.js';
import { expectSame } from '../helpers/tolerance.js';

useReady();

const FIELDS = 'format, version, model, features, weights, bias';
const F32_LIMIT = 'largest magnitude is 3.4028234663852886e+38';

const KINDS = [
  { name: 'LinearRegression', Cls: LinearRegression },
  { name: 'LogisticRegression', Cls: LogisticRegression },
] as const;

describe.each(ENGINES)('fromJSON (%s)', (engine) => {
  describe.each(KINDS)('$name', ({ name, Cls }) => {
    const file = (): V1File => ({ format: 'steepest', version: 1, model: name, features: 4, weights: [0.5, -1.25, 2, 0.125], bias: -0.75 });
    const load = (json: unknown, options: unknown = { engine }) => () => Cls.fromJSON(json, options as { engine: typeof engine });
    const bad = (json: unknown, message: string) => expectThrows(load(json), ValidationError, message);
    const withField = (key: string, value: unknown) => ({ ...file(), [key]: value });

    it('loads toJSON() output, its JSON text and typed-array weights, exactly', () => {
      // Every number in the file is a float32, so every engine holds it exactly.
      const want = Float64Array.from([0.5, -1.25, 2, 0.125, -0.75]);
      for (const json of [file(), JSON.stringify(file()), withField('weights', Float32Array.from([0.5, -1.25, 2, 0.125]))]) {
        const m = Cls.fromJSON(json, { engine });
        expect(m.engine).toBe(engine);
        expectSame(paramsOf(m), want, `params from ${typeof json === 'string' ? 'text' : 'object'}`);
        m.dispose();
      }
    });

    it('accepts numbers up to the largest float32, and does not modify the caller\'s object', () => {
      const json = { ...file(), weights: [3.4028234663852886e38, -3.4028234663852886e38, 1e-45, 0], bias: 0 };
      const copy = structuredClone(json);
      const m = Cls.fromJSON(json, { engine });
      expectSame(m.weights, [3.4028234663852886e38, -3.4028234663852886e38, engine === 'js' ? 1e-45 : Math.fround(1e-45), 0], 'weights');
      expect(json).toStrictEqual(copy);
      m.dispose();
    });

    it('names the weight, its index and its value', () => {
      const weight = (i: number, v: unknown) => {
        const json = file();
        (json.weights as unknown[])[i] = v;
        return json;
      };
      bad(weight(3, NaN), 'weights[3] must be a finite number, got NaN');
      bad(weight(0, Infinity), 'weights[0] must be a finite number, got Infinity');
      bad(weight(1, -Infinity), 'weights[1] must be a finite number, got -Infinity');
      bad(weight(2, '0.5'), "weights[2] must be a finite number, got '0.5'");
      bad(weight(2, null), 'weights[2] must be a finite number, got null');
      bad(weight(1, [1, 2]), 'weights[1] must be a finite number, got [1, 2]');
      bad(weight(1, { v: 1 }), 'weights[1] must be a finite number, got an object');
      const holes = file();
      holes.weights = [0.5, -1.25, 2, 0.125];
      delete holes.weights[2];
      bad(holes, 'weights[2] must be a finite number, got undefined');
      bad(weight(0, 1e39), `weights[0] value 1e+39 is too large for float32 (${F32_LIMIT})`);
      bad(weight(3, -3.5e38), `weights[3] value -3.5e+38 is too large for float32 (${F32_LIMIT})`);
    });

    it('checks the number of weights against features, and their type', () => {
      bad(withField('weights', [1, 2, 3]), 'weights has 3 values but features is 4');
      bad(withField('weights', [1, 2, 3, 4, 5]), 'weights has 5 values but features is 4');
      bad(withField('weights', []), 'weights has 0 values but features is 4');
      bad(withField('weights', '1,2,3,4'), "weights must be an array of 4 numbers, got '1,2,3,4'");
      bad(withField('weights', { 0: 1, length: 4 }), 'weights must be an array of 4 numbers, got an object');
      bad(withField('weights', undefined), 'weights must be an array of 4 numbers, got undefined');
      // A huge features value is an error about the file, not an allocation failure.
      bad(withField('features', 2 ** 40), 'weights has 4 values but features is 1099511627776');
    });

    it('checks features and bias', () => {
      bad(withField('features', 0), 'features must be a positive integer, got 0');
      bad(withField('features', 2.5), 'features must be a positive integer, got 2.5');
      bad(withField('features', '4'), "features must be a positive integer, got '4'");
      bad(withField('bias', NaN), 'bias must be a finite number, got NaN');
      bad(withField('bias', undefined), 'bias must be a finite number, got undefined');
      bad(withField('bias', '0'), "bias must be a finite number, got '0'");
      bad(withField('bias', -1e39), `bias value -1e+39 is too large for float32 (${F32_LIMIT})`);
    });

    it('checks what the file is: format, version, model, and no unknown fields', () => {
      bad(null, 'json must be toJSON() output (an object) or its JSON text, got null');
      bad(5, 'json must be toJSON() output (an object) or its JSON text, got 5');
      bad([file()], 'json must be toJSON() output (an object) or its JSON text, got [an object]');
      bad('[1, 2]', 'json must be toJSON() output (an object) or its JSON text, got [1, 2]');
      bad(withField('format', 'x'), "json is not a steepest model (format 'x', version 1)");
      bad({}, 'json is not a steepest model (format undefined, version undefined)');
      // Version 2 and 3 files have other fields: a version-1 body marked 2 or 3 has unknown ones.
      bad(withField('version', 2), "unknown json field 'features' (expected one of format, version, library, model, shape, layers, classes, training)");
      bad(withField('version', 3), "unknown json field 'features' (expected one of format, version, library, model, shape, layers, classes, training, preprocessing)");
      bad(withField('version', '1'), "json has file format version '1'; this version of steepest reads versions 1, 2 and 3");
      bad({ ...withField('version', 4), library: '9.0.0' }, "json has file format version 4; this version of steepest reads versions 1, 2 and 3 (the file was written by steepest '9.0.0': upgrade steepest to load it)");
      // No library field (or not a string): no 'steepest undefined'.
      bad(withField('version', 7), 'json has file format version 7; this version of steepest reads versions 1, 2 and 3 (the file was written by a newer steepest: upgrade steepest to load it)');
      bad({ ...withField('version', 4), library: 12 }, 'json has file format version 4; this version of steepest reads versions 1, 2 and 3 (the file was written by a newer steepest: upgrade steepest to load it)');
      bad(withField('model', 5), 'model must be a string, got 5');
      const other = name === 'LinearRegression' ? 'LogisticRegression' : 'LinearRegression';
      bad(withField('model', other), `json holds a ${other}, not a ${name} (load it with ${other}.fromJSON or loadModel)`);
      bad(withField('weigths', [1, 2, 3, 4]), `unknown json field 'weigths' (expected one of ${FIELDS})`);
      bad(withField('extra', { nested: [1] }), `unknown json field 'extra' (expected one of ${FIELDS})`);
    });

    it('names the parse problem of damaged JSON text, keeping the parser\'s error as the cause', () => {
      const text = JSON.stringify(file());
      // The text after the colon is V8's own (Node 20): what JSON.parse said about the text.
      const err = bad(text.slice(0, 40), 'json is not valid JSON: Unexpected end of JSON input') as Error;
      expect(err.cause).toBeInstanceOf(SyntaxError);
      bad('', 'json is not valid JSON: Unexpected end of JSON input');
    });

    it('checks its options like every options object', () => {
      expectThrows(load(file(), { engin: engine }), ValidationError, "unknown fromJSON option 'engin' (expected one of engine)");
      expectThrows(load(file(), engine), ValidationError, `fromJSON options must be an options object, got '${engine}'`);
      expectThrows(load(file(), null), ValidationError, 'fromJSON options must be an options object, got null');
      expectThrows(load(file(), { engine: 'wasm' }), ValidationError, "engine must be one of auto, wasm-simd, wasm-scalar, js, got 'wasm'");
      // No options at all: the default engine.
      const m = Cls.fromJSON(file());
      expect(m.engine).toBe('wasm-simd');
      m.dispose();
    });
  });
});
