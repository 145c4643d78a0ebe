// Data-parallel batches (threaded build only: every use is behind ASC_FEATURE_THREADS, so the
// other builds compile none of it). A network's batch sums its gradient and loss in slices of
// NET_SLICE_ROWS rows in every build (network.ts); here those slices, the team's chunks, go out
// in rounds of `threads`: the
// owner (the thread in trainEpoch) takes the round's first chunk, worker w the chunk w + 1,
// each into a gradient of its own, and the owner adds the workers' chunk gradients to its
// own in chunk order. A chunk's gradient is a sum formed from zero and then added, so these
// are the same additions in the same order as one thread's networkBatch: the same bits for
// any thread count. The per-batch loop never returns to JS: workers sit in teamServe for the
// whole call, spinning briefly and then blocking on TEAM_SEQ between rounds. The owner spins
// while the workers finish their chunks (which take as long as its own), then blocks where it
// may (not on a browser's main thread): on a busy machine a worker can be descheduled. Every
// worker acknowledges every round (MEMBER_DONE), with a chunk or without, so none reads a
// round's fields while the owner writes the next. Workers never allocate: the team block and
// each worker's network descriptor and gradient are the owner's (src/threads/team.ts).
import { networkChunk } from './network';
import { field, pointer } from './fields';
import {
  NET_SLICE_ROWS, NET_PARAMS, TEAM_SEQ, TEAM_STOP, TEAM_FAULT, TEAM_THREADS, TEAM_CHUNKS, TEAM_START, TEAM_END,
  TEAM_X_PTR, TEAM_Y_PTR, TEAM_SW_PTR, TEAM_ORDER_PTR, TEAM_PARAMS_PTR, TEAM_OWNER_BLOCKS, TEAM_SPINS, TEAM_LOSS,
  TEAM_HEADER, MEMBER_DONE, MEMBER_NET_PTR, MEMBER_GRAD_PTR, MEMBER_LOSS, MEMBER_WORDS,
} from '../src/wasm/abi';

// Adaptive spinning: a thread that waits spins up to its budget of loads, then blocks. The
// budget doubles when the spin sufficed and halves when it did not (MIN_SPINS to MAX_SPINS:
// about 8 to 60 us; a floor below the owner's serial work between rounds, the optimizer step,
// made most rounds block and wake: 0.5 us measured 1.07x one thread where 8 us gives 0.66x):
// on an idle machine the other thread answers within microseconds and a wake-up from a blocked wait would cost more than the wait; on a machine whose cores are
// oversubscribed the other thread may be descheduled for milliseconds, and spinning only takes
// its core (measured: a fixed spin of 2^22 loads made the MLP epoch 15-47x slower at load 7).
const MIN_SPINS = 1 << 12;
const MAX_SPINS = 1 << 15;

// Every PROBE_ROUNDS rounds the budget goes back to MAX_SPINS: once it has halved down to a spin
// shorter than the other thread's serial work between rounds (the optimizer step), every wait
// blocks and no wait can show that spinning would suffice, so without a probe a fit that met one
// descheduled round stayed in that mode (measured: MLP 64-64-1 epochs at 54 ms instead of 22 on an
// idle machine, in about half of the processes). A probe costs at most one MAX_SPINS spin.
const PROBE_ROUNDS = 64;

// @ts-ignore: decorator
@inline function nextSpins(spins: i32, sufficed: bool, round: i32): i32 {
  if (round % PROBE_ROUNDS == 0) return MAX_SPINS;
  return sufficed ? min(spins << 1, MAX_SPINS) : max(spins >> 1, MIN_SPINS);
}

// @ts-ignore: decorator
@inline function slot(teamPtr: usize, w: i32): usize {
  return teamPtr + ((TEAM_HEADER + <usize>w * MEMBER_WORDS) << 2);
}

/** Whether a worker of the team has failed (its thread sets TEAM_FAULT): the owner stops the call. */
// @ts-ignore: decorator
@inline export function teamFault(teamPtr: usize): bool {
  return atomic.load<i32>(teamPtr + (TEAM_FAULT << 2)) != 0;
}

/** Ends the call for the team's workers (they return from teamServe). */
export function teamStop(teamPtr: usize): void {
  atomic.store<i32>(teamPtr + (TEAM_STOP << 2), 1);
  atomic.add<i32>(teamPtr + (TEAM_SEQ << 2), 1);
  atomic.notify(teamPtr + (TEAM_SEQ << 2));
}

/**
 * networkBatch (dense rows) with the chunks shared by the team: the loss sum of rows
 * start..end and their summed gradient, added to gradPtr. Returns early, with the sums
 * incomplete, if a worker fails (the caller checks teamFault).
 */
export function teamBatch(
  netPtr: usize, teamPtr: usize, xPtr: usize, yPtr: usize, swPtr: usize, orderPtr: usize, start: i32, end: i32,
  paramsPtr: usize, gradPtr: usize,
): f64 {
  const slice = field(netPtr, NET_SLICE_ROWS);
  const nParams = field(netPtr, NET_PARAMS);
  const threads = field(teamPtr, TEAM_THREADS);
  const blocks = field(teamPtr, TEAM_OWNER_BLOCKS) != 0;
  store<u32>(teamPtr + (TEAM_X_PTR << 2), <u32>xPtr);
  store<u32>(teamPtr + (TEAM_Y_PTR << 2), <u32>yPtr);
  store<u32>(teamPtr + (TEAM_SW_PTR << 2), <u32>swPtr);
  store<u32>(teamPtr + (TEAM_ORDER_PTR << 2), <u32>orderPtr);
  store<u32>(teamPtr + (TEAM_PARAMS_PTR << 2), <u32>paramsPtr);
  store<i32>(teamPtr + (TEAM_END << 2), end);
  // The running loss lives in memory, not in a local: in Node 20's V8 an f64 local that is live
  // across memory.atomic.wait32 came back with its low bits changed (the loss sums of
  // test/threads/team.property.test.ts differed by a few f32 ulps exactly when the owner had
  // blocked), while the gradients, which never cross a wait in a local, stayed exact.
  const lossPtr = teamPtr + (TEAM_LOSS << 2);
  store<f64>(lossPtr, 0);
  let budget = max(field(teamPtr, TEAM_SPINS), MIN_SPINS);
  for (let c = start; c < end; c += slice * threads) {
    store<i32>(teamPtr + (TEAM_START << 2), c);
    // The sequentially consistent add publishes the stores above to the workers that see it.
    const seq = atomic.add<i32>(teamPtr + (TEAM_SEQ << 2), 1) + 1;
    atomic.notify(teamPtr + (TEAM_SEQ << 2));
    store<f64>(lossPtr, networkChunk(netPtr, xPtr, yPtr, swPtr, orderPtr, c, min(slice, end - c), paramsPtr, gradPtr, 0, 0, load<f64>(lossPtr)));
    for (let w = 0; w < threads - 1; w++) {
      const s = slot(teamPtr, w);
      // A late worker (descheduled on a busy machine) gets the owner's core where the owner may block.
      let spins = 0;
      let done: i32;
      while ((done = atomic.load<i32>(s + (MEMBER_DONE << 2))) != seq) {
        if (teamFault(teamPtr)) return load<f64>(lossPtr);
        if (++spins > budget && blocks) atomic.wait<i32>(s + (MEMBER_DONE << 2), done, 1_000_000); // 1 ms, then the fault check again
      }
      budget = nextSpins(budget, spins <= budget, seq);
      store<i32>(teamPtr + (TEAM_SPINS << 2), budget);
      if (c + (w + 1) * slice >= end) continue;
      addInto(gradPtr, pointer(s, MEMBER_GRAD_PTR), nParams);
      store<f64>(lossPtr, load<f64>(lossPtr) + load<f64>(s + (MEMBER_LOSS << 2)));
      store<i32>(teamPtr + (TEAM_CHUNKS << 2), field(teamPtr, TEAM_CHUNKS) + 1);
    }
  }
  return load<f64>(lossPtr);
}

/** dst[i] += src[i] for n f32 (n a multiple of 4), lane by lane as the scalar loop would. */
function addInto(dst: usize, src: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const off = <usize>i << 2;
    v128.store(dst + off, f32x4.add(v128.load(dst + off), v128.load(src + off)));
  }
}

/**
 * Worker w's side of a call (thread w + 1): waits for each round after round `seen`, computes
 * its chunk of it (if the batch has one) into its own gradient, and marks the round done,
 * until the owner stops the call.
 */
export function teamServe(teamPtr: usize, w: i32, seen: i32): void {
  if (ASC_FEATURE_THREADS) serve(teamPtr, w, seen); // the other builds export an empty function (one export list for every build)
}

function serve(teamPtr: usize, w: i32, seen: i32): void {
  const s = slot(teamPtr, w);
  const netPtr = pointer(s, MEMBER_NET_PTR);
  const gradPtr = pointer(s, MEMBER_GRAD_PTR);
  const slice = field(netPtr, NET_SLICE_ROWS);
  const paramBytes = <usize>field(netPtr, NET_PARAMS) << 2;
  const seqPtr = teamPtr + (TEAM_SEQ << 2);
  let budget = MAX_SPINS;
  for (;;) {
    let spins = 0;
    while (atomic.load<i32>(seqPtr) == seen) {
      if (++spins > budget) atomic.wait<i32>(seqPtr, seen);
    }
    seen = atomic.load<i32>(seqPtr);
    budget = nextSpins(budget, spins <= budget, seen);
    if (atomic.load<i32>(teamPtr + (TEAM_STOP << 2))) return;
    const c = field(teamPtr, TEAM_START) + (w + 1) * slice;
    const end = field(teamPtr, TEAM_END);
    if (c < end) {
      memory.fill(gradPtr, 0, paramBytes);
      const loss = networkChunk(
        netPtr, pointer(teamPtr, TEAM_X_PTR), pointer(teamPtr, TEAM_Y_PTR), pointer(teamPtr, TEAM_SW_PTR),
        pointer(teamPtr, TEAM_ORDER_PTR), c, min(slice, end - c), pointer(teamPtr, TEAM_PARAMS_PTR), gradPtr, 0, 0, 0,
      );
      store<f64>(s + (MEMBER_LOSS << 2), loss);
    }
    atomic.store<i32>(s + (MEMBER_DONE << 2), seen);
    atomic.notify(s + (MEMBER_DONE << 2)); // an owner that blocked
  }
}
