// The team block of data-parallel batches (TEAM_* and MEMBER_* of src/wasm/abi.ts, read by
// assembly/team.ts): a header the owner writes each round, and per worker a slot pointing to
// a network block of its own (the model's shape: its own chunk scratch and gradient; the
// parameters it reads are the owner's). The owner allocates it: workers never allocate.
import type { NetworkShape } from '../engines/network.js';
import { MEMBER_GRAD_PTR, MEMBER_NET_PTR, MEMBER_WORDS, TEAM_HEADER } from './abi.js';
import { allocNetworkBlock, type NetworkBlock } from './networkBlock.js';
import type { WasmRuntime } from './runtime.js';

export interface TeamBlock {
  readonly ptr: number;
  /** Workers it has a slot for. */
  readonly workers: number;
  /** The runtime's generation it was allocated in (its pointers are void after a rebuild). */
  readonly gen: number;
  readonly members: readonly NetworkBlock[];
}

/** Allocates a team for workers threads beside the owner, for a network of shape with chunks of capacity rows. */
export function allocTeamBlock(rt: WasmRuntime, shape: NetworkShape, capacity: number, workers: number): TeamBlock {
  const bytes = (TEAM_HEADER + workers * MEMBER_WORDS) * 4;
  const ptr = rt.alloc(bytes);
  const members: NetworkBlock[] = [];
  try {
    for (let w = 0; w < workers; w++) members.push(allocNetworkBlock(rt, shape, capacity, 0));
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
  return { ptr, workers, gen: rt.generation, members };
}

/** Frees a team's blocks (nothing after a rebuild: they are gone). */
export function freeTeamBlock(rt: WasmRuntime, team: TeamBlock): void {
  if (rt.generation !== team.gen) return;
  for (const m of team.members) rt.free(m.base);
  rt.free(team.ptr);
}
