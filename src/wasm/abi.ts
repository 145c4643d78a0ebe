// The one definition of every number both sides of the WASM boundary must agree on: the
// codes (activations, losses, heads, optimizers, data kinds, statuses) and the field
// numbers of the blocks in linear memory (network descriptor and its layers, data
// descriptor, optimizer block, stats block). assembly/ imports this file as it is (plain
// `export const NAME = integer` lines are AssemblyScript as well as TypeScript, so keep it
// to those), and src/ imports it; a bundler inlines each value, so the names cost nothing.
// Field numbers count 4-byte slots (i32 values or u32 byte addresses) unless a comment says
// f64. test/wasm/abi.test.ts checks the layouts' slots and the exports of the builds.

// Activation codes, applied to a layer's output (assembly/kernels/activations.ts).
export const ACT_IDENTITY = 0;
export const ACT_SIGMOID = 1;
export const ACT_TANH = 2;
export const ACT_RELU = 3;

// Per-value losses of lossRows (assembly/kernels/losses.ts).
export const LOSS_MSE = 0;
export const LOSS_BCE = 1;

// Heads: the loss on the output layer's values. HEAD_MSE and HEAD_SIGMOID are lossRows' LOSS codes.
export const HEAD_MSE = 0; // sum over outputs of (z - y)^2; f32 targets, one per output
export const HEAD_SIGMOID = 1; // binary cross-entropy from each output's logit; f32 targets in [0, 1]
export const HEAD_SOFTMAX = 2; // softmax cross-entropy over the outputs; one i32 class label per row

// Optimizer codes (OPT_KIND).
export const OPTIMIZER_SGD = 0;
export const OPTIMIZER_ADAM = 1;
export const OPTIMIZER_ADAMW = 2;
export const OPTIMIZER_RMSPROP = 3;
export const OPTIMIZER_ADAGRAD = 4;
// Learning-rate-free optimizers (codes >= OPTIMIZER_PRODIGY; one f64 loop in both builds, but Schedule-Free's in f32x4 in the SIMD builds).
export const OPTIMIZER_PRODIGY = 5;
export const OPTIMIZER_DADAPT_SGD = 6;
export const OPTIMIZER_DADAPT_ADAM = 7;
export const OPTIMIZER_DOG = 8;
export const OPTIMIZER_SF_SGD = 9; // schedule-free SGD
export const OPTIMIZER_SF_ADAMW = 10; // schedule-free AdamW

// f64 fields of the optimizer block (assembly/optimizers.ts).
export const OPT_KIND = 0;
export const OPT_MOMENTUM = 1;
export const OPT_DAMPENING = 2;
export const OPT_NESTEROV = 3;
export const OPT_WEIGHT_DECAY = 4;
export const OPT_BETA1 = 5;
export const OPT_BETA2 = 6;
export const OPT_EPS = 7;
export const OPT_AMSGRAD = 8;
export const OPT_ALPHA = 9;
export const OPT_CENTERED = 10;
export const OPT_LR_DECAY = 11;
export const OPT_STEP = 12; // steps taken so far (PyTorch's state['step'])
export const OPT_POW_STEP = 13; // the kernel's cache: the step that OPT_BETA1_POW and OPT_BETA2_POW belong to
export const OPT_BETA1_POW = 14; // beta1^step
export const OPT_BETA2_POW = 15; // beta2^step
export const OPT_GROWTH_RATE = 16; // prodigy, dadapt-*: the largest factor d may grow by in one step
// The learning-rate-free optimizers' scalar state (OptimizerState.scalars of src/optim/optimizers.ts, in order).
export const OPT_D = 17; // prodigy, dadapt-*: d; dog: r-bar; schedule-free: the sum of squared step sizes
export const OPT_SUM = 18; // prodigy, dadapt-*: d-hat's numerator; dog: the sum of squared gradient norms
export const OPT_AUX = 19; // dadapt-sgd: the first non-zero gradient's norm
export const OPT_FIELDS = 20;
// State vectors per parameter of the classic optimizers (sgd: momentum; adam: m, v, max v; rmsprop:
// square avg, momentum, grad avg; adagrad: sum). The others have their own count (slotCount of
// src/optim/optimizers.ts), and the network block holds as many as its optimizer uses.
export const SLOTS = 3;

// f64 fields of the stats block: an epoch's totals, accumulated over its chunks of batches
// (firstBatch = 0 resets them), and the last optimizer step's results.
export const STAT_LOSS_SUM = 0; // sum of (weighted) row losses plus penalties, each at the parameters its batch saw
export const STAT_GRAD_NORM = 1; // L2 norm of the epoch's average data gradient
export const STAT_MAX_STEP = 2; // largest single-step parameter change
export const STAT_BATCHES = 3; // batches done (the next batch's index)
export const STAT_DIVERGED = 4; // index of the batch whose loss or update was not finite, else -1
export const STAT_ROWS = 5; // rows seen so far this epoch
export const STAT_STEP_NORM_SQ = 6; // the last step's squared gradient norm
export const STAT_STEP_MAX_CHANGE = 7; // the last step's largest parameter change
export const STAT_FIELDS = 8;

// The network descriptor's header (assembly/network.ts, written by src/wasm/networkBlock.ts).
// Offsets into the parameter vector are in elements; *_PTR fields are byte addresses. The
// descriptor carries every pointer the epoch writes through, so a second thread would get
// a descriptor of its own (its own gradient, stats and scratch, the same parameters).
export const NET_INPUTS = 0; // width of an input row
export const NET_LAYERS = 1; // dense layers, L >= 1: the hidden layers, then the output layer
export const NET_HEAD = 2; // HEAD_*
export const NET_PARAMS = 3; // length of each parameter-sized vector (a multiple of 4, zero-padded)
export const NET_CAPACITY = 4; // rows the chunk scratch holds; a batch runs in chunks of at most this many
export const NET_X_PTR = 5; // chunk scratch, capacity x inputs f32: a chunk's rows gathered in visiting order
export const NET_Y_PTR = 6; // chunk scratch, capacity x target width (f32, or i32 labels for softmax)
export const NET_SW_PTR = 7; // chunk scratch, capacity f32 row weights
export const NET_SCRATCH_PTR = 8; // KERNEL_TAIL_BYTES of scratch for the kernels' SIMD tails
export const NET_PARAMS_PTR = 9; // params f32
export const NET_GRAD_PTR = 10; // params f32: a batch's gradient
export const NET_GRAD_SUM_PTR = 11; // params f64: the epoch's gradient sum
export const NET_SLOTS_PTR = 12; // SLOTS x params f32: the optimizer state
export const NET_OPT_PTR = 13; // the optimizer block (OPT_*)
export const NET_STATS_PTR = 14; // the stats block (STAT_*)
export const NET_SUB_PTR = 15; // SUB_SCRATCH_BYTES: the one-output kernel's sub-batch scratch in the threaded build (assembly/linear.ts)
export const NET_SLICE_ROWS = 16; // rows of the batch's sums: a chunk's gradient and loss are summed in slices of this many rows, in order (the unit data-parallel batches share out)
export const NET_HEADER = 17; // slots before the first layer's fields
// Bytes at NET_SCRATCH_PTR, where lossRows, activationForward and activationBackward run their
// SIMD tails (the last values that do not fill a block) in the network's batch gradient.
export const KERNEL_TAIL_BYTES = 128;
// Bytes at NET_SUB_PTR: four f32 (or address) lanes for each of 64 rows and a kernel tail.
export const SUB_SCRATCH_BYTES = 1152; // 4 x 64 x 4 + KERNEL_TAIL_BYTES

// Fields of layer l, at slot NET_HEADER + l * LAYER_FIELDS (6 and 7 are reserved).
export const LAYER_UNITS = 0; // outputs of the layer
export const LAYER_ACTIVATION = 1; // ACT_*
export const LAYER_WEIGHTS = 2; // offset of W (units x inputs, row-major) in the parameter vector
export const LAYER_BIAS = 3; // offset of b (units)
export const LAYER_OUT_PTR = 4; // chunk scratch, capacity x units f32: the layer's outputs after activation
export const LAYER_DELTA_PTR = 5; // chunk scratch, capacity x units f32: dLoss/d(pre-activation)
export const LAYER_FIELDS = 8;

// What a data descriptor describes (DATA_KIND). trainEpoch and predict read dense and CSR
// tables and return STATUS_BAD_KIND for the others (networkGradient reads dense only, else traps).
export const KIND_DENSE = 0; // rows x cols f32 at DATA_X_PTR
export const KIND_CSR = 1; // stored values (f32) at DATA_X_PTR, DATA_INDPTR_PTR (rows + 1 u32), DATA_INDICES_PTR (u32 columns)
export const KIND_STREAM = 2; // reserved, unused: a stream's block (fitStream) is a dense or CSR table with DATA_FIRST_ROW

// The data descriptor (assembly/train.ts, assembly/shuffle.ts; src/wasm/dataBlock.ts): one
// table of rows, its arrangement (the current buffers in bucket order, the visit order, and
// the next arrangement the training pass scatters into) and the epoch's settings.
export const DATA_KIND = 0; // KIND_*
export const DATA_ROWS = 1;
export const DATA_COLS = 2; // input width
export const DATA_WIDTH = 3; // target values per row (f32 values, or one i32 label)
export const DATA_X_PTR = 4;
export const DATA_Y_PTR = 5; // rows x width
export const DATA_SW_PTR = 6; // rows f32 row weights, 0 = all 1
export const DATA_ORDER_PTR = 7; // rows u32: the row at each position, 0 = storage order
export const DATA_BUCKETS = 8; // buckets of the arrangement (1 = not bucketed)
export const DATA_STARTS_PTR = 9; // buckets + 1 u32: each bucket's first row in the current arrangement
export const DATA_NEXT_STARTS_PTR = 10; // the same for the next arrangement (written by planScatter)
export const DATA_IDS_PTR = 11; // rows u32: each position's bucket in the next arrangement; 0 = no scatter
export const DATA_CURSORS_PTR = 12; // buckets u32: each next bucket's write position
export const DATA_NEXT_X_PTR = 13;
export const DATA_NEXT_Y_PTR = 14;
export const DATA_NEXT_SW_PTR = 15;
export const DATA_BATCH_SIZE = 16;
export const DATA_LRS_PTR = 17; // one f64 learning rate per batch of the epoch
export const DATA_INDPTR_PTR = 18; // KIND_CSR
export const DATA_INDICES_PTR = 19; // KIND_CSR
export const DATA_NEXT_INDPTR_PTR = 20; // KIND_CSR: the next arrangement's (arrangeSparse)
export const DATA_NEXT_INDICES_PTR = 21; // KIND_CSR: the next arrangement's (arrangeSparse)
export const DATA_FIRST_ROW = 22; // a stream's block (fitStream): the epoch's rows before it; trainEpoch's totals start over at batch 0 only when it is 0
export const DATA_TEAM_PTR = 23; // threaded build: the team block (TEAM_*) whose workers share this call's batches, 0 = none
export const DATA_L1 = 24; // f64 at byte 4 * 24: the L1 penalty on weights
export const DATA_L2 = 26; // f64 at byte 4 * 26: the L2 penalty on weights
export const DATA_FIELDS = 28;

// What trainEpoch and predict return.
export const STATUS_OK = 0;
export const STATUS_BAD_KIND = 1;
export const STATUS_WORKER_FAULT = 2; // a team's worker failed (TEAM_FAULT): the pool's join() names the cause

// Data-parallel batches (assembly/team.ts, threaded build). A network's batch runs in chunks of
// NET_CAPACITY rows in every build; with a team, the owner (thread 0) and each worker w (thread
// w + 1) take chunk t of each round of `threads` chunks, and the owner adds the workers' chunk
// gradients to its own in chunk order: the same sums, in the same order, as one thread.
// The team block: i32 words, then one member slot of MEMBER_WORDS words per worker.
export const TEAM_SEQ = 0; // round sequence: the owner adds 1 to publish a round (or the stop)
export const TEAM_STOP = 1; // 1: the call is over, workers return
export const TEAM_FAULT = 2; // set by a worker's thread when its task fails or its thread ends (src/threads/workerSource.ts)
export const TEAM_THREADS = 3; // threads taking part in this call (the owner and threads - 1 workers)
export const TEAM_CHUNKS = 4; // chunks the workers have computed (counted by the owner; tests check it)
export const TEAM_START = 5; // the round's first row
export const TEAM_END = 6; // the batch's end row
export const TEAM_X_PTR = 7; // the batch's data, as networkBatch takes it
export const TEAM_Y_PTR = 8;
export const TEAM_SW_PTR = 9;
export const TEAM_ORDER_PTR = 10;
export const TEAM_PARAMS_PTR = 11;
export const TEAM_OWNER_BLOCKS = 12; // 1: the owner may block (Node, a worker) when a worker is late; 0: it spins (a browser's main thread)
export const TEAM_SPINS = 13; // the owner's spin budget, kept between calls (assembly/team.ts; 0: the first call starts at the least)
export const TEAM_LOSS = 14; // f64 at word 14: the batch's running loss sum, kept in memory across the owner's waits (assembly/team.ts)
export const TEAM_HEADER = 16; // words before worker 0's member slot (64 bytes: each slot on a cache line of its own)
// Worker w's member slot, at word TEAM_HEADER + w * MEMBER_WORDS of the team block.
export const MEMBER_DONE = 0; // the last round the worker finished
export const MEMBER_NET_PTR = 1; // the worker's network descriptor (the model's shape, scratch of its own)
export const MEMBER_GRAD_PTR = 2; // the worker's chunk gradient (params f32)
export const MEMBER_LOSS = 4; // f64 at word 4: the worker's chunk loss
export const MEMBER_WORDS = 16;
