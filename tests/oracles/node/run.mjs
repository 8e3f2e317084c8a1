// Runs ASL definitions on aws-local-stepfunctions, a second independent engine for flowc's differential tests.
// Input (stdin): one JSON job per line {"definition", "input", "mocks": {State: [{"result"}|{"error","cause"}]}}.
// Output (stdout): one JSON line per job {"status", "output", "error", "cause"}. No network: every Task state
// must have a mock (the engine would otherwise call AWS Lambda).
import { createInterface } from 'node:readline';

// aws-local-stepfunctions 3 targets Node 22 and calls Promise.withResolvers (Node 22+); Node 20 lacks it.
if (!Promise.withResolvers) {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}
const { StateMachine } = await import('aws-local-stepfunctions');

function handlers(mocks) {
  const out = {};
  for (const [state, steps] of Object.entries(mocks || {})) {
    let calls = 0;
    out[state] = async () => {
      const step = steps[Math.min(calls, steps.length - 1)];
      calls += 1;
      if ('error' in step) {
        const err = new Error(step.cause ?? '');
        err.name = step.error;
        throw err;
      }
      return step.result;
    };
  }
  return out;
}

function zeroWaits(definition, acc = {}) {
  for (const [name, state] of Object.entries(definition.States || {})) {
    if (state.Type === 'Wait') acc[name] = 0;
    for (const branch of state.Branches || []) zeroWaits(branch, acc);
    if (state.ItemProcessor || state.Iterator) zeroWaits(state.ItemProcessor || state.Iterator, acc);
  }
  return acc;
}

function retryZero(definition, acc = {}) {
  for (const [name, state] of Object.entries(definition.States || {})) {
    if (state.Retry) acc[name] = 0;
    for (const branch of state.Branches || []) retryZero(branch, acc);
    if (state.ItemProcessor || state.Iterator) retryZero(state.ItemProcessor || state.Iterator, acc);
  }
  return acc;
}

async function run(job) {
  const machine = new StateMachine(job.definition, { validationOptions: { noValidate: true } });
  const execution = machine.run(job.input, {
    overrides: {
      taskResourceLocalHandlers: handlers(job.mocks),
      waitTimeOverrides: zeroWaits(job.definition),
      retryIntervalOverrides: retryZero(job.definition),
    },
  });
  try {
    const output = await execution.result;
    return { status: 'SUCCEEDED', output: output === undefined ? null : output };
  } catch (err) {
    const cause = err.cause ?? err;
    return { status: 'FAILED', error: cause.name ?? null, cause: cause.message ?? null, kind: err.name };
  }
}

const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  let answer;
  try {
    answer = await run(JSON.parse(line));
  } catch (err) {
    answer = { status: 'ERROR', error: err.name, cause: String(err.message) };
  }
  process.stdout.write(JSON.stringify(answer) + '\n');
}
