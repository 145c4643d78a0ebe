// Data-parallel batches, the engine's side (assembly/team.ts is the kernels'): the team block
// (TEAM_* and MEMBER_* of src/wasm/abi.ts), a header the owner writes each round and per worker
// a slot pointing to a network block of its own (the model's shape: its own chunk scratch and
// gradient; the parameters it reads are the owner's), and one trainEpoch call with the pool's
// idle workers in teamServe. The owner allocates everything: workers never allocate. In the
// threads chunk (loaded only where shared memory exists): the engine reaches it through
// Threaded.team (src/threads/pool.ts).
import {
  MEMBER_GRAD_PTR, MEMBER_NET_PTR, MEMBER_WORDS, TEAM_CHUNKS, TEAM_FAULT, TEAM_HEADER, TEAM_OWNER_BLOCKS, TEAM_SEQ,
  TEAM_STOP, TEAM_THREADS,
} from '../wasm/abi.js';
import type { NetworkBlock } from '../wasm/networkBlock.js';
import type { WasmRuntime } from '../wasm/runtime.js';
import type { Pool } from './pool.js';

/** A trainer's team block, kept between calls (the trainer frees its blocks). */
export interface TeamBlock {
  readonly ptr: number;
  /** Workers it has a slot for. */
  readonly workers: number;
  /** The runtime's generation it was allocated in (its pointers are void after a rebuild). */
  readonly gen: number;
  /** Every block it holds (the header's, then each worker's network block). */
  readonly blocks: readonly number[];
}

/**
 * One trainEpoch call, train(teamPtr), with data-parallel batches on up to cap - 1 idle workers
 * (at most chunks - 1: one chunk each per round). member allocates one worker's network block
 * (the trainer's shape and slice size: allocNetworkBlock, which stays in the main bundle);
 * held.block is the trainer's team block, kept there between calls (reallocated when void or too
 * small). Returns null where no worker is idle (the caller trains alone), else trainEpoch's
 * status. A worker's fault throws the pool's EngineError (the instance rebuilt, every model
 * restored); an owner's trap ends the workers and rethrows.
 */
export function teamEpoch(
  pool: Pool, member: () => NetworkBlock, held: { block: TeamBlock | null }, cap: number, chunks: number,
  train: (teamPtr: number) => number,
): number | null {
  const workers = pool.idle(Math.min(cap, chunks));
  if (workers.length === 0) return null;
  const rt = pool.runtime;
  const old = held.block;
  if (old && (old.gen !== rt.generation || old.workers < pool.size - 1)) {
    if (old.gen === rt.generation) for (const p of old.blocks) rt.free(p);
    held.block = null;
  }
  const ptr = (held.block ??= allocTeamBlock(rt, member, pool.size - 1)).ptr;
  const t = ptr >>> 2;
  rt.u32[t + TEAM_STOP] = 0;
  rt.u32[t + TEAM_FAULT] = 0;
  rt.u32[t + TEAM_CHUNKS] = 0;
  rt.u32[t + TEAM_THREADS] = workers.length + 1;
  // A page's main thread may not block (memory.atomic.wait32 traps there): its owner only spins.
  rt.u32[t + TEAM_OWNER_BLOCKS] = typeof (globalThis as { document?: unknown }).document === 'undefined' ? 1 : 0;
  const seen = rt.u32[t + TEAM_SEQ];
  let status: number;
  try {
    // Inside the try: if a start throws, the workers already in teamServe are ended (they would wait for rounds forever).
    workers.forEach((w, k) => pool.start(w, { fn: 'teamServe', args: [ptr, k, seen], fault: ptr + TEAM_FAULT * 4 }));
    status = train(ptr);
  } catch (err) {
    pool.cancel(); // the owner trapped: its workers wait for rounds that will not come
    throw err;
  }
  pool.join(); // a worker's fault: the EngineError, the instance rebuilt and every model restored
  pool.teamChunks += rt.u32[t + TEAM_CHUNKS];
  return status;
}

/** Allocates a team for workers threads beside the owner, each with a network block from member. */
function allocTeamBlock(rt: WasmRuntime, member: () => NetworkBlock, workers: number): TeamBlock {
  const bytes = (TEAM_HEADER + workers * MEMBER_WORDS) * 4;
  const ptr = rt.alloc(bytes);
  const members: NetworkBlock[] = [];
  try {
    for (let w = 0; w < workers; w++) members.push(member());
  } catch (err) {
    for (const m of members) rt.free(m.base);
    rt.free(ptr);
    throw err;
  }
  const u32 = rt.u32;
  u32.fill(0, ptr >>> 2, (ptr + bytes) >>> 2);
  members.forEach((m, w) => {
    const s = (ptr >>> 2) + TEAM_HEADER + w * MEMBER_WORDS;
    u32[s + MEMBER_NET_PTR] = m.descPtr;
    u32[s + MEMBER_GRAD_PTR] = m.gradPtr;
  });
  return { ptr, workers, gen: rt.generation, blocks: [ptr, ...members.map((m) => m.base)] };
}
