// The entry points' import graphs, as a bundler sees them (esbuild's metafile): 'steepest'
// loads neither the data sets nor the CSV reader nor any package (fitStream's stream readers,
// svmlight and csvStream, load with it on first use) (the library stays
// dependency-free and browser-safe); 'steepest/datasets' loads its data but no CSV parser
// and nothing from Node.
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';

/** The source files and packages a bundle of entry pulls in (paths relative to the repository). */
async function inputsOf(entry: string, platform: 'neutral' | 'node'): Promise<string[]> {
  const result = await build({
    entryPoints: [entry], bundle: true, write: false, metafile: true, format: 'esm', platform, logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('entry points', () => {
  it("'steepest' (src/index.ts) loads no data set, no CSV reader and no package", async () => {
    const inputs = await inputsOf('src/index.ts', 'neutral'); // 'neutral': a node: import would fail the build
    expect(inputs).toContain('src/models/model.ts'); // the graph is really the library's
    expect(inputs).toContain('src/preprocess/Preprocessor.ts');
    // fitStream's text readers are the exception: loaded on its first call (a dynamic import), no Node modules, no packages.
    const streamReaders = ['src/datasets/svmlight.ts', 'src/datasets/csvStream.ts'];
    expect(inputs).toEqual(expect.arrayContaining(streamReaders)); // the exception is real: remove it from here when it goes
    expect(inputs.filter((f) => f.startsWith('src/datasets/') && !streamReaders.includes(f))).toEqual([]);
    expect(inputs.filter((f) => f.includes('node_modules'))).toEqual([]);
  });

  it("'steepest/datasets' (src/datasets/index.ts) loads its data but not the CSV reader, csv-parse or Node modules", async () => {
    const inputs = await inputsOf('src/datasets/index.ts', 'neutral');
    expect(inputs).toContain('src/datasets/data/digits.ts');
    expect(inputs).not.toContain('src/datasets/csv.ts');
    expect(inputs.filter((f) => f.includes('node_modules'))).toEqual([]);
  });

  it('the check sees packages when they are there: the CSV reader pulls in csv-parse', async () => {
    const inputs = await inputsOf('src/datasets/csv.ts', 'node');
    // (node_modules may be a symlink, so the path need not start with it)
    expect(inputs.some((f) => f.includes('node_modules/csv-parse/'))).toBe(true);
  });
});
