// The aws-local-stepfunctions side of benchmarks/bench_run.py: times N executions in this one Node process.
// Uses the oracle's pinned install (tests/oracles/node, `npm ci --prefix tests/oracles/node`); no network.
// Input (stdin): one job per line, {"cases": [{"name", "machines": {Name: definition}, "main": Name, "input", "n",
// "warmup"}]}: n executions timed after `warmup` untimed ones (bench_run.py pairs the rounds).
// Output (stdout): a line per job, {"version": "...", "node": "...", "results": {name: {"seconds", "n", "output"}}}.
//
// Task states run JS handlers doing the same work as flowc's side (bench_run.py says which):
// - the Lambda functions of workflows/handlers/*.py, translated line for line (same lookups, same results);
// - DynamoDB putItem / SNS publish: the constant results flowc's mocks give ({} and {"MessageId": "m"});
// - startExecution.sync:2: runs the child state machine on this same engine and returns what DescribeExecution
//   would ({"Output": child output, "Status": "SUCCEEDED", ...}), as flowc runs the child in its interpreter;
// - the big Map's `work` function: {"v": event.double}.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

if (!Promise.withResolvers) { // the package targets Node 22; Node 20 lacks this (as in tests/oracles/node/run.mjs)
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new this((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const here = dirname(fileURLToPath(import.meta.url));
const nodeDir = join(here, '..', 'tests', 'oracles', 'node');
const require = createRequire(join(nodeDir, 'package.json'));
const entry = require.resolve('aws-local-stepfunctions').replace(/main\.node\.cjs$/, 'main.node.esm.js');
const { StateMachine } = await import(pathToFileURL(entry).href);
const version = JSON.parse(readFileSync(join(nodeDir, 'node_modules', 'aws-local-stepfunctions', 'package.json'),
  'utf8')).version;

// workflows/handlers/onboarding.py
const directory = {
  octocat: { id: 'E-1001', email: 'octocat@example.com', department: 'platform' },
  hubot: { id: 'E-1002', email: 'hubot@example.com', department: 'data' },
};
const teams = { platform: 'platform-engineers', data: 'data-engineers' };
class UnknownUser extends Error { constructor(m) { super(m); this.name = 'UnknownUser'; } }
function addToTeam(event) {
  const user = event.user;
  const record = directory[user] ?? { department: 'unknown' };
  const team = teams[record.department] ?? 'everyone';
  return { org: event.org, name: team, member: user, role: 'member' };
}
function fetchEmployee(event) {
  const login = event.login;
  if (!(login in directory)) throw new UnknownUser(`no employee record for GitHub user ${login}`);
  return { login, ...directory[login] };
}
// workflows/handlers/fanout.py
class InvalidUser extends Error { constructor(m) { super(m); this.name = 'InvalidUser'; } }
function provisionUser(event) {
  const user = event.user;
  const login = user.login;
  if (!login) throw new InvalidUser(`user record has no login: ${JSON.stringify(user)}`);
  return { login, access: user.role === 'owner' ? 'admin' : 'read' };
}

const FUNCTIONS = { add_to_team: addToTeam, fetch_employee: fetchEmployee, provision_user: provisionUser,
  work: (e) => ({ v: e.double }) };

function tasksOf(definition, out = []) {
  for (const [name, state] of Object.entries(definition.States || {})) {
    if (state.Type === 'Task') out.push([name, state]);
    for (const branch of state.Branches || []) tasksOf(branch, out);
    if (state.ItemProcessor || state.Iterator) tasksOf(state.ItemProcessor || state.Iterator, out);
  }
  return out;
}

function build(machines, name) {
  const definition = machines[name];
  const handlers = {};
  for (const [state, task] of tasksOf(definition)) {
    const resource = task.Resource;
    const fn = resource.match(/:function:([^:]+)$/);
    if (fn) {
      const f = FUNCTIONS[fn[1]];
      handlers[state] = async (event) => f(event);
    } else if (resource === 'arn:aws:states:::dynamodb:putItem') {
      handlers[state] = async () => ({});
    } else if (resource === 'arn:aws:states:::sns:publish') {
      handlers[state] = async () => ({ MessageId: 'm' });
    } else if (resource.startsWith('arn:aws:states:::states:startExecution.sync')) {
      const childName = task.Parameters.StateMachineArn.split(':').pop();
      const child = build(machines, childName);
      handlers[state] = async (event) => {
        const output = await child.run(event.Input).result;
        return { ExecutionArn: `arn:aws:states:us-east-1:123456789012:execution:${childName}:x`, Input: event.Input,
          Name: 'x', Output: output, StartDate: 0, StateMachineArn: task.Parameters.StateMachineArn,
          Status: 'SUCCEEDED', StopDate: 0 };
      };
    } else {
      throw new Error(`no benchmark handler for ${state} (${resource})`);
    }
  }
  const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
  // the engine has no Context Object of its own beyond Map items: give each run what `$$.Execution` reads
  const context = { Execution: { Id: `arn:aws:states:us-east-1:123456789012:execution:${name}:x`, Name: 'x',
    Input: null, StartTime: '2024-01-01T00:00:00.000Z',
    RoleArn: 'arn:aws:iam::123456789012:role/StatesExecutionRole' },
  StateMachine: { Id: `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`, Name: name } };
  return { run: (input) => machine.run(input, { overrides: { taskResourceLocalHandlers: handlers },
    context: { ...context, Execution: { ...context.Execution, Input: input } } }) };
}

async function runJob(job) {
  const results = {};
  for (const c of job.cases) {
    const machine = build(c.machines, c.main);
    let output;
    for (let i = 0; i < (c.warmup ?? 0); i++) output = await machine.run(c.input).result;
    const started = process.hrtime.bigint();
    for (let i = 0; i < c.n; i++) output = await machine.run(c.input).result;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    results[c.name] = { seconds, n: c.n, output };
  }
  return { version, node: process.version, results };
}

// One job per input line, one result line per job: bench_run.py keeps this process (and its JIT) across its
// rounds, as its own side keeps its process.
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim()) process.stdout.write(JSON.stringify(await runJob(JSON.parse(line))) + '\n');
}
